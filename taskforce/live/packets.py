"""Socket.IO packets whose JSON cannot be read become an event the namespaces answer (issue 12 §5)."""
from socketio.packet import Packet

MALFORMED_EVENT = "malformed"


class TolerantSocketPacket(Packet):
    """A Socket.IO packet whose unreadable JSON (nested past the parser's recursion limit, broken) becomes the
    event `malformed` — answered with an error like any refused event — instead of an exception in the
    server's reader, which python-engineio only logs, leaving the sender without an answer. The packet's
    type, namespace and ack id are read before its JSON, so the answer reaches the right acknowledgement."""

    def decode(self, encoded_packet):
        try:
            return super().decode(encoded_packet)
        except (ValueError, RecursionError):
            self.data = [MALFORMED_EVENT] if self.packet_type == 2 else None  # 2: EVENT
            return 0

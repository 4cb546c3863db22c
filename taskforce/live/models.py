"""The socket registry's table: which sockets are open, on any server process, and with which sign-in."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.extensions import db


class LiveSocket(db.Model):
    """A socket open on `/live` or `/channels` somewhere, and the sign-in session that opened it.

    Socket.IO keeps its rooms per server process, so a process cannot list the sockets another holds; this
    row lets a logout or a removal on one process name every socket of that session or member, and
    python-socketio forwards `disconnect`/`leave_room` of a socket it does not hold through the message
    queue. A row left by a crashed process is harmless (acting on a gone socket does nothing) and is
    pruned a day later by the sweep (`taskforce.live.sweep`)."""

    __tablename__ = "live_sockets"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    namespace: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_id: Mapped[int] = mapped_column(Integer, index=True)  # a user_sessions row (no FK: sessions are pruned)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

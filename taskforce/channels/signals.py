"""Blinker signals the channels domain sends; listeners are connected in `taskforce/wiring.py` (DESIGN §2).

`message_posted(message, mentioned_ids)` — after commit, when a new message was stored (not for a retried
send): the notifications listener (`channels/live.py`) tells the people it @mentions and, for a reply, those
who wrote in its thread.
`channel_read(user_id, channel_id, last_read)` — after commit, when a member's read position in a channel
moved: their notifications about messages up to it are read too (the bell and the page agree with the
sidebar).
"""
from blinker import Namespace

_signals = Namespace()
message_posted = _signals.signal("message-posted")
channel_read = _signals.signal("channel-read")

"""Which sockets are open, on any server process: the registry behind cross-process disconnects.

A socket is registered when it connects and forgotten when it disconnects (`events.py`). A logout,
deactivation or removal from a channel then finds every socket concerned here, whichever process holds
it (`room_events.py` acts on them). Each call is one short transaction of its own.
"""
from datetime import timedelta

from sqlalchemy import delete, select

from taskforce.channels.models import ConnectedSocket
from taskforce.dbtypes import utcnow
from taskforce.extensions import db

FORGOTTEN_AFTER = timedelta(hours=24)  # longer than a sign-in session lives (12 h): only crash leftovers


def socket_opened(sid: str, user_id: int, session_id: int) -> None:
    """Remember a new socket; also drop rows a crashed process left behind long ago."""
    db.session.execute(delete(ConnectedSocket).where(ConnectedSocket.connected_at < utcnow() - FORGOTTEN_AFTER))
    db.session.merge(ConnectedSocket(sid=sid, user_id=user_id, session_id=session_id, connected_at=utcnow()))
    db.session.commit()


def socket_closed(sid: str) -> None:
    """Forget a socket that disconnected (for whatever reason)."""
    db.session.execute(delete(ConnectedSocket).where(ConnectedSocket.sid == sid))
    db.session.commit()


def sockets_of_sessions(session_ids) -> list[str]:
    """The sockets opened with these sign-in sessions, on every process."""
    ids = [i for i in session_ids or () if isinstance(i, int)]
    if not ids:
        return []
    return list(db.session.scalars(select(ConnectedSocket.sid).where(ConnectedSocket.session_id.in_(ids))))


def sockets_of_member(user_id: int) -> list[str]:
    """Every socket of one member, on every process."""
    return list(db.session.scalars(select(ConnectedSocket.sid).where(ConnectedSocket.user_id == user_id)))

"""Searching messages: every word of the query, in channels the actor can read only, deleted ones never."""
from sqlalchemy import func, select

from taskforce.auth.models import User
from taskforce.channels import access
from taskforce.channels.models import Channel, Message
from taskforce.errors import ValidationError
from taskforce.extensions import db

SEARCH_LIMIT = 50


def search_messages(actor: User, query, *, limit: int = SEARCH_LIMIT) -> list[Message]:
    """Messages containing every word of `query`, newest first, in channels the actor can read only
    (deleted messages are not found)."""
    if not isinstance(query, str):
        raise ValidationError("Search for some text.", field="q")
    words = [w for w in query.strip().split() if w][:8]
    if not words or len(query) > 200:
        raise ValidationError("Search for one to eight words (at most 200 characters).", field="q")
    readable = select(Channel.id).where(access.readable_condition(actor))
    stmt = select(Message).where(Message.channel_id.in_(readable), Message.deleted_at.is_(None))
    for word in words:
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(Message.body).like(f"%{escaped}%", escape="\\"))
    return list(db.session.scalars(stmt.order_by(Message.id.desc()).limit(limit)))

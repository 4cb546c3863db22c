"""What a client receives about channels and messages: plain JSON-ready dicts.

`body_html` is the only form of the body a reader gets, made by `render_markdown` (bleach allowlist); a
deleted message carries no body at all. The Markdown source is sent only to its author (to edit it).
"""
from taskforce.channels.models import Channel, Message
from taskforce.markup import render_markdown


def message_payload(message: Message, *, for_user_id: int | None = None) -> dict:
    """The `message_posted` shape of DESIGN §5, plus thread, edit, delete and reaction state."""
    deleted = message.is_deleted
    reactions: dict[str, list[int]] = {}
    if not deleted:
        for reaction in message.reactions:
            reactions.setdefault(reaction.emoji, []).append(reaction.user_id)
    payload = {
        "id": message.id,
        "channel_id": message.channel_id,
        "author": message.author.display_name,
        "author_id": message.author_id,
        "author_organization": message.author.organization.name,
        "body_html": "" if deleted else render_markdown(message.body),
        "created_at": message.created_at.isoformat(),
        "client_id": message.client_id,
        "parent_id": message.parent_id,
        "edited": message.edited_at is not None,
        "deleted": deleted,
        "reactions": reactions,
    }
    if for_user_id is not None and for_user_id == message.author_id and not deleted:
        payload["body"] = message.body
    return payload


def channel_payload(channel: Channel) -> dict:
    """A channel as the sidebar and `GET /api/channels` show it (`id`, `name`, `kind` are the contract)."""
    return {"id": channel.id, "name": channel.name, "kind": channel.kind.value, "topic": channel.topic,
            "sector": channel.sector, "archived": channel.is_archived}

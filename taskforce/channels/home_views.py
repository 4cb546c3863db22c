"""The channels' block on Home (taskforce/home.py): unread channels and the member's latest mentions."""
from flask import url_for

from taskforce import home
from taskforce.channels import notifying, services


def unread_block(user) -> dict:
    """Channels with unread messages (muted ones left out: the member asked for quiet), then unread
    mentions. Names and counts only."""
    state = services.unread_counts(user)
    items = []
    for mention in notifying.recent_mentions(user):
        if mention["unread"]:
            items.append({"text": f"{mention['author']} mentioned you in #{mention['channel_name']}",
                          "url": url_for("channels.show", channel_id=mention["channel_id"])
                          + f"#message-{mention['message_id']}", "unread": True})
    for channel in services.readable_channels(user, include_archived=False):
        unread = state.get(channel.id, {})
        if unread.get("unread") and not unread.get("muted"):
            items.append({"text": f"#{channel.name}", "url": url_for("channels.show", channel_id=channel.id),
                          "meta": f"{unread['unread']} unread"})
    return {"items": items[:10],
            "empty": "You are up to date. Ask partners a question in a channel; @name someone to reach them.",
            "more": {"url": url_for("channels.index"), "label": "Open channels"}}


def register(app) -> None:
    home.register_block("channels", 20, unread_block, title="Unread channels and mentions",
                        live_events=("message_posted", "read_state", "notifications_unread"))

"""Channels listeners (DESIGN §2 `live.py`): a posted message becomes notifications — of a @mention to the
people named, of a reply to those who wrote in the thread. The rules are `notifications.rules` (PURE);
the facts come from `channels.notifying`. Emails say only "You were mentioned in #channel" and a link.
"""
from taskforce import notifications
from taskforce.channels import notifying
from taskforce.notifications import rules

MENTION = notifications.register_kind("mention", "Mentions of you in channels")
THREAD_REPLY = notifications.register_kind("thread_reply", "Replies in threads you wrote in")


def message_url(message) -> str:
    return f"/channels/{message.channel_id}#message-{message.id}"


@notifications.listener
def notify_mentions_and_thread_replies(message, mentioned_ids=(), **_extra) -> None:
    """Receiver of `channels.signals.message_posted` (connected in `taskforce.wiring`)."""
    mentioned_ids = list(mentioned_ids or ())
    if not mentioned_ids and message.parent_id is None:
        return  # most messages concern nobody in particular: no query at all
    facts = notifying.message_facts(message, mentioned_ids)
    channel, author = facts["channel_name"], facts["author_name"]
    mentioned = rules.mention_recipients(message.author_id, mentioned_ids, facts["reader_ids"])
    notifications.notify(mentioned, MENTION, f"{author} mentioned you in #{channel}", message_url(message),
                         object_type="message", object_id=message.id,
                         email_text=f"You were mentioned in #{channel}")
    if message.parent_id is not None:
        replied = rules.thread_reply_recipients(message.author_id, facts["thread_author_ids"], facts["reader_ids"],
                                                facts["muted_ids"], mentioned)
        notifications.notify(replied, THREAD_REPLY, f"{author} replied in a thread in #{channel}",
                             message_url(message), object_type="message", object_id=message.id,
                             email_text=f"Someone replied in your thread in #{channel}")


@notifications.listener
def read_notifications_of_read_messages(user_id, channel_id=None, last_read=0, **_extra) -> None:
    """Receiver of `channels.signals.channel_read`: reading the channel reads its mentions and replies."""
    unread = notifications.unread_object_ids(user_id, "message")
    if unread:  # usually empty: one small query per read position change
        notifications.mark_object_read(user_id, "message", notifying.read_message_ids(channel_id, unread, last_read))

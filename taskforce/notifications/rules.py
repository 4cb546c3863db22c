"""PURE: who is told what, and how — the notification rules on plain ids, testable without an app.

Domains gather the facts (who wrote in a thread, who may read the channel, who muted it) through their own
services; these functions decide. Rules kept everywhere: nobody is notified of their own action; only people
who may see the object are told about it; one event tells one person once (a mention beats a thread reply).
"""
import enum
from collections import Counter
from collections.abc import Iterable


class Delivery(str, enum.Enum):
    IN_APP = "in_app"   # the bell and the notifications page only (the default)
    EMAIL = "email"     # besides, one email at once
    DIGEST = "digest"   # besides, in one email a day

    @property
    def label(self) -> str:
        return {"in_app": "In the app only", "email": "Email me at once", "digest": "Daily digest email"}[self.value]


def _ids(values: Iterable) -> set[int]:
    return {v for v in values or () if isinstance(v, int) and not isinstance(v, bool)}


def mention_recipients(author_id: int, mentioned_ids: Iterable[int], reader_ids: Iterable[int]) -> set[int]:
    """The people a message @mentions who may read its channel — never its author. A muted channel still
    tells about mentions: a mention is addressed to the person (as in Slack and Mattermost)."""
    return (_ids(mentioned_ids) & _ids(reader_ids)) - {author_id}


def thread_reply_recipients(author_id: int, thread_author_ids: Iterable[int], reader_ids: Iterable[int],
                            muted_ids: Iterable[int] = (), mentioned_ids: Iterable[int] = ()) -> set[int]:
    """Who hears of a reply: whoever wrote the thread's first message or replied in it, still a reader of
    the channel (someone removed from a private channel hears nothing more), who did not mute the channel,
    and who is not already told by a mention of the same message; never the reply's author."""
    return ((_ids(thread_author_ids) & _ids(reader_ids)) - _ids(muted_ids) - _ids(mentioned_ids)) - {author_id}


def others(actor_id: int | None, user_ids: Iterable[int]) -> set[int]:
    """Everyone in `user_ids` but the person who acted (a reviewer releasing, a provider changing beds)."""
    return _ids(user_ids) - {actor_id}


def split_by_delivery(recipient_ids: Iterable[int], preferences: dict[int, "Delivery"]) -> dict[Delivery, set[int]]:
    """Recipients grouped by how they asked to hear of this kind; no preference means in the app only."""
    groups: dict[Delivery, set[int]] = {d: set() for d in Delivery}
    for user_id in _ids(recipient_ids):
        groups[preferences.get(user_id, Delivery.IN_APP)].add(user_id)
    return groups


def badge(count: int) -> str:
    """The bell's number: empty for none, "99+" past 99 (the page has the exact list)."""
    if count <= 0:
        return ""
    return "99+" if count > 99 else str(count)


def immediate_email(email_text: str, link: str, preferences_link: str) -> tuple[str, str]:
    """Subject and body of an email sent at once. Only the notification's email sentence and a link: never
    a message's or a lesson's text, never who wrote it."""
    subject = "Taskforce: " + email_text
    body = (f"{email_text} — open Taskforce:\n{link}\n\n"
            f"You get this email because you asked for it. Change how you hear of this:\n{preferences_link}\n")
    return subject, body


def digest_email(email_texts: Iterable[str], link: str, preferences_link: str) -> tuple[str, str]:
    """Subject and body of a daily digest: each sentence once, with how many times it happened."""
    counted = Counter(email_texts)
    total = sum(counted.values())
    lines = [f"- {text}" + (f" ({count}×)" if count > 1 else "") for text, count in counted.most_common()]
    subject = f"Taskforce: {total} new notification{'s' if total != 1 else ''}"
    body = "Since your last digest:\n\n" + "\n".join(lines) + f"\n\nOpen Taskforce to read them:\n{link}\n\nChange how you hear of each kind:\n{preferences_link}\n"
    return subject, body

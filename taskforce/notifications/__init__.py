"""Per-recipient notifications (DESIGN §2). Contract kept stable for every domain (issue 14 builds the rows,
the bell, the page, preferences and email behind it):

- `register_kind(kind, label)` once per kind, at import of the domain's `live.py`;
- `notify(user_ids, kind, text, url, object_type=None, object_id=None)` from a domain's `live.py`
  listener, after the domain's service committed. `text` is short and carries no case details
  ("You were mentioned in #intake"), `url` a path inside the app.
"""
from collections.abc import Iterable

from taskforce import live

KINDS: dict[str, str] = {}


def register_kind(kind: str, label: str) -> str:
    """Declare a notification kind (shown in preferences as `label`). Returns `kind`."""
    KINDS[kind] = label
    return kind


def notify(user_ids: Iterable[int], kind: str, text: str, url: str, *, object_type: str | None = None,
           object_id: int | None = None) -> None:
    """Tell these members something happened. Until the notification rows exist this is the live toast."""
    for user_id in set(user_ids):
        live.push(live.user_room(user_id), "notification", {"kind": kind, "text": text, "url": url})

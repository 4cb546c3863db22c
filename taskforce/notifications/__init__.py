"""Per-recipient notifications (DESIGN §2), a platform package: it imports no domain; domains feed it from
the listeners in their `live.py`.

Contract kept stable for every domain:
- `@listener` on each such listener: its failure is logged, never raised into the committed use case;
- `register_kind(kind, label)` once per kind, at import of the domain's `live.py`;
- `notify(user_ids, kind, text, url, object_type=None, object_id=None, email_text=None)` from a domain's
  `live.py` listener, after the domain's service committed. `text` is short and carries no case details
  ("Ana mentioned you in #intake"), `url` a path inside the app, `email_text` what an email may say
  ("You were mentioned in #intake"; default `text`).

- `unread_object_ids(user_id, object_type)` / `mark_object_read(user_id, object_type, ids)`: a domain that saw
  its member look at objects (a channel read up to a message) reads their notifications.

Rooms: `models.py` (rows, preferences, digests), `rules.py` (PURE: who gets what), `services.py` (notify,
count, list, mark read, preferences), `mailing.py` (email at once, daily digest), `views.py` (bell, page,
preferences), `cli.py` (`notifications send-digests`).
"""
from taskforce.notifications.services import (KINDS, kinds, listener, mark_object_read, notify, register_kind,
                                              unread_object_ids)

__all__ = ["KINDS", "kinds", "listener", "mark_object_read", "notify", "register_kind", "unread_object_ids"]

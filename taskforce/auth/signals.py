"""Blinker signals the auth domain sends; other domains subscribe in `create_app` (DESIGN §2).

`sessions_revoked(user_id, session_ids)` — after commit, when sign-in sessions die (logout, deactivation,
role change): the live layer disconnects those sockets at once, on every namespace and process.
`invitation_accepted(invitation, user)` — after commit, when a person used their invitation link and has an
account: the coordinator who invited them is notified.
"""
from blinker import Namespace

_signals = Namespace()
sessions_revoked = _signals.signal("sessions-revoked")
invitation_accepted = _signals.signal("invitation-accepted")

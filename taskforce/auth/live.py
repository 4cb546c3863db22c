"""Auth listeners (DESIGN §2 `live.py`): the coordinator who invited someone hears when they joined."""
from taskforce import notifications

INVITATION_ACCEPTED = notifications.register_kind("invitation_accepted", "People you invited who joined")


@notifications.listener
def notify_inviter_of_acceptance(invitation, user=None, **_extra) -> None:
    """Receiver of `auth.signals.invitation_accepted`."""
    if invitation.invited_by_id is None or user is None:
        return
    notifications.notify([invitation.invited_by_id], INVITATION_ACCEPTED,
                         f"{user.display_name} accepted your invitation and joined {invitation.organization.name}",
                         "/partners/invitations", object_type="user", object_id=user.id)

"""Live listeners of the partner map: a recorded referral or agreement redraws the open maps at once.

The push goes to coordinators and to the rooms of the edge's two organizations (the members whose figures
changed); it says which edge changed, never a count, so nobody learns a hidden figure from it. The page
fetches the map again, as its viewer may see it.
"""
from taskforce import live
from taskforce.network.signals import partnership_recorded, referral_recorded

EVENT = "network_changed"


def change_payload(kind: str, from_id, to_id) -> dict:
    return {"kind": kind, "from": from_id, "to": to_id}


def rooms_for(from_id, to_id) -> list[str]:
    rooms = [live.COORDINATORS]
    rooms += [live.org_room(o) for o in (from_id, to_id) if o is not None]
    return rooms


@referral_recorded.connect
def _redraw_after_referral(sender, from_id=None, to_id=None, **_):
    live.push(rooms_for(from_id, to_id), EVENT, change_payload("referral", from_id, to_id))


@partnership_recorded.connect
def _redraw_after_partnership(sender, from_id=None, to_id=None, **_):
    live.push(rooms_for(from_id, to_id), EVENT, change_payload("partnership", from_id, to_id))

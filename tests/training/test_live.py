"""The waitlisted member hears of a freed seat at once: `training_offer` and a `notification` on their own
sockets (/live, the live layer's namespace), nobody else's."""
import contextvars

import pytest

from taskforce.auth.models import Role
from taskforce.extensions import db, socketio
from taskforce.training import payloads, registration
from tests.conftest import CsrfClient

NS = "/live"  # the live layer's namespace: pushes to user rooms go there (issue 14 §1)



def test_offer_reaches_only_the_first_in_line(socket_for, make_training, make_user):
    training = make_training(capacity="1", title="Screening in the ER")
    holder, nurse, later = make_user(Role.MEMBER), make_user(Role.MEMBER), make_user(Role.MEMBER)
    registration.register(holder, training.id)
    registration.register(nurse, training.id)
    registration.register(later, training.id)
    nurse_socket, later_socket = socket_for(nurse), socket_for(later)
    nurse_socket.get_received(NS), later_socket.get_received(NS)
    registration.cancel(holder, training.id)
    nurse_events = [(p["name"], p["args"][0]) for p in nurse_socket.get_received(NS)]
    offers = [payload for name, payload in nurse_events if name == "training_offer"]
    notes = [payload for name, payload in nurse_events if name == "notification"]
    assert offers and offers[0]["training_id"] == training.id and "Screening in the ER" in offers[0]["text"]
    assert any(n["kind"] == "training_offer" and n["url"] == f"/training/{training.id}" for n in notes)
    later_names = [p["name"] for p in later_socket.get_received(NS)]
    assert "training_offer" not in later_names


def test_offer_payload_says_until_when_and_no_one_else():
    class T:
        title = "Indicators"

    class Reg:
        training_id, training, offer_expires_at, user_id = 4, T(), None, 9
    payload = payloads.offer_payload(Reg())
    assert payload["training_id"] == 4 and payload["expires_at"] is None and "Indicators" in payload["text"]


LIVE = "/live"


def test_a_member_follows_a_visible_training_room_and_is_refused_another_sectors(app, login, make_training,
                                                                              make_user, make_organization):
    """Through a real Socket.IO test client on /live: `subscribe training:<id>` joins for a training the
    member may see, and is refused for one meant only for another sector (and then nothing arrives)."""
    from taskforce import live
    from taskforce.auth.models import Sector
    open_to_all = make_training(title="Screening basics")
    clinics_only = make_training(title="Clinic-only screening", audience="healthcare")
    officer = make_user(Role.MEMBER, organization=make_organization(sector=Sector.LAW_ENFORCEMENT))
    http = CsrfClient(app.test_client())
    login(officer, the_client=http)
    db.session.commit()
    sio = contextvars.Context().run(socketio.test_client, app, namespace=LIVE, flask_test_client=http.raw())
    try:
        assert sio.is_connected(LIVE)
        room = f"training:{open_to_all.id}"
        assert sio.emit("subscribe", {"room": room}, namespace=LIVE, callback=True) == {"ok": True, "room": room}
        refused = sio.emit("subscribe", {"room": f"training:{clinics_only.id}"}, namespace=LIVE, callback=True)
        assert set(refused) == {"error"}
        sio.get_received(LIVE)
        live.push(live.object_room("training", clinics_only.id), "training_changed", {"training_id": clinics_only.id})
        live.push(live.object_room("training", open_to_all.id), "training_changed", {"training_id": open_to_all.id})
        got = [e["args"][0]["training_id"] for e in sio.get_received(LIVE) if e["name"] == "training_changed"]
        assert got == [open_to_all.id]
    finally:
        contextvars.Context().run(sio.disconnect, namespace=LIVE)

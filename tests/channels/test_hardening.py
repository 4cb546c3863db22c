"""Security review fixes: the socket keeps the second-factor rule, edits pass the PII warning, a deleted
message's text is gone for good, and odd or huge numbers are a clear 4xx (never a 500 or "something went
wrong")."""
import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role, User
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership, Message, MessageRevision
from taskforce.extensions import db
from tests.conftest import CsrfClient

PHONE = "555-201-4477"
HUGE = "99999999999999999999"
OOPS = "Something went wrong"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- 2. the second factor on the socket ----------------------------------------------------------------------

def test_coordinator_without_second_factor_cannot_connect(signed_in_socket, make_user, make_channel):
    make_channel()
    coordinator = make_user(Role.COORDINATOR, totp=False)  # signed in with the password only
    sock = signed_in_socket(coordinator)
    assert not sock.connected()
    assert signed_in_socket(make_user(Role.MEMBER)).connected()  # members need no second factor


@pytest.mark.parametrize("event,data", [("join", {"channel_id": None}), ("sync", {"since": {}}),
                                        ("send", {"channel_id": None, "body": "hello", "client_id": "c-1"})])
def test_losing_the_second_factor_refuses_every_event(signed_in_socket, make_user, make_channel, event, data):
    channel = make_channel()
    data = {k: channel.id if v is None else v for k, v in data.items()}
    coordinator = make_user(Role.COORDINATOR)
    sock = signed_in_socket(coordinator)
    assert sock.connected()
    db.session.get(User, coordinator.id).totp_secret = None  # an admin reset it: set up again first
    db.session.commit()
    answer = sock.emit(event, data)
    assert "two-factor" in answer["error"]
    assert not sock.connected() and count(Message) == 0


# --- 3. PII on edit, and deleting for good ------------------------------------------------------------------

def test_edit_warns_about_identifying_details_then_accepts_a_confirmation(signed_in_socket, member, make_channel):
    channel = make_channel()
    sock = signed_in_socket(member)
    sent = sock.emit("send", {"channel_id": channel.id, "body": "Her number is on file.", "client_id": "e-1"})
    body = f"Her number is {PHONE}"
    warned = sock.emit("edit", {"message_id": sent["id"], "body": body})
    assert "identifying details" in warned["error"]
    assert [(f["kind"], body[f["start"]:f["end"]]) for f in warned["pii"]] == [("PHONE", PHONE)]
    assert db.session.get(Message, sent["id"]).body == "Her number is on file." and count(MessageRevision) == 0
    confirmed = sock.emit("edit", {"message_id": sent["id"], "body": body, "confirm_pii": True})
    assert confirmed == {"ok": True, "id": sent["id"]}
    assert db.session.get(Message, sent["id"]).body == body
    outcomes = db.session.scalars(select(AuditEvent.outcome).where(AuditEvent.action == "channel.pii_warning")
                                  .order_by(AuditEvent.id)).all()
    assert outcomes == ["warned", "confirmed"]


def test_deleting_removes_the_text_and_every_earlier_version(signed_in_socket, make_user, make_channel):
    channel = make_channel()
    author = make_user()
    sock = signed_in_socket(author)
    sent = sock.emit("send", {"channel_id": channel.id, "body": f"Call her on {PHONE}", "client_id": "d-1",
                              "confirm_pii": True})
    sock.emit("edit", {"message_id": sent["id"], "body": f"Call her on {PHONE} after six", "confirm_pii": True})
    assert count(MessageRevision) == 1
    assert sock.emit("delete", {"message_id": sent["id"]}) == {"ok": True, "id": sent["id"]}
    message = db.session.get(Message, sent["id"])
    assert message.is_deleted and message.body == ""
    assert count(MessageRevision) == 0
    stored = db.session.scalars(select(Message.body)).all() + db.session.scalars(select(MessageRevision.body)).all()
    assert not any(PHONE in body for body in stored)
    deletions = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "channel.message_deleted")).all()
    assert [(e.target_type, e.target_id) for e in deletions] == [("Message", str(sent["id"]))]
    history = sock.http.get(f"/api/channels/{channel.id}/messages").get_json()["messages"]
    assert [(m["id"], m["deleted"], m["body_html"]) for m in history] == [(sent["id"], True, "")]  # the placeholder


def test_coordinator_sees_no_earlier_versions_of_a_deleted_message(app, login, member, make_user, make_channel):
    from taskforce.channels import message_edits, posting
    coordinator = make_user(Role.COORDINATOR)
    channel = make_channel()
    message = posting.post_message(member, channel.id, "first", "a").message
    message_edits.edit_message(member, message.id, "second")
    message_edits.delete_message(member, message.id)
    other = CsrfClient(app.test_client())
    login(coordinator, the_client=other)
    assert other.get(f"/api/channels/messages/{message.id}/revisions").get_json() == []


# --- 4. odd and huge numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("before", [HUGE, str(2**31), "²", "-1", "x"])
def test_history_before_an_odd_number_is_a_clear_400(client, login, member, make_channel, before):
    channel = make_channel()
    login(member)
    response = client.get(f"/api/channels/{channel.id}/messages?before={before}")
    assert response.status_code == 400 and "before" in response.get_json()["error"]


@pytest.mark.parametrize("path", [f"/api/channels/{HUGE}/messages", f"/channels/{2**31}",
                                  f"/api/channels/messages/{HUGE}/revisions", f"/api/channels/{HUGE}/members"])
def test_huge_ids_in_addresses_are_a_4xx(client, login, member, path):
    login(member)
    assert client.get(path).status_code in (400, 404)


@pytest.mark.parametrize("value", ["²", HUGE, str(2**31)])
def test_opening_a_channel_with_odd_member_ids_is_refused(client, login, member, value):
    login(member)
    response = client.post("/channels/new", data={"name": "Huddle", "kind": "private", "member_id": value})
    assert response.status_code == 303
    assert count(Channel) == 0 and count(ChannelMembership) == 0


@pytest.mark.parametrize("value", ["²", HUGE, str(2**31)])
def test_inviting_an_odd_user_id_is_a_404(client, login, member, make_channel, value):
    channel = make_channel(ChannelKind.PRIVATE, creator=member, members=[member])
    login(member)
    assert client.post(f"/channels/{channel.id}/members", data={"user_id": value}).status_code == 404
    assert count(ChannelMembership) == 1


def test_removing_a_huge_user_id_is_a_404(client, login, member, make_channel):
    channel = make_channel(ChannelKind.PRIVATE, creator=member, members=[member])
    login(member)
    assert client.post(f"/channels/{channel.id}/members/{HUGE}/remove").status_code == 404
    assert count(ChannelMembership) == 1


def test_socket_refuses_out_of_range_numbers_clearly(signed_in_socket, member, make_channel):
    channel = make_channel()
    sock = signed_in_socket(member)
    sent = sock.emit("send", {"channel_id": channel.id, "body": "hello", "client_id": "n-1"})
    for event, data, expected in (
            ("join", {"channel_id": 2**31}, "channel_id"),
            ("join", {"channel_id": "²"}, "channel_id"),
            ("send", {"channel_id": 2**31, "body": "x", "client_id": "n-2"}, "channel_id"),
            ("sync", {"since": {str(2**31): 0}}, "channel_id"),
            ("sync", {"since": {str(channel.id): 2**63}}, "last seen id"),
            ("sync", {"since": {str(channel.id): 0}, "changes_since": 2**63}, "changes_since"),
            ("edit", {"message_id": 2**40, "body": "x"}, "message_id"),
            ("delete", {"message_id": 2**62}, "message_id"),
            ("react", {"message_id": 2**31, "emoji": "👍"}, "message_id"),
            ("read", {"channel_id": channel.id, "message_id": 2**63}, "message_id")):
        answer = sock.emit(event, data)
        assert "error" in answer and OOPS not in answer["error"], (event, data, answer)
        assert expected in answer["error"], (event, data, answer)
    assert db.session.scalar(select(Message.body).where(Message.id == sent["id"])) == "hello"

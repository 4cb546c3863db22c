"""The /channels socket contract (DESIGN §5) with Socket.IO test clients signed in through the real form."""
import pytest
from sqlalchemy import func, select

from taskforce.auth.models import Role, Sector
from taskforce.channels.models import ChannelKind, Message
from taskforce.extensions import db, socketio
from tests.channels.conftest import NS


def count_messages() -> int:
    return db.session.scalar(select(func.count()).select_from(Message))


def test_connect_requires_a_signed_in_session(app, client):
    anonymous = socketio.test_client(app, namespace=NS, flask_test_client=client.raw())
    assert not anonymous.is_connected(NS)


def test_send_is_stored_then_broadcast_to_the_channel(signed_in_socket, make_user, make_organization, make_channel):
    channel = make_channel(ChannelKind.TASK_FORCE, name="general")
    nurse = make_user(organization=make_organization("Clinic", Sector.HEALTHCARE), display_name="Nadia Nurse")
    detective = make_user(organization=make_organization("PD", Sector.LAW_ENFORCEMENT))
    sender, reader = signed_in_socket(nurse), signed_in_socket(detective)
    ack = sender.emit("send", {"channel_id": channel.id, "body": "Any **beds** tonight?", "client_id": "c-1"})
    assert set(ack) == {"id"}
    stored = db.session.get(Message, ack["id"])
    assert stored.body == "Any **beds** tonight?"
    posted = reader.events("message_posted")
    assert len(posted) == 1
    event = posted[0]
    assert {"id", "channel_id", "author", "body_html", "created_at", "client_id"} <= set(event)
    assert event["id"] == ack["id"] and event["channel_id"] == channel.id and event["client_id"] == "c-1"
    assert event["author"] == "Nadia Nurse" and event["body_html"] == "<p>Any <strong>beds</strong> tonight?</p>"


def test_retried_send_never_duplicates(signed_in_socket, member, make_channel):
    channel = make_channel()
    sock = signed_in_socket(member)
    first = sock.emit("send", {"channel_id": channel.id, "body": "hello", "client_id": "retry-1"})
    again = sock.emit("send", {"channel_id": channel.id, "body": "hello", "client_id": "retry-1"})
    assert first == again and count_messages() == 1
    assert len(sock.events("message_posted")) == 1  # the retry is not broadcast again


def test_catch_up_after_fifty_missed_messages_exactly_once_in_order(signed_in_socket, make_user, make_channel,
                                                                 generous_send_limit):
    channel = make_channel()
    talker, absent = make_user(), make_user()
    talker_socket = signed_in_socket(talker)
    first = talker_socket.emit("send", {"channel_id": channel.id, "body": "before", "client_id": "b"})
    away = signed_in_socket(absent)
    seen = first["id"]
    away.disconnect()
    sent = [talker_socket.emit("send", {"channel_id": channel.id, "body": f"message {n}", "client_id": f"m{n}"})["id"]
            for n in range(50)]
    back = signed_in_socket(absent)  # reconnect: ask for what was missed, in pages of 20
    received, since, pages = [], {channel.id: seen}, 0
    while True:
        answer = back.emit("sync", {"since": since, "limit": 20})
        received.extend(answer["messages"])
        pages += 1
        if not answer["has_more"]:
            break
        since = {channel.id: answer["messages"][-1]["id"]}
    ids = [m["id"] for m in received]
    assert ids == sent and len(set(ids)) == 50 and pages == 3
    assert [m["body_html"] for m in received[:2]] == ["<p>message 0</p>", "<p>message 1</p>"]


def test_sync_caps_at_two_hundred_per_call(signed_in_socket, member, make_user, make_channel):
    from taskforce.channels import catch_up
    channel = make_channel()
    author = make_user()
    for n in range(205):
        db.session.add(Message(channel_id=channel.id, author_id=author.id, body=f"m{n}", client_id=f"c{n}"))
    db.session.commit()
    answer = signed_in_socket(member).emit("sync", {"since": {channel.id: 0}, "limit": 10_000})
    assert len(answer["messages"]) == catch_up.SYNC_LIMIT == 200 and answer["has_more"] is True


def test_forged_channel_id_gets_an_error_never_data(signed_in_socket, make_user, make_organization, make_channel):
    health = make_channel(ChannelKind.SECTOR, sector="healthcare")
    nurse = make_user(organization=make_organization("Clinic", Sector.HEALTHCARE))
    detective = make_user(organization=make_organization("PD", Sector.LAW_ENFORCEMENT))
    nurse_socket, intruder = signed_in_socket(nurse), signed_in_socket(detective)
    nurse_socket.emit("send", {"channel_id": health.id, "body": "clinic rota", "client_id": "c-1"})
    for event, data in [("join", {"channel_id": health.id}), ("sync", {"since": {str(health.id): 0}}),
                        ("send", {"channel_id": health.id, "body": "let me in", "client_id": "x"}),
                        ("typing", {"channel_id": health.id}), ("read", {"channel_id": health.id, "message_id": 1})]:
        answer = intruder.emit(event, data)
        assert set(answer) == {"error"}, (event, answer)
    received = intruder.events()
    assert [e["event"] for e in received if "message" in e and "event" in e] == ["join", "sync", "send", "typing", "read"]
    assert not any("clinic rota" in str(e) for e in received)
    assert count_messages() == 1
    nurse_socket.emit("send", {"channel_id": health.id, "body": "second", "client_id": "c-2"})
    assert intruder.events("message_posted") == []


@pytest.mark.parametrize("payload", [
    None, "text", 5, [], {}, {"channel_id": "abc", "body": "x", "client_id": "1"},
    {"channel_id": None, "body": "x", "client_id": "1"}, {"channel_id": 1, "body": 7, "client_id": "1"},
    {"channel_id": 1, "body": "x" * 20_000, "client_id": "1"}, {"channel_id": 1, "body": "", "client_id": "1"},
    {"channel_id": 1, "body": "x", "client_id": {"nested": True}}, {"channel_id": 1, "body": "x"},
])
def test_bad_send_input_is_a_clear_error_and_nothing_is_stored(signed_in_socket, member, make_channel, payload):
    make_channel()
    sock = signed_in_socket(member)
    answer = sock.emit("send", payload)
    assert isinstance(answer, dict) and answer.get("error"), answer
    assert count_messages() == 0
    assert sock.connected()


def test_too_long_message_explains_the_limit(signed_in_socket, member, make_channel):
    channel = make_channel()
    answer = signed_in_socket(member).emit("send", {"channel_id": channel.id, "body": "x" * 20_000, "client_id": "1"})
    assert "limit is 10,000" in answer["error"]


def test_unknown_events_and_odd_arguments_are_harmless(signed_in_socket, member, make_channel):
    channel = make_channel()
    sock = signed_in_socket(member)
    assert "Unknown event" in sock.emit("delete_everything", {"all": True})["error"]
    assert "Unknown event" in sock.emit("_handle", {})["error"]
    assert sock.emit("sync", {"since": "yesterday"})["error"]
    assert sock.emit("join")["error"]
    assert sock.emit("join", {"channel_id": channel.id}, {"extra": 1})["ok"] is True
    assert sock.connected()
    assert sock.emit("send", {"channel_id": channel.id, "body": "still works", "client_id": "c"})["id"]


def test_flood_is_rate_limited_with_a_clear_error(app, signed_in_socket, member, make_channel):
    from taskforce.channels.ratelimit import TokenBuckets
    default = app.extensions["channels.send_limit"]
    assert (default.capacity, default.rate) == (20, 2)  # 20 messages per 10 s
    app.extensions["channels.send_limit"] = TokenBuckets(20, 10, clock=lambda: 0.0)  # time stands still
    channel = make_channel()
    sock = signed_in_socket(member)
    answers = [sock.emit("send", {"channel_id": channel.id, "body": f"flood {n}", "client_id": f"f{n}"})
               for n in range(30)]
    accepted = [a for a in answers if "id" in a]
    refused = [a for a in answers if "error" in a]
    assert len(accepted) == 20 and len(refused) == 10
    assert "sending too fast" in refused[0]["error"]
    assert count_messages() == 20


def test_signing_out_disconnects_the_socket(signed_in_socket, member, make_channel):
    channel = make_channel()
    sock = signed_in_socket(member)
    assert sock.connected()
    response = sock.http.post("/auth/logout")
    assert response.status_code == 302
    assert not sock.connected()


def test_a_revoked_session_is_refused_on_the_next_event(app, signed_in_socket, member, make_channel):
    """Even without the signal (e.g. the socket lives in another process), the next event finds the
    session dead and answers with an error and a disconnect."""
    from taskforce.auth.session_store import revoke_sessions
    channel = make_channel()
    sock = signed_in_socket(member)
    revoke_sessions(member.id)
    db.session.commit()
    answer = sock.emit("send", {"channel_id": channel.id, "body": "after logout", "client_id": "c"})
    assert "session has ended" in answer["error"]
    assert not sock.connected() and count_messages() == 0


def test_removed_member_leaves_the_room_at_once(signed_in_socket, make_user, make_channel):
    owner, guest = make_user(), make_user()
    private = make_channel(ChannelKind.PRIVATE, creator=owner, members=[owner, guest])
    owner_socket, guest_socket = signed_in_socket(owner), signed_in_socket(guest)
    owner_socket.emit("send", {"channel_id": private.id, "body": "welcome", "client_id": "c-1"})
    assert len(guest_socket.events("message_posted")) == 1
    response = owner_socket.http.post(f"/channels/{private.id}/members/{guest.id}/remove")
    assert response.status_code == 302
    assert guest_socket.events("channel_removed") == [{"channel_id": private.id}]
    owner_socket.emit("send", {"channel_id": private.id, "body": "after removal", "client_id": "c-2"})
    assert guest_socket.events("message_posted") == []
    assert "error" in guest_socket.emit("join", {"channel_id": private.id})


def test_invited_member_is_told_and_can_join(signed_in_socket, make_user, make_channel):
    owner, guest = make_user(), make_user()
    private = make_channel(ChannelKind.PRIVATE, creator=owner, members=[owner])
    owner_socket, guest_socket = signed_in_socket(owner), signed_in_socket(guest)
    owner_socket.http.post(f"/channels/{private.id}/members", data={"user_id": str(guest.id)})
    assert guest_socket.events("channel_added")[0]["id"] == private.id
    assert guest_socket.emit("join", {"channel_id": private.id})["ok"] is True
    owner_socket.emit("send", {"channel_id": private.id, "body": "hi", "client_id": "c-1"})
    assert len(guest_socket.events("message_posted")) == 1


def test_pii_warning_then_confirm(signed_in_socket, member, make_channel):
    channel = make_channel()
    sock = signed_in_socket(member)
    body = "Her number is 555-201-4477"
    warned = sock.emit("send", {"channel_id": channel.id, "body": body, "client_id": "p-1"})
    assert "identifying details" in warned["error"]
    assert [(f["kind"], body[f["start"]:f["end"]]) for f in warned["pii"]] == [("PHONE", "555-201-4477")]
    assert count_messages() == 0
    confirmed = sock.emit("send", {"channel_id": channel.id, "body": body, "client_id": "p-1", "confirm_pii": True})
    assert "id" in confirmed and count_messages() == 1


def test_mention_sends_a_live_notification(signed_in_socket, make_user, make_channel):
    channel = make_channel()
    author, colleague = make_user(display_name="Ana Author"), make_user(display_name="Kofi Mensah")
    author_socket, colleague_socket = signed_in_socket(author), signed_in_socket(colleague)
    author_socket.emit("send", {"channel_id": channel.id, "body": "@**Kofi Mensah** can you take this?", "client_id": "m"})
    [note] = colleague_socket.events("notification")
    assert note["kind"] == "mention" and "Ana Author" in note["text"] and note["url"].startswith(f"/channels/{channel.id}")


def test_edit_delete_react_typing_and_presence_reach_the_room(signed_in_socket, make_user, make_channel):
    channel = make_channel()
    author, reader = make_user(display_name="Ana Author"), make_user()
    author_socket = signed_in_socket(author)
    reader_socket = signed_in_socket(reader)
    assert author_socket.events("presence")[-1] == {"user_id": reader.id, "name": reader.display_name, "online": True}
    message_id = author_socket.emit("send", {"channel_id": channel.id, "body": "draft", "client_id": "e"})["id"]
    assert "error" in reader_socket.emit("edit", {"message_id": message_id, "body": "not mine"})
    assert author_socket.emit("edit", {"message_id": message_id, "body": "final"})["ok"]
    assert reader_socket.emit("react", {"message_id": message_id, "emoji": "👍"})["ok"]
    assert author_socket.emit("typing", {"channel_id": channel.id})["ok"]
    assert author_socket.emit("delete", {"message_id": message_id})["ok"]
    received = reader_socket.named_events()
    updates = [payload for name, payload in received if name == "message_updated"]
    assert [(u["edited"], bool(u["reactions"]), u["deleted"]) for u in updates] == [
        (True, False, False), (True, True, False), (True, False, True)]
    assert updates[-1]["body_html"] == ""
    assert ("typing", {"channel_id": channel.id, "user_id": author.id, "name": "Ana Author"}) in received
    author_socket.disconnect()
    assert reader_socket.events("presence") == [{"user_id": author.id, "online": False}]


def test_archived_channel_refuses_sends_over_the_socket(signed_in_socket, member, make_channel):
    channel = make_channel(archived=True)
    answer = signed_in_socket(member).emit("send", {"channel_id": channel.id, "body": "late", "client_id": "a"})
    assert "archived" in answer["error"]


def test_read_moves_the_unread_count(signed_in_socket, make_user, make_channel):
    channel = make_channel()
    author, reader = make_user(), make_user()
    author_socket, reader_socket = signed_in_socket(author), signed_in_socket(reader)
    ids = [author_socket.emit("send", {"channel_id": channel.id, "body": f"m{n}", "client_id": f"{n}"})["id"]
           for n in range(3)]
    listing = reader_socket.http.get("/api/channels").get_json()
    assert [(c["id"], c["unread"]) for c in listing] == [(channel.id, 3)]
    assert reader_socket.emit("read", {"channel_id": channel.id, "message_id": ids[-1]})["last_read"] == ids[-1]
    assert reader_socket.http.get("/api/channels").get_json()[0]["unread"] == 0

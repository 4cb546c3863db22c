"""Per-event cost and catch-up of changes: a join or a mention costs the same in a channel of 5 or 60
readers, and `sync` brings a page's copies of edited, deleted and reacted messages up to date."""
import pytest
from sqlalchemy import event

from taskforce.auth.models import User
from taskforce.channels import access
from taskforce.channels.models import ChannelKind


@pytest.fixture
def users_loaded():
    """How many `User` rows the ORM loads while the block runs (each event runs in its own session)."""
    loads = []

    def count(target, _context):
        loads.append(target.id)

    event.listen(User, "load", count)
    yield loads
    event.remove(User, "load", count)


def crowd(make_user, make_organization, size):
    organization = make_organization("Crowded partner")
    return [make_user(organization=organization, display_name=f"Crowd member {n}") for n in range(size)]


def test_join_reads_only_the_joining_member_not_the_membership(signed_in_socket, make_user, make_organization,
                                                               make_channel, users_loaded):
    channel = make_channel(ChannelKind.TASK_FORCE, name="general")
    crowd(make_user, make_organization, 60)  # 60 more active members read this channel
    sock = signed_in_socket(make_user(display_name="Joiner"))
    users_loaded.clear()
    answer = sock.emit("join", {"channel_id": channel.id})
    assert answer["ok"] and answer["channel"]["id"] == channel.id
    assert len(users_loaded) <= 3, f"a join loaded {len(users_loaded)} members"


def test_join_lists_online_readers_only(signed_in_socket, make_user, make_organization, make_channel):
    owner, guest, outsider = make_user(), make_user(), make_user()
    channel = make_channel(ChannelKind.PRIVATE, creator=owner, members=[owner, guest])
    signed_in_socket(outsider)
    signed_in_socket(guest)
    answer = signed_in_socket(owner).emit("join", {"channel_id": channel.id})
    assert set(answer["online"]) == {owner.id, guest.id}


def test_mention_looks_up_the_named_members_only(signed_in_socket, make_user, make_organization, make_channel,
                                                 users_loaded):
    channel = make_channel(ChannelKind.TASK_FORCE, name="general")
    people = crowd(make_user, make_organization, 60)
    author = make_user(display_name="Ana Author")
    named = make_user(display_name="Zoë Ávila", email="zoe.avila@clinic.test")
    author_socket, named_socket = signed_in_socket(author), signed_in_socket(named)
    users_loaded.clear()
    ack = author_socket.emit("send", {"channel_id": channel.id, "client_id": "m1",
                                      "body": "@**Zoë Ávila** and @**crowd member 7**: can you take this?"})
    assert "id" in ack, ack
    assert len(users_loaded) <= 6, f"a mention loaded {len(users_loaded)} members"
    [note] = named_socket.events("notification")
    assert note["kind"] == "mention"
    assert {u.id for u in access.readers_named(channel, {"zoe avila", "Crowd member 7"})} == {named.id, people[7].id}


def test_sync_brings_edits_deletions_and_reactions_made_while_away(signed_in_socket, make_user, make_channel):
    channel = make_channel()
    author, reader = make_user(), make_user()
    author_socket = signed_in_socket(author)
    ids = [author_socket.emit("send", {"channel_id": channel.id, "body": f"note {n}", "client_id": f"n{n}"})["id"]
           for n in range(4)]
    away = signed_in_socket(reader)
    first = away.emit("sync", {"since": {str(channel.id): 0}, "changes_since": None})
    assert [m["id"] for m in first["messages"]] == ids and first["updated"] == []
    mark, last_id = first["changes_up_to"], ids[-1]
    away.disconnect()

    author_socket.emit("edit", {"message_id": ids[0], "body": "note 0, corrected"})
    author_socket.emit("delete", {"message_id": ids[1]})
    author_socket.emit("react", {"message_id": ids[2], "emoji": "👍"})
    author_socket.emit("react", {"message_id": ids[2], "emoji": "👍", "on": False})
    author_socket.emit("react", {"message_id": ids[3], "emoji": "✅"})

    back = signed_in_socket(reader)
    answer = back.emit("sync", {"since": {str(channel.id): last_id}, "changes_since": mark})
    assert answer["messages"] == [] and answer["changes_more"] is False
    updated = {m["id"]: m for m in answer["updated"]}
    assert list(updated) == ids  # in the order of their latest change, each once
    assert updated[ids[0]]["edited"] and "corrected" in updated[ids[0]]["body_html"]
    assert updated[ids[1]]["deleted"] and updated[ids[1]]["body_html"] == ""
    assert updated[ids[2]]["reactions"] == {} and updated[ids[3]]["reactions"] == {"✅": [author.id]}
    assert answer["changes_up_to"] > mark
    again = back.emit("sync", {"since": {str(channel.id): last_id}, "changes_since": answer["changes_up_to"]})
    assert again["updated"] == [] and again["changes_up_to"] == answer["changes_up_to"]


def test_change_catch_up_pages_in_change_order(signed_in_socket, make_user, make_channel, generous_send_limit):
    channel = make_channel()
    author = make_user()
    sock = signed_in_socket(author)
    ids = [sock.emit("send", {"channel_id": channel.id, "body": f"n{n}", "client_id": f"c{n}"})["id"] for n in range(5)]
    mark = sock.emit("sync", {"since": {str(channel.id): ids[-1]}, "changes_since": None})["changes_up_to"]
    for message_id in reversed(ids):
        sock.emit("edit", {"message_id": message_id, "body": f"edited {message_id}"})
    seen, cursor = [], mark
    for _page in range(10):
        answer = sock.emit("sync", {"since": {str(channel.id): ids[-1]}, "changes_since": cursor, "limit": 2})
        seen.extend(m["id"] for m in answer["updated"])
        cursor = answer["changes_up_to"]
        if not answer["changes_more"]:
            break
    assert seen == list(reversed(ids))  # the order the edits were made in, each once


def test_change_catch_up_refuses_bad_cursors_and_foreign_channels(signed_in_socket, make_user, make_channel):
    owner, stranger = make_user(), make_user()
    private = make_channel(ChannelKind.PRIVATE, creator=owner, members=[owner])
    sock = signed_in_socket(stranger)
    assert "error" in sock.emit("sync", {"since": {str(private.id): 0}, "changes_since": 0})
    general = make_channel()
    assert "error" in sock.emit("sync", {"since": {str(general.id): 0}, "changes_since": "yesterday"})
    assert "error" in sock.emit("sync", {"since": {str(general.id): 0}, "changes_since": -1})

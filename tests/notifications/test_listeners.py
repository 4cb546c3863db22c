"""Domain signals become notifications, proven through the user's path: a socket `send`, a lesson form, a
capacity button, an invitation link, the remind-stale command."""
from sqlalchemy import select

from taskforce.auth.models import Role
from taskforce.channels.models import ChannelKind, ChannelMembership
from taskforce.extensions import db
from taskforce.lessons.models import Status
from taskforce.notifications.models import Notification
from tests.lessons.conftest import lesson_form


def notes(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt.order_by(Notification.id)).all()


def test_a_mention_notifies_the_named_reader_not_the_author(signed_in_socket, make_user, make_channel):
    channel = make_channel(name="intake")
    author, named = make_user(display_name="Ana Author"), make_user(display_name="Kofi Mensah")
    sock = signed_in_socket(author)
    ack = sock.emit("send", {"channel_id": channel.id, "body": "@**Kofi Mensah** and @**Ana Author** see this",
                             "client_id": "m1"})
    [note] = notes(named, "mention")
    assert note.text == "Ana Author mentioned you in #intake"
    assert note.email_text == "You were mentioned in #intake"
    assert note.url == f"/channels/{channel.id}#message-{ack['id']}" and note.object_id == ack["id"]
    assert "see this" not in note.text + note.email_text  # no message text
    assert notes(author) == []
    sock.emit("send", {"channel_id": channel.id, "body": "@**Kofi Mensah** and @**Ana Author** see this",
                       "client_id": "m1"})  # a retried send
    assert len(notes(named)) == 1


def test_only_readers_of_a_private_channel_are_told(signed_in_socket, make_user, make_channel):
    author, inside, outside = make_user(display_name="Ana Author"), make_user(display_name="In Side"), \
        make_user(display_name="Out Side")
    channel = make_channel(ChannelKind.PRIVATE, name="case-review", creator=author, members=[author, inside])
    signed_in_socket(author).emit("send", {"channel_id": channel.id, "client_id": "p1",
                                           "body": "@**In Side** @**Out Side** please look"})
    assert len(notes(inside, "mention")) == 1
    assert notes(outside) == []


def test_thread_replies_reach_writers_of_the_thread_unless_muted(signed_in_socket, make_user, make_channel):
    channel = make_channel(name="general")
    starter, replier, muter, newcomer = (make_user(display_name=n) for n in ("Sam Starter", "Rae Replier",
                                                                             "Mo Muter", "Nia New"))
    root = signed_in_socket(starter).emit("send", {"channel_id": channel.id, "body": "Who has beds?", "client_id": "r"})
    muter_socket = signed_in_socket(muter)
    muter_socket.emit("send", {"channel_id": channel.id, "body": "Asking too", "client_id": "a",
                               "parent_id": root["id"]})
    muter_socket.emit("mute", {"channel_id": channel.id, "muted": True})
    assert db.session.scalar(select(ChannelMembership.muted).where(ChannelMembership.user_id == muter.id)) is True
    assert [n.text for n in notes(starter)] == ["Mo Muter replied in a thread in #general"]
    signed_in_socket(replier).emit("send", {"channel_id": channel.id, "body": "We do", "client_id": "b",
                                            "parent_id": root["id"]})
    assert [n.text for n in notes(starter)][-1] == "Rae Replier replied in a thread in #general"
    assert notes(muter) == []           # muted: no thread replies
    assert notes(replier) == [] and notes(newcomer) == []
    signed_in_socket(newcomer).emit("send", {"channel_id": channel.id, "body": "@**Mo Muter** you asked",
                                             "client_id": "c", "parent_id": root["id"]})
    assert [n.kind for n in notes(muter)] == ["mention"]   # a mention still comes through a mute
    assert len(notes(replier, "thread_reply")) == 1


def test_lesson_review_steps_notify_coordinators_then_the_author(client, login, make_user, make_lesson):
    author = make_user(Role.MEMBER)
    reviewer, other_coordinator = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    login(author)
    assert client.post("/lessons/new", data=lesson_form(action="submit")).status_code == 302
    to_review = notes(reviewer, "lesson_to_review")
    assert [n.text for n in to_review] == ["A lesson is waiting for review"]
    assert len(notes(other_coordinator, "lesson_to_review")) == 1 and notes(author) == []
    lesson_id = to_review[0].object_id
    assert to_review[0].url == f"/lessons/{lesson_id}"
    client.post("/auth/logout")
    login(reviewer)
    assert client.post(f"/lessons/{lesson_id}/send-back", data={"comment": "Say what the interpreter did."}).status_code == 302
    assert [n.text for n in notes(author)] == ["Your lesson was sent back with comments to address"]
    lesson = make_lesson(author=author, status=Status.IN_REVIEW)
    assert client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force"}).status_code == 302
    assert [n.text for n in notes(author)][-1] == "Your lesson was released to the task force"
    assert all("documents" not in n.text.lower() for n in notes(author))  # never the lesson's title or text
    assert notes(reviewer, "lesson_reviewed") == []


def test_a_capacity_change_tells_followers_but_not_who_changed_it(client, login, make_user, make_service):
    service = make_service(name="Harbor Shelter", capacity=(2, 10))
    provider = make_user(Role.MEMBER, organization=service.organization)
    follower, bystander = make_user(), make_user()
    login(follower)
    page = client.get(f"/directory/services/{service.id}").get_data(as_text=True)
    assert "Follow: tell me when beds change" in page
    assert client.post(f"/directory/services/{service.id}/follow", data={"follow": "1"}).status_code == 303
    assert client.post(f"/directory/services/{service.id}/follow", data={"follow": "1"}).status_code == 303  # twice
    assert "Following ✓" in client.get(f"/directory/services/{service.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(provider)
    client.post(f"/directory/services/{service.id}/follow", data={"follow": "1"})
    client.post(f"/directory/services/{service.id}/capacity", data={"delta": "-1"})
    client.post(f"/directory/services/{service.id}/capacity", data={"available": "0", "total": "10"})
    assert [n.text for n in notes(follower)] == ["Harbor Shelter: 1 of 10 available now",
                                                 "Harbor Shelter is full (0 of 10 available)"]
    assert notes(provider) == [] and notes(bystander) == []
    client.post("/auth/logout")
    login(follower)
    client.post(f"/directory/services/{service.id}/follow", data={"follow": "0"})
    client.post("/auth/logout")
    login(provider)
    client.post(f"/directory/services/{service.id}/capacity", data={"delta": "1"})
    assert len(notes(follower)) == 2  # stopped following: nothing more


def test_remind_stale_notifies_the_organizations_coordinators(app, make_user, make_service):
    from datetime import timedelta

    from taskforce.dbtypes import utcnow
    service = make_service(name="Old Entry", last_verified_at=utcnow() - timedelta(days=120))
    coordinator = make_user(Role.COORDINATOR, organization=service.organization)
    member = make_user(Role.MEMBER, organization=service.organization)
    outsider = make_user(Role.COORDINATOR)
    result = app.test_cli_runner().invoke(args=["directory", "remind-stale"])
    assert result.exit_code == 0, result.output
    assert [n.text for n in notes(coordinator)] == ["1 of your organization's directory entry needs confirming"]
    assert notes(member) == [] and notes(outsider) == []


def test_the_inviter_hears_that_the_invitation_was_accepted(client, login, make_user, make_organization):
    from taskforce.auth import invitations
    coordinator = make_user(Role.COORDINATOR)
    organization = make_organization(name="Eastside Clinic")
    invitation, token = invitations.invite_member(coordinator, "new.nurse@clinic.example.org", "New Nurse",
                                                  organization.id, "member")
    response = client.post(f"/auth/invite/{token}", data={"display_name": "New Nurse",
                                                          "password": "quiet-meadow-river-1987"})
    assert response.status_code == 302
    [note] = notes(coordinator)
    assert note.text == "New Nurse accepted your invitation and joined Eastside Clinic"


def test_reading_the_channel_reads_its_mentions_on_the_bell(signed_in_socket, make_user, make_channel):
    from taskforce.notifications import services
    intake, other = make_channel(name="intake"), make_channel(name="logistics")
    author, named = make_user(display_name="Ana Author"), make_user(display_name="Kofi Mensah")
    writer = signed_in_socket(author)
    first = writer.emit("send", {"channel_id": intake.id, "body": "@**Kofi Mensah** one", "client_id": "1"})["id"]
    writer.emit("send", {"channel_id": other.id, "body": "@**Kofi Mensah** elsewhere", "client_id": "2"})
    later = writer.emit("send", {"channel_id": intake.id, "body": "@**Kofi Mensah** two", "client_id": "3"})["id"]
    reader = signed_in_socket(named)
    reader.events()
    assert services.unread_count(named) == 3
    reader.emit("read", {"channel_id": intake.id, "message_id": first})
    assert services.unread_count(named) == 2
    assert {"count": 2, "badge": "2"} in reader.events("notifications_unread")
    reader.emit("read", {"channel_id": intake.id, "message_id": later})
    assert [n.text for n in notes(named) if n.read_at is None] == ["Ana Author mentioned you in #logistics"]


def test_the_channels_sidebar_lists_my_mentions_without_their_text(client, login, signed_in_socket, make_user,
                                                                   make_channel):
    intake = make_channel(name="intake")
    private = make_channel(ChannelKind.PRIVATE, name="night-shift")
    author, named = make_user(display_name="Ana Author"), make_user(display_name="Kofi Mensah")
    db.session.add(ChannelMembership(channel_id=private.id, user_id=author.id))
    db.session.commit()
    writer = signed_in_socket(author)
    ack = writer.emit("send", {"channel_id": intake.id, "body": "@**Kofi Mensah** the van is late", "client_id": "s1"})
    writer.emit("send", {"channel_id": private.id, "body": "@**Kofi Mensah** not your channel", "client_id": "s2"})
    login(named)
    page = client.get(f"/channels/{intake.id}").get_data(as_text=True)
    sidebar = page[page.index("Mentions of you"):page.index("New channel")]
    assert "Ana Author in #intake" in sidebar and f"#message-{ack['id']}" in sidebar
    assert "the van is late" not in sidebar and "night-shift" not in sidebar
    assert 'class="mention-item unread"' in sidebar


def test_a_plain_message_fetches_no_notification_facts(signed_in_socket, make_user, make_channel, monkeypatch):
    """Most messages concern nobody in particular: the listener returns before any query (per-message cost
    of notifications is nil unless someone is @named or it is a reply)."""
    from taskforce.channels import notifying
    channel = make_channel(name="general")
    make_user(display_name="Kofi Mensah")
    sock = signed_in_socket(make_user())
    real, calls = notifying.message_facts, []
    monkeypatch.setattr(notifying, "message_facts", lambda *a, **k: calls.append(a) or real(*a, **k))
    sock.emit("send", {"channel_id": channel.id, "body": "Van leaves at 19:00", "client_id": "plain"})
    assert calls == []
    sock.emit("send", {"channel_id": channel.id, "body": "@**Kofi Mensah** van?", "client_id": "named"})
    assert len(calls) == 1

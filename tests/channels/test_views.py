"""The channels page, management forms and JSON endpoints, through HTTP as a signed-in member."""
from sqlalchemy import select

from taskforce.auth.models import Role, Sector
from taskforce.channels import message_edits, posting
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership
from taskforce.extensions import db


def test_channels_page_redirects_to_the_first_channel_and_shows_the_sidebar(client, login, member, make_channel):
    general = make_channel(ChannelKind.TASK_FORCE, name="Task force general")
    login(member)
    response = client.get("/channels/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/channels/{general.id}")
    page = client.get(f"/channels/{general.id}").get_data(as_text=True)
    assert "Task force general" in page and 'id="composer"' in page and "js/channels.js" in page
    assert "vendor/socket.io.min.js" in page and "js/live.js" in page and 'id="toasts"' in page
    assert "<script>" not in page and " style=" not in page


def test_empty_state_when_no_channel_exists(client, login, member):
    login(member)
    page = client.get("/channels/").get_data(as_text=True)
    assert "No channels yet" in page and "New channel" in page


def test_api_channels_lists_readable_channels_only(client, login, make_user, make_organization, make_channel):
    nurse = make_user(organization=make_organization("Clinic", Sector.HEALTHCARE))
    everyone = make_channel(ChannelKind.TASK_FORCE, name="general")
    health = make_channel(ChannelKind.SECTOR, name="health", sector="healthcare")
    make_channel(ChannelKind.SECTOR, name="police", sector="law_enforcement")
    make_channel(ChannelKind.PRIVATE, name="secret")
    login(nurse)
    listing = client.get("/api/channels").get_json()
    assert [{k: c[k] for k in ("id", "name", "kind")} for c in listing] == [
        {"id": everyone.id, "name": "general", "kind": "task_force"},
        {"id": health.id, "name": "health", "kind": "sector"}]


def test_api_needs_sign_in(client):
    assert client.get("/api/channels").status_code == 401


def test_foreign_channel_page_and_history_are_404(client, login, member, make_channel):
    secret = make_channel(ChannelKind.PRIVATE, name="secret")
    login(member)
    assert client.get(f"/channels/{secret.id}").status_code == 404
    response = client.get(f"/api/channels/{secret.id}/messages")
    assert response.status_code == 404 and "does not exist" in response.get_json()["error"]


def test_history_pages_back(client, login, member, make_user, make_channel):
    channel = make_channel()
    author = make_user()
    ids = [posting.post_message(author, channel.id, f"note {n}", f"c{n}").message.id for n in range(60)]
    login(member)
    page = client.get(f"/api/channels/{channel.id}/messages").get_json()
    assert [m["id"] for m in page["messages"]] == ids[-50:] and page["has_more"] and page["last_read"] == 0
    older = client.get(f"/api/channels/{channel.id}/messages?before={ids[-50]}").get_json()
    assert [m["id"] for m in older["messages"]] == ids[:10] and not older["has_more"]


def test_member_opens_private_channel_and_invites_across_organizations(client, login, member, make_user):
    partner = make_user(organization=None)
    login(member)
    response = client.post("/channels/new", data={"name": "Referral huddle", "kind": "private"})
    channel = db.session.scalar(select(Channel).where(Channel.name == "Referral huddle"))
    assert response.status_code == 302 and channel.kind is ChannelKind.PRIVATE
    client.post(f"/channels/{channel.id}/members", data={"user_id": str(partner.id)})
    members = set(db.session.scalars(select(ChannelMembership.user_id).where(ChannelMembership.channel_id == channel.id)))
    assert members == {member.id, partner.id}


def test_member_cannot_open_a_task_force_channel(client, login, member):
    login(member)
    response = client.post("/channels/new", data={"name": "Everyone", "kind": "task_force"})
    assert response.status_code == 403
    assert db.session.scalar(select(Channel)) is None


def test_create_without_csrf_is_refused(client, login, member):
    login(member)
    assert client.post("/channels/new", data={"name": "x", "kind": "private"}, csrf=False).status_code == 400


def test_coordinator_renames_sets_topic_and_archives(client, login, make_user, make_channel):
    coordinator = make_user(Role.COORDINATOR)
    channel = make_channel()
    login(coordinator)
    client.post(f"/channels/{channel.id}/settings", data={"name": "General", "topic": "For everyone"})
    client.post(f"/channels/{channel.id}/archive")
    db.session.refresh(channel)
    assert (channel.name, channel.topic, channel.is_archived) == ("General", "For everyone", True)
    assert "archived" in client.get(f"/channels/{channel.id}").get_data(as_text=True)


def test_search_page_finds_only_readable_messages(client, login, make_user, make_organization, make_channel):
    nurse = make_user(organization=make_organization("Clinic", Sector.HEALTHCARE))
    detective = make_user(organization=make_organization("PD", Sector.LAW_ENFORCEMENT))
    health = make_channel(ChannelKind.SECTOR, name="health", sector="healthcare")
    general = make_channel(name="general")
    posting.post_message(nurse, health.id, "interpreter line for triage", "a")
    posting.post_message(nurse, general.id, "interpreter booked for Thursday", "b")
    login(detective)
    page = client.get("/channels/search?q=interpreter").get_data(as_text=True)
    assert "booked for Thursday" in page and "for triage" not in page
    assert "Nothing found" in client.get("/channels/search?q=zebra").get_data(as_text=True)
    assert client.get("/channels/search?q=" + "x" * 300).status_code == 200


def test_revisions_endpoint_for_coordinators_only(app, client, login, member, make_user, make_channel):
    from tests.conftest import CsrfClient
    coordinator = make_user(Role.COORDINATOR)
    channel = make_channel()
    message = posting.post_message(member, channel.id, "first", "a").message
    message_edits.edit_message(member, message.id, "second")
    login(member)
    assert client.get(f"/api/channels/messages/{message.id}/revisions").status_code == 403
    other = CsrfClient(app.test_client())
    login(coordinator, the_client=other)
    assert [r["body"] for r in other.get(f"/api/channels/messages/{message.id}/revisions").get_json()] == ["first"]


def test_markdown_is_sanitized_in_payloads(client, login, member, make_channel):
    channel = make_channel()
    posting.post_message(member, channel.id, "<script>alert(1)</script> [x](javascript:alert(1)) **ok**", "a")
    login(member)
    html = client.get(f"/api/channels/{channel.id}/messages").get_json()["messages"][0]["body_html"]
    assert "<script" not in html and "javascript:" not in html and "<strong>ok</strong>" in html


def test_demo_seed_creates_every_kind_with_threads_and_reactions(app):
    from taskforce.channels.models import Message, Reaction
    from taskforce.cli import seed_demo_data
    seed_demo_data(7)
    kinds = {c.kind for c in db.session.scalars(select(Channel))}
    assert {ChannelKind.TASK_FORCE, ChannelKind.SECTOR, ChannelKind.PRIVATE} <= kinds
    messages = db.session.scalars(select(Message)).all()
    assert any(m.parent_id for m in messages) and db.session.scalar(select(Reaction.id)) is not None
    assert any("@**" in m.body for m in messages)

"""The bell, the page, marking read and preferences through served requests (the Flask test client)."""
import re

from sqlalchemy import select

from taskforce.extensions import db
from taskforce.notifications import notify, services
from taskforce.notifications.models import Notification


def bell(page_html: str) -> str:
    match = re.search(r'<span class="bell-count" data-bell-count(?: hidden)?>([^<]*)</span>', page_html)
    assert match, "the header has no bell"
    return match.group(1)


def ids_of(user):
    return list(db.session.scalars(select(Notification.id).where(Notification.user_id == user.id).order_by(Notification.id)))


def test_the_bell_shows_the_unread_count_in_every_page_header(client, login, kind, member):
    login(member)
    assert bell(client.get("/notifications/").get_data(as_text=True)) == ""
    notify([member.id], kind, "Ping", "/lessons/1")
    notify([member.id], kind, "Pong", "/lessons/2")
    assert bell(client.get("/auth/account").get_data(as_text=True)) == "2"
    assert client.get("/api/notifications/unread").get_json() == {"count": 2, "badge": "2"}


def test_the_page_lists_my_notifications_only_and_says_what_appears_when_empty(client, login, kind, make_user):
    me, other = make_user(), make_user()
    login(me)
    empty = client.get("/notifications/").get_data(as_text=True)
    assert "No notifications yet" in empty and "@mentions you" in empty
    notify([other.id], kind, "Secret of someone else", "/x")
    notify([me.id], kind, "Mine to read", "/lessons/4")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Mine to read" in page and "Secret of someone else" not in page
    assert client.get("/api/notifications").get_json()["notifications"][0]["text"] == "Mine to read"


def test_filters_by_kind_and_unread(client, login, kind, member):
    other_kind = services.register_kind("test_other", "Other test things")
    notify([member.id], kind, "Kind one", "/")
    notify([member.id], other_kind, "Kind two", "/")
    services.mark_read(member, ids_of(member)[1])
    login(member)
    page = client.get(f"/notifications/?kind={kind}").get_data(as_text=True)
    assert "Kind one" in page and "Kind two" not in page
    page = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "Kind one" in page and "Kind two" not in page
    page = client.get(f"/notifications/?kind={other_kind}&unread=1").get_data(as_text=True)
    assert "Nothing here with these filters" in page


def test_mark_read_and_open_are_mine_only(client, login, kind, make_user):
    me, other = make_user(), make_user()
    notify([me.id], kind, "Mine", "/lessons/7")
    notify([other.id], kind, "Theirs", "/lessons/8")
    [mine], [theirs] = ids_of(me), ids_of(other)
    login(me)
    assert client.post(f"/notifications/{theirs}/read").status_code == 404
    assert client.post(f"/notifications/{theirs}/open").status_code == 404
    assert client.post(f"/api/notifications/{theirs}/read", json={}).status_code == 404
    assert client.post("/notifications/99999999999/read").status_code == 404
    assert db.session.get(Notification, theirs).read_at is None  # nothing changed
    opened = client.post(f"/notifications/{mine}/open")
    assert opened.status_code == 303 and opened.headers["Location"] == "/lessons/7"
    assert db.session.get(Notification, mine).read_at is not None


def test_writes_need_the_csrf_token(client, login, kind, member):
    notify([member.id], kind, "Mine", "/lessons/7")
    [mine] = ids_of(member)
    login(member)
    assert client.post(f"/notifications/{mine}/read", csrf=False).status_code == 400
    assert client.post("/api/notifications/read-all", json={}, csrf=False).status_code == 400
    assert db.session.get(Notification, mine).read_at is None


def test_mark_read_and_mark_all_read_from_the_page(client, login, kind, member):
    for text in ("one", "two", "three"):
        notify([member.id], kind, text, "/")
    first = ids_of(member)[0]
    login(member)
    response = client.post(f"/notifications/{first}/read", data={"unread": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/?unread=1"
    assert services.unread_count(member) == 2
    response = client.post("/notifications/read-all")
    assert response.status_code == 303 and services.unread_count(member) == 0
    assert "2 notifications marked read" in client.get("/notifications/").get_data(as_text=True)
    assert client.post("/api/notifications/read-all", json={}).get_json() == {"ok": True, "changed": 0, "unread": 0}


def test_preferences_page_saves_and_a_bad_choice_comes_back_with_every_error(client, login, kind, member):
    login(member)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Test pings" in page and 'value="digest"' in page
    bad = client.post("/notifications/preferences", data={f"delivery-{kind}": "loud", "delivery-nope": "email"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "nothing was saved" in text and "Test pings" in text
    assert 'value="loud"' not in text  # an unknown value is not echoed as a choice
    assert {p["kind"]: p["delivery"].value for p in services.preferences(member)}[kind] == "in_app"
    good = client.post("/notifications/preferences", data={f"delivery-{kind}": "email"})
    assert good.status_code == 303
    assert {p["kind"]: p["delivery"].value for p in services.preferences(member)}[kind] == "email"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code in (302, 401)
    assert client.get("/api/notifications/unread").status_code in (302, 401)

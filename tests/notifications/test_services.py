"""notify() writes one row per recipient and keeps the bell live; reading and preferences are per member."""
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.notifications import notify, services
from taskforce.notifications.models import Notification, NotificationPreference
from taskforce.notifications.rules import Delivery


def rows_of(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def test_notify_writes_a_row_per_active_recipient_once(app, kind, make_user):
    first, second, gone = make_user(), make_user(), make_user(active=False)
    told = notify([first.id, second.id, second.id, gone.id, "7", None], kind, "Ana mentioned you in #intake",
                  "/channels/3#message-9", object_type="message", object_id=9)
    assert sorted(told) == sorted([first.id, second.id])
    assert db.session.scalar(select(func.count(Notification.id))) == 2
    [row] = rows_of(first)
    assert (row.kind, row.text, row.email_text, row.url, row.object_type, row.object_id, row.read_at) == (
        kind, "Ana mentioned you in #intake", "Ana mentioned you in #intake", "/channels/3#message-9", "message", 9, None)
    assert rows_of(gone) == []


def test_notify_keeps_text_short_on_one_line_and_links_inside_the_app(app, kind, member):
    notify([member.id], kind, "line one\nline two\x00" + "x" * 1000, "https://evil.example/x")
    notify([member.id], kind, "ok", "//evil.example/x")
    notify([member.id], kind, "ok", "/lessons/1\x00")
    first, second, third = rows_of(member)
    assert "\n" not in first.text and "\x00" not in first.text and len(first.text) == 300
    assert first.text.startswith("line one line two")
    assert first.url == second.url == third.url == "/notifications"


def test_notify_takes_one_id_too(app, kind, member):
    assert notify(member.id, kind, "Just you", "/") == [member.id]
    assert [r.text for r in rows_of(member)] == ["Just you"]


def test_notify_with_nobody_writes_nothing(app, kind):
    assert notify([], kind, "x", "/") == []
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_the_bell_count_is_pushed_live_on_write_and_on_read(app, kind, make_user, signed_in_socket):
    reader, other = make_user(), make_user()
    reader_socket, other_socket = signed_in_socket(reader), signed_in_socket(other)
    reader_socket.events(), other_socket.events()
    notify([reader.id], kind, "Ping one", "/lessons/1")
    notify([reader.id], kind, "Ping two", "/lessons/2")
    received = reader_socket.named_events()
    assert [p for e, p in received if e == "notifications_unread"] == [{"count": 1, "badge": "1"},
                                                                       {"count": 2, "badge": "2"}]
    assert [p["text"] for e, p in received if e == "notification"] == ["Ping one", "Ping two"]  # the toast
    assert other_socket.events() == []  # nothing reaches anyone else
    first = rows_of(reader)[0]
    services.mark_read(reader, first.id)
    assert reader_socket.events("notifications_unread") == [{"count": 1, "badge": "1"}]
    services.mark_all_read(reader)
    assert reader_socket.events("notifications_unread") == [{"count": 0, "badge": ""}]


def test_mark_all_read_of_one_kind_leaves_the_others(app, kind, member):
    other_kind = services.register_kind("test_other", "Other test things")
    notify([member.id], kind, "a", "/")
    notify([member.id], other_kind, "b", "/")
    assert services.mark_all_read(member, kind) == 1
    assert services.unread_count(member) == 1
    assert services.mark_all_read(member, kind) == 0


def test_listing_filters_by_kind_and_unread_and_pages_back(app, kind, member):
    other_kind = services.register_kind("test_other", "Other test things")
    for number in range(5):
        notify([member.id], kind if number % 2 else other_kind, f"n{number}", "/")
    rows, more = services.list_notifications(member, kind=kind)
    assert [r.text for r in rows] == ["n3", "n1"] and not more
    services.mark_read(member, rows[0].id)
    assert [r.text for r in services.list_notifications(member, kind=kind, unread_only=True)[0]] == ["n1"]
    page, more = services.list_notifications(member, limit=2)
    assert [r.text for r in page] == ["n4", "n3"] and more
    older, more = services.list_notifications(member, before=page[-1].id, limit=2)
    assert [r.text for r in older] == ["n2", "n1"] and more


def test_preferences_are_all_checked_before_any_is_saved(app, kind, member):
    import pytest

    from taskforce.errors import ValidationError
    with pytest.raises(ValidationError) as refused:
        services.set_preferences(member, {kind: "email", "no_such_kind": "email", "test_other": "loud"})
    assert db.session.scalar(select(func.count(NotificationPreference.id))) == 0
    assert set(refused.value.details["fields"]) >= {"no_such_kind"}
    services.set_preferences(member, {kind: "digest"})
    assert {p["kind"]: p["delivery"] for p in services.preferences(member)}[kind] is Delivery.DIGEST
    services.set_preferences(member, {kind: "in_app"})  # the default is no row at all
    assert db.session.scalar(select(func.count(NotificationPreference.id))) == 0

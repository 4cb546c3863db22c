"""Home, what changed for me: blocks contributed by the domains, each with an empty state that says what to do,
through served requests."""
from datetime import timedelta

from taskforce import home
from taskforce.auth.models import Role, Sector
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, Status
from taskforce.notifications import notify


def block(page: str, name: str) -> str:
    start = page.index(f'data-home-block="{name}"')
    return page[start:page.index("</section>", start)]


def test_a_new_member_sees_every_block_with_what_to_do(client, login, member):
    login(member)
    page = client.get("/").get_data(as_text=True)
    assert "You are up to date" in block(page, "channels")
    assert "Share what you learned" in block(page, "new_lessons")
    assert "entries are confirmed" in block(page, "my_directory")
    assert "Nothing unread" in block(page, "notifications")
    assert 'data-home-block="lessons_to_review"' not in page  # coordinators only
    assert "js/home.js" in page and "<script>" not in page


def test_blocks_show_unread_mentions_lessons_and_my_organizations_entries(client, login, make_user, make_lesson,
                                                                           make_service, make_channel,
                                                                           signed_in_socket):
    from taskforce.auth.models import Organization  # noqa: F401
    nurse = make_user(display_name="Nia Nurse")
    channel = make_channel(name="intake")
    signed_in_socket(make_user(display_name="Ana Author")).emit(
        "send", {"channel_id": channel.id, "body": "@**Nia Nurse** bed?", "client_id": "h1"})
    make_lesson(title="Interview alone first", sectors=(nurse.sector,))
    make_lesson(title="Sector-only lesson elsewhere", sectors=(Sector.LAW_ENFORCEMENT,))
    make_service(nurse.organization, name="Our Old Entry", last_verified_at=utcnow() - timedelta(days=100))
    make_service(nurse.organization, name="Our Nearly Full Shelter", capacity=(1, 10))
    make_service(name="Someone Else's Old Entry", last_verified_at=utcnow() - timedelta(days=100))
    login(nurse)
    page = client.get("/").get_data(as_text=True)
    channels = block(page, "channels")
    assert "Ana Author mentioned you in #intake" in channels and "#intake" in channels and "1 unread" in channels
    assert "bed?" not in page  # no message text on Home
    lessons = block(page, "new_lessons")
    assert lessons.index("Interview alone first") < lessons.index("Sector-only lesson elsewhere")
    assert "involves your sector" in lessons
    directory = block(page, "my_directory")
    assert "Our Old Entry" in directory and "1 of 10 available" in directory
    assert "Someone Else" not in directory
    assert "mentioned you in #intake" in block(page, "notifications")


def test_new_lessons_count_from_the_previous_visit_not_the_last_reload(app, client, login, member, make_lesson):
    old = make_lesson(title="Released long ago")
    db.session.get(Lesson, old.id).published_at = utcnow() - timedelta(days=30)
    db.session.commit()
    login(member)
    first = client.get("/").get_data(as_text=True)
    assert "Released long ago" in block(first, "new_lessons")   # a first visit shows the newest
    home.record_visit(member, utcnow() + timedelta(hours=2))   # the next visit: since the first one
    make_lesson(title="Fresh today")
    db.session.get(Lesson, old.id).published_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert "Released long ago" not in block(client.get("/").get_data(as_text=True), "new_lessons")
    assert "Fresh today" in block(client.get("/").get_data(as_text=True), "new_lessons")
    assert "Fresh today" in block(client.get("/").get_data(as_text=True), "new_lessons")  # a reload keeps it
    home.record_visit(member, utcnow() + timedelta(hours=4))  # tomorrow morning's visit
    home.record_visit(member, utcnow() + timedelta(hours=6))
    assert "Fresh today" not in block(client.get("/").get_data(as_text=True), "new_lessons")


def test_coordinators_see_lessons_waiting_for_them_but_not_their_own(client, login, make_user, make_lesson):
    coordinator = make_user(Role.COORDINATOR)
    make_lesson(title="Waiting for a reviewer", status=Status.IN_REVIEW)
    make_lesson(title="My own in review", status=Status.IN_REVIEW, author=coordinator)
    login(coordinator)
    review = block(client.get("/").get_data(as_text=True), "lessons_to_review")
    assert "Waiting for a reviewer" in review and "My own in review" not in review
    assert "Review queue (1)" in review


def test_a_block_is_served_alone_for_live_refresh(client, login, member, kind):
    login(member)
    assert "Nothing unread" in client.get("/home/blocks/notifications").get_data(as_text=True)
    notify([member.id], kind, "Fresh ping", "/lessons/1")
    fragment = client.get("/home/blocks/notifications").get_data(as_text=True)
    assert fragment.strip().startswith("<section") and "Fresh ping" in fragment
    assert client.get("/home/blocks/nope").status_code == 404
    assert client.get("/home/blocks/lessons_to_review").status_code == 404  # not for members

"""Review and release: two-person rule, send back with comments, publish with visibility, revise, retire;
every transition audited by action name only."""
from sqlalchemy import select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, LessonReviewComment, LessonRevision, Status, Visibility
from tests.lessons.conftest import edit_version, lesson_form, status_of


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("lesson."))
                                                   .order_by(AuditEvent.id))]


def test_coordinator_publishes_with_visibility(client, login, make_lesson, coordinator):
    lesson = make_lesson(status=Status.IN_REVIEW)
    login(coordinator)
    response = client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "sector"})
    assert response.status_code == 302
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    assert lesson.status is Status.PUBLISHED and lesson.visibility is Visibility.SECTOR
    assert lesson.reviewer_id == coordinator.id and lesson.published_at is not None
    assert db.session.scalars(select(LessonRevision)).one().version == 1
    assert actions() == ["lesson.published"]


def test_author_cannot_release_own_lesson(client, login, make_lesson, coordinator):
    lesson = make_lesson(author=coordinator, status=Status.IN_REVIEW)
    login(coordinator)
    assert client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force"}).status_code == 403
    assert status_of(lesson.id) is Status.IN_REVIEW


def test_members_cannot_review(client, login, make_lesson, member):
    lesson = make_lesson(status=Status.IN_REVIEW)
    login(member)
    assert client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force"}).status_code == 404
    assert client.get("/lessons/review").status_code == 403
    assert status_of(lesson.id) is Status.IN_REVIEW


def test_publishing_needs_a_lesson_in_review_and_a_valid_visibility(client, login, make_lesson, coordinator):
    draft_by_coordinator_view = make_lesson(status=Status.CHANGES_REQUESTED)
    login(coordinator)
    assert client.post(f"/lessons/{draft_by_coordinator_view.id}/publish",
                       data={"visibility": "task_force"}).status_code == 409
    waiting = make_lesson(status=Status.IN_REVIEW)
    assert client.post(f"/lessons/{waiting.id}/publish", data={"visibility": "everyone"}).status_code == 400
    assert status_of(waiting.id) is Status.IN_REVIEW
    draft = make_lesson(status=Status.DRAFT)
    assert client.post(f"/lessons/{draft.id}/publish", data={"visibility": "task_force"}).status_code == 404


def test_send_back_with_comment_then_author_resubmits(client, login, make_lesson, member, coordinator):
    lesson = make_lesson(author=member, status=Status.IN_REVIEW)
    login(coordinator)
    assert client.post(f"/lessons/{lesson.id}/send-back", data={"comment": ""}).status_code == 400
    response = client.post(f"/lessons/{lesson.id}/send-back", data={"comment": "Say less about the route taken."})
    assert response.status_code == 302
    assert status_of(lesson.id) is Status.CHANGES_REQUESTED
    assert db.session.scalars(select(LessonReviewComment)).one().body == "Say less about the route taken."
    client.post("/auth/logout", data={})
    login(member)
    page = client.get(f"/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert "Say less about the route taken." in page
    assert client.post(f"/lessons/{lesson.id}/edit", data=lesson_form(action="submit", version=edit_version(lesson.id))
                       ).status_code == 302
    assert status_of(lesson.id) is Status.IN_REVIEW
    assert actions() == ["lesson.changes_requested", "lesson.draft_saved", "lesson.submitted"]


def test_send_back_comment_with_identifying_details_is_refused(client, login, make_lesson, coordinator):
    lesson = make_lesson(status=Status.IN_REVIEW)
    login(coordinator)
    response = client.post(f"/lessons/{lesson.id}/send-back", data={"comment": "Remove 555-867-5309 please."})
    assert response.status_code == 400
    assert status_of(lesson.id) is Status.IN_REVIEW
    assert db.session.scalars(select(LessonReviewComment)).first() is None


def test_revision_keeps_published_version_visible_until_released(client, login, make_lesson, make_user, member,
                                                                coordinator):
    lesson = make_lesson(author=member, status=Status.PUBLISHED, title="Version one title")
    db.session.add(LessonRevision(lesson_id=lesson.id, version=1, title=lesson.title, author_id=member.id,
                                  published_by_id=coordinator.id))
    db.session.commit()
    reader = make_user(Role.MEMBER)
    login(member)
    response = client.post(f"/lessons/{lesson.id}/revise", data={})
    assert response.status_code == 302
    copy = db.session.scalars(select(Lesson).where(Lesson.revision_of_id == lesson.id)).one()
    assert copy.status is Status.DRAFT and copy.version == 2
    assert client.post(f"/lessons/{lesson.id}/revise", data={}).status_code == 409  # one open revision
    assert client.post(f"/lessons/{copy.id}/edit", data=lesson_form(title="Version two title", action="submit",
                                                                     version=edit_version(copy.id))).status_code == 302
    client.post("/auth/logout", data={})

    login(reader, the_client=client)
    assert "Version one title" in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert client.get(f"/lessons/{copy.id}").status_code == 404
    listing = client.get("/api/lessons").get_json()
    assert [item["title"] for item in listing["lessons"]] == ["Version one title"]
    client.post("/auth/logout", data={})

    login(coordinator)
    assert client.post(f"/lessons/{copy.id}/publish", data={"visibility": "task_force"}).status_code == 302
    db.session.expire_all()
    released = db.session.get(Lesson, lesson.id)
    assert released.title == "Version two title" and released.version == 2 and released.status is Status.PUBLISHED
    assert db.session.scalar(select(Lesson).where(Lesson.revision_of_id == lesson.id)) is None
    versions = db.session.scalars(select(LessonRevision).order_by(LessonRevision.version)).all()
    assert [(v.version, v.title) for v in versions] == [(1, "Version one title"), (2, "Version two title")]
    assert "Version one title" in client.get(f"/lessons/{lesson.id}/versions/1").get_data(as_text=True)


def test_only_the_author_revises(client, login, make_lesson, coordinator):
    lesson = make_lesson(status=Status.PUBLISHED)
    login(coordinator)
    assert client.post(f"/lessons/{lesson.id}/revise", data={}).status_code == 403


def test_retire_by_author_or_coordinator_hides_it_from_readers(client, login, make_lesson, make_user, member,
                                                               coordinator):
    lesson = make_lesson(author=member, status=Status.PUBLISHED)
    other = make_user(Role.MEMBER)
    login(other)
    assert client.post(f"/lessons/{lesson.id}/retire", data={}).status_code == 403
    client.post("/auth/logout", data={})
    login(coordinator)
    assert client.post(f"/lessons/{lesson.id}/retire", data={}).status_code == 302
    assert status_of(lesson.id) is Status.RETIRED
    assert client.post(f"/lessons/{lesson.id}/retire", data={}).status_code == 409
    client.post("/auth/logout", data={})
    login(other)
    assert client.get(f"/lessons/{lesson.id}").status_code == 404
    assert actions() == ["lesson.retired"]


def test_audit_log_never_holds_lesson_text(client, login, make_lesson, coordinator):
    lesson = make_lesson(status=Status.IN_REVIEW, title="Distinctive-title-xyz")
    login(coordinator)
    client.post(f"/lessons/{lesson.id}/send-back", data={"comment": "Distinctive-comment-abc"})
    for event in db.session.scalars(select(AuditEvent)):
        row = " ".join(str(v) for v in (event.action, event.target_type, event.target_id, event.outcome))
        assert "Distinctive" not in row

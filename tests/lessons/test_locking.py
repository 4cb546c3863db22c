"""Optimistic locking: a draft (or a revision) opened in two tabs and saved from both keeps the first save,
and the second gets a 409 with both versions side by side and its input kept; a review action on a lesson
that changed after the reviewer opened it does nothing; two removals of one comment remove it once."""
import re

from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, LessonComment, LessonRevision, Status
from tests.lessons.conftest import lesson_form, status_of
from tests.lessons.test_hardening import Interleave, second_browser


def opened_version(client, lesson_id) -> str:
    """What the editor page the author opened carries back with its save."""
    page = client.get(f"/lessons/{lesson_id}/edit").get_data(as_text=True)
    return re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)


class InterleaveComments(Interleave):
    """The race at the moment a comment row is first written (removed)."""

    TABLES = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(lesson_comments|audit_events)\b', re.I)


def stored(lesson_id) -> Lesson:
    db.session.expire_all()
    return db.session.get(Lesson, lesson_id)


def test_a_draft_saved_from_two_tabs_keeps_the_first_and_shows_both(client, login, member, make_lesson):
    draft = make_lesson(author=member, status=Status.DRAFT)
    login(member)
    tab_one, tab_two = opened_version(client, draft.id), opened_version(client, draft.id)
    first = client.post(f"/lessons/{draft.id}/edit", data=lesson_form(title="Ask early who holds the passport",
                                                                     version=tab_one))
    assert first.status_code == 302
    second = client.post(f"/lessons/{draft.id}/edit", data=lesson_form(
        title="Ask who keeps the documents", recommendation="Meet in a place the employer does not know.",
        version=tab_two))
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert stored(draft.id).title == "Ask early who holds the passport"  # nothing overwritten
    table = page[page.index("lesson-conflict"):page.index("</table>")]
    assert "Ask who keeps the documents" in table and "Ask early who holds the passport" in table  # side by side
    assert table.count("differs</span>") == 2  # title and recommendation
    form = page[page.index('id="lesson-form"'):]
    assert 'value="Ask who keeps the documents"' in form  # the author's input kept, to merge
    assert "Meet in a place the employer does not know." in form
    new_version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    assert new_version == str(stored(draft.id).edit_version) != tab_two
    merged = client.post(f"/lessons/{draft.id}/edit", data=lesson_form(title="Ask early who keeps the documents",
                                                                      version=new_version))
    assert merged.status_code == 302 and stored(draft.id).title == "Ask early who keeps the documents"


def test_a_save_without_its_version_is_refused(client, login, member, make_lesson):
    draft = make_lesson(author=member, status=Status.DRAFT)
    login(member)
    for version in (None, "", "x", "99999999999999999999"):
        data = lesson_form(title="Changed")
        if version is not None:
            data["version"] = version
        response = client.post(f"/lessons/{draft.id}/edit", data=data)
        assert response.status_code in (400, 409)
    assert stored(draft.id).title != "Changed"


def test_two_saves_at_the_same_moment_one_wins_the_other_gets_409(app, client, login, member, make_lesson):
    draft = make_lesson(author=member, status=Status.DRAFT)
    login(member)
    other, token = second_browser(app, login, member)
    version = opened_version(client, draft.id)
    url = f"/lessons/{draft.id}/edit"
    with Interleave(lambda: other.post(url, data=dict(lesson_form(title="From the other tab", version=version),
                                                      csrf_token=token), csrf=False)) as race:
        response = client.post(url, data=lesson_form(title="From this tab", version=version))
    assert race.answer is not None and race.answer.status_code == 302
    assert response.status_code == 409 and "From this tab" in response.get_data(as_text=True)
    assert stored(draft.id).title == "From the other tab"
    saves = db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "lesson.draft_saved"))
    assert saves == 1


def test_a_save_after_the_other_tab_submitted_shows_both_and_changes_nothing(client, login, member, make_lesson):
    draft = make_lesson(author=member, status=Status.DRAFT)
    login(member)
    version = opened_version(client, draft.id)
    assert client.post(f"/lessons/{draft.id}/edit", data=lesson_form(action="submit", version=version)
                       ).status_code == 302
    late = client.post(f"/lessons/{draft.id}/edit", data=lesson_form(title="A late change", version=version))
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "can no longer be edited here" in page and "A late change" in page
    assert status_of(draft.id) is Status.IN_REVIEW and stored(draft.id).title != "A late change"


def test_a_revision_opened_in_two_tabs_is_locked_too(client, login, member, make_lesson):
    lesson = make_lesson(author=member)
    db.session.add(LessonRevision(lesson_id=lesson.id, version=1, author_id=member.id, published_by_id=member.id,
                                  published_at=lesson.published_at, **lesson.texts()))
    db.session.commit()
    login(member)
    assert client.post(f"/lessons/{lesson.id}/revise").status_code == 302
    copy = db.session.scalars(select(Lesson).where(Lesson.revision_of_id == lesson.id)).one()
    tab_one, tab_two = opened_version(client, copy.id), opened_version(client, copy.id)
    assert client.post(f"/lessons/{copy.id}/edit", data=lesson_form(title="Second version", version=tab_one)
                       ).status_code == 302
    assert client.post(f"/lessons/{copy.id}/edit", data=lesson_form(title="Other tab", version=tab_two)
                       ).status_code == 409
    assert stored(copy.id).title == "Second version"


def test_publishing_a_lesson_that_changed_since_the_reviewer_opened_it_does_nothing(client, login, make_lesson,
                                                                                   member, make_user):
    lesson = make_lesson(author=member, status=Status.IN_REVIEW, title="What the reviewer read")
    reviewer, colleague = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    login(reviewer)
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    read_at = re.search(r'name="version" value="(\d+)"', page).group(1)
    client.post("/auth/logout", data={})
    # meanwhile: another coordinator sends it back, the author rewrites and resubmits it
    login(colleague)
    assert client.post(f"/lessons/{lesson.id}/send-back", data={"comment": "Shorter, please."}).status_code == 302
    client.post("/auth/logout", data={})
    login(member)
    assert client.post(f"/lessons/{lesson.id}/edit", data=lesson_form(
        title="A text nobody reviewed", action="submit", version=str(stored(lesson.id).edit_version))).status_code == 302
    client.post("/auth/logout", data={})
    login(reviewer)
    response = client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force", "version": read_at})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "changed after you opened it" in page
    assert "A text nobody reviewed" in page  # the current version, to read again
    assert status_of(lesson.id) is Status.IN_REVIEW
    assert db.session.scalar(select(func.count()).select_from(LessonRevision)) == 0
    comment = "Remove the second paragraph."
    back = client.post(f"/lessons/{lesson.id}/send-back", data={"comment": comment, "version": read_at})
    assert back.status_code == 409 and f">{comment}</textarea>" in back.get_data(as_text=True)  # kept
    assert status_of(lesson.id) is Status.IN_REVIEW
    current = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force", "version": current}
                       ).status_code == 302
    assert status_of(lesson.id) is Status.PUBLISHED


def test_a_send_back_comment_with_details_is_refused_with_the_comment_kept(client, login, make_lesson, coordinator):
    lesson = make_lesson(status=Status.IN_REVIEW)
    login(coordinator)
    response = client.post(f"/lessons/{lesson.id}/send-back", data={"comment": "Remove 555-867-5309 please."})
    assert response.status_code == 400
    assert ">Remove 555-867-5309 please.</textarea>" in response.get_data(as_text=True)
    assert status_of(lesson.id) is Status.IN_REVIEW


def test_two_removals_of_one_comment_remove_it_once(app, client, login, make_lesson, member, coordinator):
    lesson = make_lesson()
    comment = LessonComment(lesson_id=lesson.id, author_id=member.id, body="Matches what we saw.")
    db.session.add(comment)
    db.session.commit()
    login(member)
    other, token = second_browser(app, login, coordinator)
    url, lesson_id = f"/lessons/comments/{comment.id}/delete", lesson.id
    with InterleaveComments(lambda: other.post(url, data={"csrf_token": token, "lesson_id": lesson_id},
                                               csrf=False)) as race:
        response = client.post(url, data={"lesson_id": lesson_id})
    assert race.answer is not None
    assert sorted([race.answer.status_code, response.status_code]) == [302, 404]
    assert db.session.scalar(select(func.count()).select_from(LessonComment)) == 0
    removals = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "lesson.comment_deleted"))
    assert removals == 1

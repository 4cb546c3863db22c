"""Security review fixes: not-identifying reasons pass the anonymizer, odd or huge numbers are a clear 4xx,
and two reviewers (or one double-submitted form) cannot release or revise a lesson twice."""
import contextvars
import json
import re

import pytest
from sqlalchemy import event, func, select

from taskforce.auth.models import Role
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, LessonRevision, NotIdentifyingDecision, Status
from tests.conftest import CsrfClient
from tests.lessons.conftest import everything_stored, lesson_form, lessons_count, status_of

SINGLE = "The victim was moved to Riverside each weekend."
IDENTIFYING_REASON = "Maria Gonzalez from 12 Elm St told me"


def _decision(client, text=SINGLE, reason="A county of two million people."):
    findings = client.post("/api/lessons/check", json={"fields": {"what_happened": text}}).get_json()
    (finding,) = findings["fields"]["what_happened"]
    return {"field": "what_happened", "start": finding["start"], "end": finding["end"], "text": finding["text"],
            "reason": reason}


# --- 1. reasons are checked like comments -----------------------------------------------------------------

def test_reason_with_identifying_details_is_refused_and_nothing_stored(client, login, member):
    login(member)
    decision = _decision(client, reason=IDENTIFYING_REASON)
    response = client.post("/lessons/new", data=lesson_form(what_happened=SINGLE, decisions=json.dumps([decision])))
    assert response.status_code == 400
    assert "could identify someone" in response.get_data(as_text=True)
    assert lessons_count() == 0
    assert "Gonzalez" not in everything_stored() and "Elm St" not in everything_stored()


def test_reason_typed_on_the_check_page_is_refused_too(client, login, member):
    login(member)
    form = lesson_form(what_happened=SINGLE, action="submit", **{"choice-what_happened-0": "keep",
                                                                 "reason-what_happened-0": IDENTIFYING_REASON})
    response = client.post("/lessons/resolve", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "could identify someone" in page
    assert 'name="choice-what_happened-0"' in page  # back to the choices, to rephrase the reason
    assert lessons_count() == 0 and "Gonzalez" not in everything_stored()


@pytest.mark.parametrize("reason", ["A county\x00of two million", "A county\x07 of two million"])
def test_reason_with_control_characters_is_refused(client, login, member, reason):
    login(member)
    decision = _decision(client, reason=reason)
    response = client.post("/lessons/new", data=lesson_form(what_happened=SINGLE, decisions=json.dumps([decision])))
    assert response.status_code == 400
    assert lessons_count() == 0


def test_a_clean_reason_is_still_stored(client, login, member):
    login(member)
    decision = _decision(client)
    response = client.post("/lessons/new", data=lesson_form(what_happened=SINGLE, decisions=json.dumps([decision])))
    assert response.status_code == 302
    assert db.session.scalars(select(NotIdentifyingDecision.reason)).one() == "A county of two million people."


# --- 4. huge or odd numbers -----------------------------------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", ["/lessons/", "/api/lessons"])
@pytest.mark.parametrize("page", [HUGE, "²", "0", "-1", "10001", "x"])
def test_odd_page_numbers_are_a_clear_400(client, login, member, path, page):
    login(member)
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 400
    assert "page" in response.get_data(as_text=True).lower()


def test_last_allowed_page_is_an_empty_page_not_an_error(client, login, member):
    login(member)
    response = client.get("/api/lessons?page=10000")
    assert response.status_code == 200 and response.get_json()["lessons"] == []


@pytest.mark.parametrize("lesson_id", [HUGE, str(2**31), "²", "١"])
def test_resolving_an_odd_lesson_id_is_a_404(client, login, member, lesson_id):
    login(member)
    response = client.post("/lessons/resolve", data=lesson_form(lesson_id=lesson_id))
    assert response.status_code == 404
    assert lessons_count() == 0


@pytest.mark.parametrize("path", [f"/lessons/{HUGE}", f"/api/lessons/{HUGE}", f"/lessons/{2**31}/versions/1"])
def test_huge_ids_in_addresses_are_a_404(client, login, member, path):
    login(member)
    assert client.get(path).status_code == 404


def test_huge_ids_in_actions_are_a_404(client, login, coordinator):
    login(coordinator)
    for path in (f"/lessons/{HUGE}/publish", f"/lessons/{HUGE}/revise", f"/lessons/{HUGE}/helpful",
                 f"/lessons/comments/{HUGE}/delete"):
        assert client.post(path, data={"visibility": "task_force"}).status_code == 404, path


# --- 5. double submits --------------------------------------------------------------------------------------

class Interleave:
    """Run another request at the moment `request` first writes to the lessons tables: exactly the race of
    two reviewers pressing the button at once, or a form sent twice (both read "in review" before either
    writes). The other request runs to its commit on its own connection first."""

    TABLES = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(lessons|lesson_revisions|audit_events)\b', re.I)

    def __init__(self, other):
        self.other, self.armed, self.answer = other, False, None

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._before)
        self.armed = True
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.armed and self.TABLES.match(statement):
            self.armed = False
            self.answer = contextvars.Context().run(self.other)


def revisions_count(lesson_id) -> int:
    return db.session.scalar(select(func.count()).select_from(LessonRevision)
                             .where(LessonRevision.lesson_id == lesson_id))


def second_browser(app, login, user) -> tuple:
    """Another browser signed in as `user`, and its CSRF token (fetched before the race, not during it)."""
    other = CsrfClient(app.test_client())
    login(user, the_client=other)
    return other, other.csrf_token()


def test_two_publishes_at_once_release_one_version_and_the_other_gets_409(app, client, login, make_lesson,
                                                                           make_user):
    lesson = make_lesson(status=Status.IN_REVIEW)
    first, second = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    login(first)
    other, token = second_browser(app, login, second)
    publish = {"visibility": "task_force"}
    url = f"/lessons/{lesson.id}/publish"
    with Interleave(lambda: other.post(url, data=dict(publish, csrf_token=token),
                                       csrf=False)) as race:
        response = client.post(f"/lessons/{lesson.id}/publish", data=publish)
    assert race.answer is not None and race.answer.status_code == 302
    assert response.status_code == 409
    assert status_of(lesson.id) is Status.PUBLISHED and revisions_count(lesson.id) == 1


def test_publish_racing_a_send_back_gets_409(app, client, login, make_lesson, make_user):
    lesson = make_lesson(status=Status.IN_REVIEW)
    first, second = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    login(first)
    other, token = second_browser(app, login, second)
    url = f"/lessons/{lesson.id}/send-back"
    with Interleave(lambda: other.post(url,
                                       data={"comment": "Say less about the route.", "csrf_token": token},
                                       csrf=False)) as race:
        response = client.post(f"/lessons/{lesson.id}/publish", data={"visibility": "task_force"})
    assert race.answer.status_code == 302 and response.status_code == 409
    assert status_of(lesson.id) is Status.CHANGES_REQUESTED and revisions_count(lesson.id) == 0


def test_two_revise_clicks_at_once_open_one_revision(app, client, login, make_lesson, member):
    lesson = make_lesson(author=member)
    db.session.add(LessonRevision(lesson_id=lesson.id, version=1, author_id=member.id, published_by_id=member.id,
                                  published_at=lesson.published_at, **lesson.texts()))
    db.session.commit()
    login(member)
    other, token = second_browser(app, login, member)
    url = f"/lessons/{lesson.id}/revise"
    with Interleave(lambda: other.post(url, data={"csrf_token": token},
                                       csrf=False)) as race:
        response = client.post(f"/lessons/{lesson.id}/revise")
    assert race.answer.status_code == 302 and response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.revision_of_id == lesson.id)) == 1

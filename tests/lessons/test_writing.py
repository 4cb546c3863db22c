"""Writing a lesson: the check stores nothing, only resolved text is saved, the server verifies every
not-identifying decision itself, and only the author edits."""
import json

import pytest

from sqlalchemy import select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, NotIdentifyingDecision, Status
from tests.lessons.conftest import edit_version, everything_stored, lesson_form, lessons_count, status_of

RAW_HAPPENED = ("Maria Gonzalez was found at the Sunset Motel, 1420 Elm Street. Her phone 555-867-5309 was "
                "held by the manager. Email maria.g@gmail.com.")


def check(client, **fields):
    return client.post("/api/lessons/check", json={"fields": fields})


def test_check_returns_findings_and_stores_nothing(client, login, member):
    login(member)
    response = check(client, title="Motel case", summary="Short.", what_happened=RAW_HAPPENED)
    assert response.status_code == 200
    findings = response.get_json()["fields"]["what_happened"]
    kinds = {f["kind"] for f in findings}
    assert {"PERSON", "PHONE", "EMAIL", "ADDRESS"} <= kinds
    first = findings[0]
    assert set(first) >= {"start", "end", "kind", "rule", "text", "suggestion", "covered"}
    assert RAW_HAPPENED[first["start"]:first["end"]] == first["text"]
    assert response.get_json()["unresolved"] == len(findings)
    assert lessons_count() == 0
    assert "555-867-5309" not in everything_stored()


def test_check_refuses_malformed_requests(client, login, member):
    login(member)
    assert client.post("/api/lessons/check", json={"fields": "nope"}).status_code == 400
    assert client.post("/api/lessons/check", json={"fields": {"title": 5}}).status_code == 400
    assert check(client, summary="x" * 3000).status_code == 400
    assert client.post("/api/lessons/check", json={"fields": {}}, csrf=False).status_code == 400


def test_save_with_unresolved_findings_is_refused_and_nothing_stored(client, login, member):
    login(member)
    response = client.post("/lessons/new", data=lesson_form(what_happened=RAW_HAPPENED))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Check for identifying details" in page and "555-867-5309" in page  # shown back to the author only
    assert lessons_count() == 0
    assert "Gonzalez" not in everything_stored()


def test_submit_with_unresolved_findings_is_refused_too(client, login, member):
    login(member)
    response = client.post("/lessons/new", data=lesson_form(what_happened=RAW_HAPPENED, action="submit"))
    assert response.status_code == 400
    assert lessons_count() == 0


def test_resolved_text_is_saved_and_raw_details_are_nowhere_in_the_database(client, login, member):
    login(member)
    findings = check(client, what_happened=RAW_HAPPENED).get_json()["fields"]["what_happened"]
    resolved, pos = [], 0
    for finding in findings:  # what the page does: accept each redaction
        resolved.append(RAW_HAPPENED[pos:finding["start"]] + f"[{finding['kind']}]")
        pos = finding["end"]
    resolved.append(RAW_HAPPENED[pos:])
    response = client.post("/lessons/new", data=lesson_form(what_happened="".join(resolved), action="submit"))
    assert response.status_code == 302
    lesson = db.session.scalars(select(Lesson)).one()
    assert lesson.status is Status.IN_REVIEW and lesson.author_id == member.id
    assert "[PERSON]" in lesson.what_happened and "[PHONE]" in lesson.what_happened
    stored = everything_stored()
    for raw in ("Maria", "Gonzalez", "555-867-5309", "maria.g@gmail.com", "1420 Elm", "Sunset Motel"):
        assert raw not in stored


def test_sqlite_file_never_holds_the_raw_text(client, login, member, app, backend):
    if backend != "sqlite":
        pytest.skip("reads the database file's bytes: PostgreSQL keeps no file this test can read")
    login(member)
    client.post("/api/lessons/check", json={"fields": {"what_happened": RAW_HAPPENED}})
    client.post("/lessons/new", data=lesson_form(what_happened=RAW_HAPPENED))
    client.post("/lessons/new", data=lesson_form(what_happened="The victim was found at a motel in the county."))
    db.session.remove()
    db.engine.dispose()
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    import os
    raw = b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))
    assert b"555-867-5309" not in raw and b"Gonzalez" not in raw
    assert b"a motel in the county" in raw


def _not_identifying(client, text, field="what_happened"):
    """Find the single finding in `text` and build the decision the page would send for it."""
    findings = check(client, **{field: text}).get_json()["fields"][field]
    assert len(findings) == 1, findings
    f = findings[0]
    return f, {"field": field, "start": f["start"], "end": f["end"], "text": f["text"],
               "reason": "A large public landmark; nobody can be recognised from it."}


SINGLE = "The victim was moved to Riverside each weekend."


def test_not_identifying_decision_lets_the_text_be_saved_and_is_recorded(client, login, member):
    login(member)
    finding, decision = _not_identifying(client, SINGLE)
    response = client.post("/lessons/new", data=lesson_form(what_happened=SINGLE, decisions=json.dumps([decision])))
    assert response.status_code == 302
    stored = db.session.scalars(select(NotIdentifyingDecision)).one()
    assert (stored.kind, stored.text, stored.field) == (finding["kind"], finding["text"], "what_happened")
    assert stored.reason.startswith("A large public landmark") and stored.rule == finding["rule"]


def test_decision_without_reason_or_at_other_offsets_does_not_count(client, login, member):
    login(member)
    _finding, decision = _not_identifying(client, SINGLE)
    for tampered in (dict(decision, reason="  "), dict(decision, start=decision["start"] + 1),
                     dict(decision, field="summary"), dict(decision, text="someone else")):
        response = client.post("/lessons/new", data=lesson_form(what_happened=SINGLE, decisions=json.dumps([tampered])))
        assert response.status_code == 400
    assert client.post("/lessons/new", data=lesson_form(decisions="{not json")).status_code == 400
    assert client.post("/lessons/new", data=lesson_form(decisions=json.dumps([{"field": "x"}]))).status_code == 400
    assert lessons_count() == 0


def test_crlf_and_surrounding_spaces_keep_decisions_anchored(client, login, member):
    login(member)
    text = "First line.\nThe victim was moved to Riverside each weekend."
    _finding, decision = _not_identifying(client, text)
    browser_text = "  " + text.replace("\n", "\r\n") + "\r\n"
    decision["start"] += 2
    decision["end"] += 2
    response = client.post("/lessons/new", data=lesson_form(what_happened=browser_text, decisions=json.dumps([decision])))
    assert response.status_code == 302
    assert db.session.scalars(select(Lesson)).one().what_happened == text


def test_no_js_check_page_resolves_each_finding_then_saves(client, login, member):
    login(member)
    raw = "Call Maria Gonzalez on 555-867-5309. The victim was moved to Riverside each weekend."
    page = client.post("/lessons/new", data=lesson_form(what_happened=raw, action="check"))
    assert page.status_code == 200 and "choice-what_happened-0" in page.get_data(as_text=True)
    findings = check(client, what_happened=raw).get_json()["fields"]["what_happened"]
    form = lesson_form(what_happened=raw, action="submit")
    for i, f in enumerate(findings):
        if f["kind"] == "PHONE":
            form[f"choice-what_happened-{i}"] = "redact"
        elif f["text"] == "Riverside":
            form[f"choice-what_happened-{i}"] = "keep"
            form[f"reason-what_happened-{i}"] = "A county of two million people."
        else:
            form[f"choice-what_happened-{i}"] = "replace"
            form[f"phrase-what_happened-{i}"] = "the victim"
    response = client.post("/lessons/resolve", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    lesson = db.session.scalars(select(Lesson)).one()
    assert "the victim on [PHONE]." in lesson.what_happened and "Riverside" in lesson.what_happened
    assert lesson.status is Status.IN_REVIEW
    assert "Gonzalez" not in everything_stored()


def test_no_js_missing_choice_or_identifying_replacement_shows_the_check_again(client, login, member):
    login(member)
    raw = "Call Maria Gonzalez today."
    form = lesson_form(what_happened=raw)
    assert client.post("/lessons/resolve", data=form).status_code == 400  # no choice made
    form["choice-what_happened-0"] = "replace"
    form["phrase-what_happened-0"] = "Maria Lopez"
    response = client.post("/lessons/resolve", data=form)
    assert response.status_code == 400 and "still look identifying" in response.get_data(as_text=True)
    assert lessons_count() == 0


def test_required_fields_and_tags_are_validated(client, login, member):
    login(member)
    assert client.post("/lessons/new", data=lesson_form(title="")).status_code == 400
    assert client.post("/lessons/new", data=lesson_form(case_year="2021-05-03")).status_code == 400
    assert client.post("/lessons/new", data=lesson_form(case_year="1700")).status_code == 400
    assert client.post("/lessons/new", data=lesson_form(indicators=["made-up"])).status_code == 400
    assert client.post("/lessons/new", data=lesson_form(trafficking_type="organs")).status_code == 400
    assert client.post("/lessons/new", data=lesson_form(sectors=["aliens"])).status_code == 400
    assert lessons_count() == 0


def test_author_edits_own_draft_others_cannot(client, login, member, make_user, make_lesson, coordinator):
    draft = make_lesson(author=member, status=Status.DRAFT)
    login(member)
    assert client.get(f"/lessons/{draft.id}/edit").status_code == 200
    response = client.post(f"/lessons/{draft.id}/edit", data=lesson_form(title="Ask who holds the passport",
                                                                         version=edit_version(draft.id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Lesson, draft.id).title == "Ask who holds the passport"

    other = make_user(Role.MEMBER)
    client.post("/auth/logout", data={})
    login(other)
    assert client.get(f"/lessons/{draft.id}/edit").status_code == 404  # another person's draft does not exist
    assert client.post(f"/lessons/{draft.id}/edit", data=lesson_form(title="Hijacked")).status_code == 404

    submitted = make_lesson(author=member, status=Status.IN_REVIEW)
    client.post("/auth/logout", data={})
    login(coordinator)
    assert client.post(f"/lessons/{submitted.id}/edit", data=lesson_form(title="Edited")).status_code == 403
    db.session.expire_all()
    assert db.session.get(Lesson, submitted.id).title != "Edited"


def test_author_cannot_edit_a_lesson_in_review_or_published(client, login, member, make_lesson):
    for status in (Status.IN_REVIEW, Status.PUBLISHED):
        lesson = make_lesson(author=member, status=status)
        login(member) if status is Status.IN_REVIEW else None
        assert client.post(f"/lessons/{lesson.id}/edit", data=lesson_form(title="Changed")).status_code == 409
        assert status_of(lesson.id) is status


def test_saving_is_audited_without_text(client, login, member):
    login(member)
    client.post("/lessons/new", data=lesson_form(action="submit"))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("lesson."))).all()
    assert [e.action for e in events] == ["lesson.created", "lesson.submitted"]
    assert all("passport" not in (e.target_id + e.target_type) for e in events)


def test_author_discards_a_draft(client, login, member, make_lesson):
    draft_id = make_lesson(author=member, status=Status.DRAFT).id
    login(member)
    assert client.post(f"/lessons/{draft_id}/discard", data={}).status_code == 302
    assert status_of(draft_id) is None

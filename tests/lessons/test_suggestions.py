"""The suggestions workflow: "apply all suggestions" on the check page (applied, checked again, shown for
confirmation, nothing stored until the author saves), and the reviewer's view of where text was replaced —
which stores the places and kinds, never the replaced details."""
import json
from html.parser import HTMLParser

from sqlalchemy import select

from taskforce.extensions import db
from taskforce.lessons import anonymizer
from taskforce.lessons.models import Lesson, LessonReplacement, Status
from tests.lessons.conftest import everything_stored, lesson_form, lessons_count

RAW = "Officer Maria Gonzalez called 555-867-5309 about the victim. Email maria.g@gmail.com."


class PostedForm(HTMLParser):
    """What a browser would send from the check page's form: hidden inputs, textareas, checked radios and
    text inputs, by name (the button pressed is added by the test)."""

    def __init__(self, html):
        super().__init__()
        self.data, self._textarea, self._in_form = {}, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "check-form" in (attrs.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("hidden", "text") or (kind == "radio" and "checked" in attrs):
                self.data.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.data[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def check_page_form(response, **buttons) -> dict:
    form = PostedForm(response.get_data(as_text=True)).data
    form.update({k: [v] for k, v in buttons.items()})
    return form


def test_apply_all_shows_the_result_then_the_author_saves_it(client, login, member, coordinator):
    login(member)
    checked = client.post("/lessons/new", data=lesson_form(what_happened=RAW, action="check"))
    assert checked.status_code == 200 and 'value="apply_all"' in checked.get_data(as_text=True)
    applied = client.post("/lessons/resolve", data=check_page_form(checked, action="apply_all"))
    page = applied.get_data(as_text=True)
    assert applied.status_code == 200 and "Suggestions applied" in page
    assert lessons_count() == 0  # shown for confirmation: nothing stored yet
    shown = PostedForm(page).data["what_happened"][0]
    for raw in ("Gonzalez", "555-867-5309", "maria.g@gmail.com"):
        assert raw not in shown
    findings = anonymizer.scan(RAW)
    assert all(anonymizer.suggest_replacement(f, RAW) in shown for f in findings)
    assert json.loads(PostedForm(page).data["replacements"][0])  # carried to the save

    saved = client.post("/lessons/resolve", data=check_page_form(applied, action="submit"))
    assert saved.status_code == 302
    lesson = db.session.scalars(select(Lesson)).one()
    assert lesson.status is Status.IN_REVIEW and lesson.what_happened == shown
    marks = db.session.scalars(select(LessonReplacement).order_by(LessonReplacement.start)).all()
    assert len(marks) == len(findings)
    assert [m.kind for m in marks] == [f.kind for f in findings] and {m.how for m in marks} == {"suggest"}
    assert all(lesson.what_happened[m.start:m.end] == m.text for m in marks)
    stored = everything_stored()
    for raw in ("Gonzalez", "555-867-5309", "maria.g@gmail.com"):
        assert raw not in stored  # the places are stored, never what was replaced

    client.post("/auth/logout", data={})
    login(coordinator)
    review = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    panel = review[review.index('id="replaced"'):review.index("</section>", review.index('id="replaced"'))]
    for mark in marks:
        assert f'<mark class="replaced" title="{mark.kind} replaced by the suggested phrase">{mark.text}' in panel


def test_apply_all_keeps_what_the_author_kept_as_not_identifying(client, login, member):
    login(member)
    text = "The victim was moved to Riverside each weekend by Maria Gonzalez."
    findings = client.post("/api/lessons/check", json={"fields": {"what_happened": text}}).get_json()
    riverside = next(f for f in findings["fields"]["what_happened"] if f["text"] == "Riverside")
    decision = {"field": "what_happened", "start": riverside["start"], "end": riverside["end"], "text": "Riverside",
                "reason": "A county of two million people."}
    checked = client.post("/lessons/new", data=lesson_form(what_happened=text, action="check",
                                                           decisions=json.dumps([decision])))
    applied = client.post("/lessons/resolve", data=check_page_form(checked, action="apply_all"))
    shown = PostedForm(applied.get_data(as_text=True)).data["what_happened"][0]
    assert "Riverside" in shown and "Gonzalez" not in shown
    saved = client.post("/lessons/resolve", data=check_page_form(applied, action="draft"))
    assert saved.status_code == 302
    lesson = db.session.scalars(select(Lesson)).one()
    assert [d.text for d in lesson.decisions] == ["Riverside"]
    assert lesson.what_happened[lesson.decisions[0].start:lesson.decisions[0].end] == "Riverside"


def test_replacements_sent_by_the_page_are_stored_only_where_they_anchor(client, login, member):
    login(member)
    text = "The victim met [PERSON] at a clinic in the county."
    start = text.index("[PERSON]")
    good = {"field": "what_happened", "start": start, "end": start + 8, "kind": "PERSON", "how": "redact",
            "text": "[PERSON]"}
    stale = dict(good, start=0, end=8)  # the author edited the text by hand since: it no longer anchors
    response = client.post("/lessons/new", data=lesson_form(what_happened=text,
                                                            replacements=json.dumps([good, stale])))
    assert response.status_code == 302
    (stored,) = db.session.scalars(select(LessonReplacement)).all()
    assert (stored.start, stored.end, stored.kind, stored.how) == (start, start + 8, "PERSON", "redact")


def test_readers_do_not_see_the_reviewers_marks(client, login, member, make_user, make_lesson):
    from taskforce.auth.models import Role
    lesson = make_lesson(author=member, what_happened="The victim met a person at a clinic.")
    db.session.add(LessonReplacement(lesson_id=lesson.id, field="what_happened", start=15, end=23, kind="PERSON",
                                     how="suggest", text="a person", decided_by_id=member.id))
    db.session.commit()
    login(make_user(Role.MEMBER))
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert 'id="replaced"' not in page

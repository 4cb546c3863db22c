"""Attendance (roster and code, replay refused) and the anonymous evaluation: one per attendee, stored
apart from who submitted, results only from five answers, reminders that reveal nobody."""
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, update

from taskforce.auth.models import Role, Sector
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.training import attendance, evaluation, registration, report, seat_ledger, signals
from taskforce.training.models import (EvaluationAnswer, EvaluationReceipt, Registration, RegistrationState as R,
                                       Training)
from tests.conftest import CsrfClient, flashed_text

REACTION = {"relevance": "5", "engagement": "4", "recommend": "5", "confidence_before": "2", "confidence_now": "4",
            "q1": "false", "q2": "true", "q3": "true", "q4": "false", "q5": "false", "comment": "Very practical."}


def _started(training):
    """Move a training so its first session started an hour ago (evaluation opens)."""
    db.session.execute(update(Training).where(Training.id == training.id).values(
        starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=1)))
    db.session.commit()


@pytest.fixture
def attendees(make_training, make_user, make_organization, trainer):
    training = make_training(capacity="10")
    people = [make_user(Role.MEMBER, organization=make_organization(sector=s))
              for s in [Sector.HEALTHCARE, Sector.LAW_ENFORCEMENT] * 3]
    for person in people:
        registration.register(person, training.id)
    _started(training)
    for person in people:
        attendance.check_in(trainer, training.id, person.id)
    return training, people


def test_code_check_in_works_once_and_a_replay_is_refused(app, login, make_training, trainer, make_user):
    training = make_training()
    nurse = make_user(Role.MEMBER)
    registration.register(nurse, training.id)
    code = attendance.issue_code(trainer, training.id).code
    client = CsrfClient(app.test_client())
    login(nurse, the_client=client)
    wrong = client.post(f"/training/{training.id}/attend", data={"code": "ZZZZZZ"})
    assert wrong.status_code == 400 and "not valid" in flashed_text(wrong)
    assert client.post(f"/training/{training.id}/attend", data={"code": code.lower()}).status_code == 302
    assert seat_ledger.my_registration(nurse, training.id).state is R.ATTENDED
    replay = client.post(f"/training/{training.id}/attend", data={"code": code})
    assert replay.status_code == 409


def test_only_hosts_take_attendance(make_training, make_user):
    training = make_training()
    person = make_user(Role.MEMBER)
    registration.register(person, training.id)
    with pytest.raises(Exception) as error:
        attendance.check_in(make_user(Role.TRAINER), training.id, person.id)
    assert error.value.status == 403


def test_evaluation_is_anonymous_one_per_attendee_and_hidden_below_five(app, login, attendees, trainer):
    training, people = attendees
    for index, person in enumerate(people[:4]):
        client = CsrfClient(app.test_client())
        login(person, the_client=client)
        response = client.post(f"/training/{training.id}/evaluate", data=dict(REACTION, stage="reaction"))
        assert response.status_code == 302, flashed_text(response)[:300]
    assert evaluation.results(trainer, training) is None  # four answers: nothing shown
    again = client.post(f"/training/{training.id}/evaluate", data=dict(REACTION, stage="reaction"))
    assert again.status_code == 409
    client = CsrfClient(app.test_client())
    login(people[4], the_client=client)
    client.post(f"/training/{training.id}/evaluate", data=dict(REACTION, stage="reaction"))
    results = evaluation.results(trainer, training)
    assert results["responses"] == 5 and results["confidence_gain"]["mean"] == 2.0
    assert results["quiz_post"]["mean"] == 100
    counts = evaluation.response_counts(trainer, training)["reaction"]
    assert counts == {"eligible": 6, "answered": 5, "not_answered": 1, "open": True}
    # nothing links an answer to a person: no user, registration or time-of-day column, random keys
    columns = {c["name"] for c in inspect(db.engine).get_columns("training_evaluation_answers")}
    assert not columns & {"user_id", "registration_id", "created_at", "submitted_at", "id"}
    assert "submitted_on" in columns
    receipt_columns = {c["name"] for c in inspect(db.engine).get_columns("training_evaluation_receipts")}
    assert receipt_columns == {"training_id", "user_id", "stage"}
    keys = db.session.scalars(select(EvaluationAnswer.key)).all()
    assert len(set(keys)) == 5 and all(len(k) == 32 for k in keys)


def test_a_comment_with_identifying_details_is_refused_and_nothing_is_stored(app, login, attendees):
    training, people = attendees
    client = CsrfClient(app.test_client())
    login(people[0], the_client=client)
    data = dict(REACTION, stage="reaction", comment="Call Maria Gonzalez at 555-123-4567 about it.", relevance="9")
    response = client.post(f"/training/{training.id}/evaluate", data=data)
    page = flashed_text(response)
    assert response.status_code == 400 and "identifying details" in page and "choose 1 to 5" in page
    assert "555-123-4567" in page  # the input is kept for the member to fix
    assert db.session.scalar(select(EvaluationReceipt)) is None and db.session.scalar(select(EvaluationAnswer)) is None


def test_non_attendees_cannot_evaluate(make_training, make_user):
    training = make_training()
    person = make_user(Role.MEMBER)
    registration.register(person, training.id)
    _started(training)
    with pytest.raises(Exception) as error:
        evaluation.submit(person, training.id, "reaction", REACTION)
    assert error.value.status == 403


def test_reminder_goes_to_non_respondents_without_naming_them(attendees, trainer):
    training, people = attendees
    evaluation.submit(people[0], training.id, "reaction", REACTION)
    told = []
    receiver = lambda sender, user_ids=(), **_: told.extend(user_ids)  # noqa: E731
    signals.evaluation_reminder.connect(receiver)
    assert evaluation.remind(trainer, training.id, "reaction") == 5
    signals.evaluation_reminder.disconnect(receiver)
    assert sorted(told) == sorted(p.id for p in people[1:])


def test_report_counts_attendance_by_sector_no_shows_and_exports_csv(app, login, attendees, trainer, make_user):
    training, people = attendees
    for person in people[:5]:
        evaluation.submit(person, training.id, "reaction", REACTION)
    data = report.effectiveness(trainer)
    row = data["trainings"][0]
    assert row["attended"] == 6 and row["by_sector"] == {"healthcare": 3, "law_enforcement": 3} and row["mixed"]
    assert data["mixed_share"] == 100 and row["evaluation"]["reaction"]["mean"] == pytest.approx(4.67, abs=0.01)
    client = CsrfClient(app.test_client())
    login(trainer, the_client=client)
    csv_text = client.get("/training/report.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("training,starts_at_utc") and "yes" in csv_text.splitlines()[1]
    page = client.get("/training/report")
    assert page.status_code == 200 and "data-chart" in page.get_data(as_text=True)
    member_client = CsrfClient(app.test_client())
    login(make_user(Role.MEMBER), the_client=member_client)
    assert member_client.get("/training/report").status_code == 403


def test_a_topic_leaves_out_a_session_too_small_to_show_so_nothing_is_recovered_by_subtraction(
        app, login, attendees, make_training, make_user, make_organization, trainer):
    """Five answers in one session, two in a small one of the same topic: the topic row shows only the big
    session's figures (the small one's would be the topic's minus the big one's), and the page says so."""
    big, people = attendees
    for person in people[:5]:
        evaluation.submit(person, big.id, "reaction", REACTION)
    small = make_training(capacity="10", title="Indicators refresher")
    few = [make_user(Role.MEMBER, organization=make_organization(sector=Sector.HEALTHCARE)) for _ in range(2)]
    for person in few:
        registration.register(person, small.id)
    _started(small)
    for person in few:
        attendance.check_in(trainer, small.id, person.id)
        evaluation.submit(person, small.id, "reaction", {**REACTION, "relevance": "1", "engagement": "1",
                                                         "recommend": "1", "confidence_now": "1"})
    client = CsrfClient(app.test_client())
    login(trainer, the_client=client)
    page = client.get("/training/report").get_data(as_text=True)
    topic_row = page.split("<h2>By topic</h2>")[1].split("</tr>")[1]
    assert ">2</td>" in topic_row  # both sessions count for attendance
    assert "4.67 <" in topic_row and ">2 <" in topic_row  # reaction and confidence gain of the big session alone
    assert "leave out sessions with fewer than 5 answers" in page
    [topic] = report.effectiveness(trainer)["topics"]
    assert topic["evaluation"]["responses"] == 5 and topic["attended"] == 8


def test_answers_carry_no_sequence_or_time_that_lines_them_up_with_the_receipts(app, login, attendees):
    """Submitted through the form: no column of the answers is an integer sequence or a time finer than the
    day, and on SQLite the stored rows lie in random-key order (no rowid in insertion order)."""
    from sqlalchemy import Date, Integer, text
    training, people = attendees
    for person in people[:4]:
        client = CsrfClient(app.test_client())
        login(person, the_client=client)
        assert client.post(f"/training/{training.id}/evaluate",
                           data=dict(REACTION, stage="reaction")).status_code == 302
    table = EvaluationAnswer.__table__
    [key] = table.primary_key.columns
    assert not isinstance(key.type, Integer) and not key.autoincrement is True
    for column in inspect(db.engine).get_columns("training_evaluation_answers"):
        kind = str(column["type"]).upper()
        assert "TIME" not in kind, column["name"]  # a day at most
        assert not (column.get("autoincrement") is True and "INT" in kind), column["name"]
        assert column.get("default") is None or "nextval" not in str(column["default"]), column["name"]
    assert isinstance(table.c.submitted_on.type, Date)
    if db.engine.dialect.name == "sqlite":
        for name in ("training_evaluation_answers", "training_evaluation_receipts"):
            sql = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar()
            assert "WITHOUT ROWID" in sql.upper(), name
        stored = db.session.execute(text("SELECT key FROM training_evaluation_answers")).scalars().all()
        assert stored == sorted(stored)  # the order rows are read in is the random key's, not insertion's

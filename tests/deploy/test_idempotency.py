"""Duplicate submissions create nothing twice (issue 17): a create form's hidden one-time key and a JSON
create's Idempotency-Key header, through served requests — the test client for sequences, a real threaded
server for concurrent replays. Runs on SQLite, and on PostgreSQL when configured."""
import re
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from taskforce.auth.models import Role, Sector
from taskforce.channels.models import Channel
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.idempotency import IdempotencyKey
from taskforce.lessons.models import Lesson
from taskforce.training.models import Training
from tests.channels.multiprocess_helpers import sign_in
from tests.conftest import TEST_PASSWORD, CsrfClient
from tests.directory.conftest import make_service  # noqa: F401  (fixture)
from tests.lessons.conftest import lesson_form
from tests.training.conftest import training_form

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def form_key(client, path: str) -> str:
    """The one-time key the form page rendered, as a browser would send it back."""
    page = client.get(path)
    assert page.status_code == 200
    keys = KEY.findall(page.get_data(as_text=True))
    assert keys, f"{path} renders no submission key"
    return keys[0]


@pytest.fixture
def trainer(make_user, make_organization):
    return make_user(Role.TRAINER, organization=make_organization(sector=Sector.VICTIM_SERVICES_NGO))


def test_a_double_submitted_lesson_form_creates_one_lesson(client, login, member):
    login(member)
    key = form_key(client, "/lessons/new")
    first = client.post("/lessons/new", data=lesson_form(idempotency_key=key))
    second = client.post("/lessons/new", data=lesson_form(idempotency_key=key))
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert count(Lesson) == 1
    assert first.headers["Location"].endswith(f"/lessons/{db.session.scalar(select(Lesson.id))}")
    # The next time the form is shown it carries a new key: a deliberate second lesson is a new one.
    assert form_key(client, "/lessons/new") != key
    client.post("/lessons/new", data=lesson_form(idempotency_key=form_key(client, "/lessons/new")))
    assert count(Lesson) == 2


def test_a_double_submitted_channel_form_creates_one_channel(client, login, coordinator):
    login(coordinator)
    key = form_key(client, "/channels/")
    data = {"name": "Harbor outreach", "kind": "task_force", "idempotency_key": key}
    first, second = client.post("/channels/new", data=data), client.post("/channels/new", data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).where(Channel.name == "Harbor outreach")) == 1


def test_a_double_clicked_log_a_referral_button_counts_one(client, login, make_user, make_organization,
                                                          make_service):
    from taskforce.network.models import Referral
    shelter = make_service(make_organization("Bridge NGO"), "Night Shelter", categories=("emergency_shelter",))
    police = make_user(Role.MEMBER, organization=make_organization("Harbor Police", sector=Sector.LAW_ENFORCEMENT))
    login(police)
    key = form_key(client, f"/directory/services/{shelter.id}")
    for _ in range(2):
        assert client.post(f"/network/log/{shelter.id}", data={"idempotency_key": key}).status_code == 302
    assert db.session.scalar(select(Referral.count)) == 1
    as_json = {"idempotency_key": form_key(client, f"/directory/services/{shelter.id}")}
    first = client.post(f"/network/log/{shelter.id}", data=as_json, headers={"Accept": "application/json"})
    again = client.post(f"/network/log/{shelter.id}", data=as_json, headers={"Accept": "application/json"})
    assert again.get_json() == first.get_json() and first.get_json()["count"] == 2  # the month comes back too
    assert db.session.scalar(select(Referral.count)) == 2


def test_a_failed_submission_does_not_use_up_its_key(client, login, member):
    """A 400 (the form re-shown with its errors) wrote nothing, so the same key may be sent again."""
    login(member)
    key = form_key(client, "/lessons/new")
    refused = client.post("/lessons/new", data=lesson_form(title="", idempotency_key=key))
    assert refused.status_code == 400 and count(Lesson) == 0 and count(IdempotencyKey) == 0
    accepted = client.post("/lessons/new", data=lesson_form(idempotency_key=key))
    assert accepted.status_code == 302 and count(Lesson) == 1


def test_a_json_replay_returns_the_same_id_and_writes_nothing(client, login, trainer):
    login(trainer)
    headers = {"Idempotency-Key": "script-retry-0001-abcdef"}
    first = client.post("/api/trainings", json=training_form(), headers=headers)
    second = client.post("/api/trainings", json=training_form(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json() and "id" in first.get_json()
    assert count(Training) == 1
    assert client.post("/api/trainings", json=training_form()).status_code == 201  # no key: no dedup
    assert count(Training) == 2


def test_the_same_key_from_another_member_is_independent(app, client, login, trainer, make_user, make_organization):
    other = make_user(Role.TRAINER, organization=make_organization(sector=Sector.HEALTHCARE))
    headers = {"Idempotency-Key": "shared-looking-key-123456"}
    login(trainer)
    mine = client.post("/api/trainings", json=training_form(), headers=headers).get_json()
    second_client = CsrfClient(app.test_client())
    login(other, the_client=second_client)
    theirs = second_client.post("/api/trainings", json=training_form(), headers=headers)
    assert theirs.status_code == 201 and theirs.get_json()["id"] != mine["id"]
    assert count(Training) == 2


def test_keys_expire_after_a_day(client, login, trainer):
    login(trainer)
    headers = {"Idempotency-Key": "yesterdays-key-abcdef-01"}
    first = client.post("/api/trainings", json=training_form(), headers=headers).get_json()
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    again = client.post("/api/trainings", json=training_form(), headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] != first["id"]
    assert count(Training) == 2 and count(IdempotencyKey) == 1  # the expired claim was replaced


def test_a_key_is_stored_without_user_text_and_malformed_keys_are_refused(client, login, member):
    login(member)
    key = form_key(client, "/lessons/new")
    client.post("/lessons/new", data=lesson_form(idempotency_key=key))
    row = db.session.scalar(select(IdempotencyKey))
    stored = " ".join(str(getattr(row, c.key)) for c in IdempotencyKey.__table__.columns)
    assert key not in stored and "documents" not in stored.lower() and "Ask about" not in stored
    assert row.location.startswith("/lessons/") and row.body is None
    bad = client.post("/lessons/new", data=lesson_form(idempotency_key="short<script>"))
    assert bad.status_code == 400 and count(Lesson) == 1


def test_concurrent_replays_create_exactly_one_row(live_server, trainer):
    """Eight copies of one JSON create, sent at once to the threaded server: one training, one id for all."""
    cookie = sign_in(live_server.url, trainer.email, TEST_PASSWORD)
    with requests.Session() as http:
        http.cookies.set("taskforce_session", cookie)
        token = http.get(live_server.url + "/api/session", timeout=30).json()["csrf_token"]
    headers = {"Idempotency-Key": "concurrent-replay-key-0001", "X-CSRFToken": token}
    start, answers = threading.Barrier(8), []

    def send():
        start.wait(timeout=30)
        answers.append(requests.post(live_server.url + "/api/trainings", json=training_form(), headers=headers,
                                     cookies={"taskforce_session": cookie}, timeout=60))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert [a.status_code for a in answers] == [201] * 8, [a.text[:200] for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 7
    assert count(Training) == 1


def test_concurrent_double_submits_of_a_form_create_one_lesson(live_server, member):
    cookie = sign_in(live_server.url, member.email, TEST_PASSWORD)
    with requests.Session() as http:
        http.cookies.set("taskforce_session", cookie)
        page = http.get(live_server.url + "/lessons/new", timeout=30).text
    key = KEY.findall(page)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    start, answers = threading.Barrier(4), []

    def send():
        start.wait(timeout=30)
        answers.append(requests.post(live_server.url + "/lessons/new", timeout=60, allow_redirects=False,
                                     data=lesson_form(idempotency_key=key, csrf_token=token),
                                     cookies={"taskforce_session": cookie}))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert [a.status_code for a in answers] == [302] * 4, [a.text[:200] for a in answers]
    assert len({a.headers["Location"] for a in answers}) == 1
    assert count(Lesson) == 1

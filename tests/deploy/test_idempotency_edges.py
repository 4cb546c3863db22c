"""The fragile edges of idempotency keys (issue 17), through a real threaded server: a duplicate that arrives
while the first submission still runs is answered at once (not queued on SQLite's write lock), and a view that
committed and then failed leaves a key that answers "already saved" instead of "still processing" for a day,
without ever creating the training twice. Runs on SQLite, and on PostgreSQL when configured."""
import hashlib
import re
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from taskforce.auth.models import Role, Sector
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.idempotency import IdempotencyKey
from taskforce.training import scheduling
from taskforce.training.models import Training
from tests.channels.multiprocess_helpers import sign_in
from tests.conftest import TEST_PASSWORD
from tests.training.conftest import training_form

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
COOKIE = "taskforce_session"


def trainings() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Training))


@pytest.fixture
def trainer(make_user, make_organization):
    return make_user(Role.TRAINER, organization=make_organization(sector=Sector.VICTIM_SERVICES_NGO))


@pytest.fixture
def browser(live_server, trainer):
    """The trainer's signed-in session on the served app, with the schedule form's key and CSRF token."""
    http = requests.Session()
    http.cookies.set(COOKIE, sign_in(live_server.url, trainer.email, TEST_PASSWORD))
    page = http.get(live_server.url + "/training/new", timeout=30).text
    http.form = training_form(idempotency_key=KEY.findall(page)[0], csrf_token=CSRF.search(page).group(1))
    yield http
    http.close()


@pytest.fixture
def held_schedule(monkeypatch):
    """`scheduling.create_training` that stops at its start until the test lets it go (a slow first request)."""
    entered, release, real = threading.Event(), threading.Event(), scheduling.create_training

    def slow(actor, data):
        entered.set()
        assert release.wait(timeout=60), "the test never let the first request go"
        return real(actor, data)
    monkeypatch.setattr(scheduling, "create_training", slow)
    yield entered, release
    release.set()


def test_a_double_click_while_the_first_submission_runs_is_answered_at_once(app, live_server, browser,
                                                                            held_schedule):
    """The second click gets a clear 409 while the first request is still inside its transaction (on SQLite it
    used to queue on the write lock and fail with a 503); once the first is done, the same key replays it."""
    app.config["IDEMPOTENCY_DUPLICATE_WAIT"] = 0.3
    entered, release = held_schedule
    first = {}
    sender = threading.Thread(target=lambda: first.update(answer=browser.post(
        live_server.url + "/training/new", data=browser.form, allow_redirects=False, timeout=90)))
    sender.start()
    assert entered.wait(timeout=30)
    second = browser.post(live_server.url + "/training/new", data=browser.form, allow_redirects=False, timeout=30)
    still_running = not release.is_set() and sender.is_alive()
    release.set()
    sender.join(timeout=90)
    assert still_running
    assert second.status_code == 409, second.text[:300]
    assert "still being processed" in second.text and "Reload the page in a moment" in second.text
    assert first["answer"].status_code == 302
    third = browser.post(live_server.url + "/training/new", data=browser.form, allow_redirects=False, timeout=30)
    assert third.status_code == 302 and third.headers["Location"] == first["answer"].headers["Location"]
    assert third.headers.get("Idempotent-Replayed") == "true"
    assert trainings() == 1


def test_a_view_that_committed_then_failed_answers_already_saved_and_never_runs_again(live_server, browser,
                                                                                    monkeypatch):
    real = scheduling.create_training

    def saves_then_fails(actor, data):
        real(actor, data)  # committed: the training exists
        raise RuntimeError("failure after the commit (a template, a notification…)")
    monkeypatch.setattr(scheduling, "create_training", saves_then_fails)
    key = {"Idempotency-Key": "commit-then-raise-key-0001", "X-CSRFToken": browser.form["csrf_token"]}
    failed = browser.post(live_server.url + "/api/trainings", json=training_form(), headers=key, timeout=30)
    assert failed.status_code == 500 and trainings() == 1
    monkeypatch.setattr(scheduling, "create_training", real)  # the bug is fixed; the member retries
    for _ in range(2):
        retry = browser.post(live_server.url + "/api/trainings", json=training_form(), headers=key, timeout=30)
        assert retry.status_code == 409, retry.text[:300]
        assert "already saved" in retry.json()["error"] and "Nothing was saved twice" in retry.json()["error"]
    form = browser.post(live_server.url + "/training/new", data=browser.form, allow_redirects=False, timeout=30)
    assert form.status_code == 302  # the page's own key is another one: a new submission works as ever
    assert trainings() == 2


def test_a_claim_a_crashed_process_left_without_an_answer_answers_already_saved(app, client, login, trainer):
    """A process that died between its commit and recording the answer leaves a claim with no status; once it
    is older than any request may run, a retry hears "already saved" instead of waiting and a 409 for a day."""
    key = "crashed-process-key-00001"
    db.session.add(IdempotencyKey(user_id=trainer.id, key_hash=hashlib.sha256(key.encode()).hexdigest(),
                                  endpoint="training_api.create", created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    login(trainer)
    retry = client.post("/api/trainings", json=training_form(), headers={"Idempotency-Key": key})
    assert retry.status_code == 409 and "already saved" in retry.get_json()["error"]
    assert trainings() == 0

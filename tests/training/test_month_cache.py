"""The month view's cache (training/month.py) seen through served pages: the next request after a write
shows it, one audience's trainings never reach another's, and readers racing a writer see whole states."""
import re
import threading
from datetime import datetime, timedelta, timezone

import requests

from taskforce.auth.models import Role, Sector
from taskforce.training import registration, scheduling
from tests.conftest import TEST_PASSWORD, CsrfClient
from tests.training.conftest import training_form

TITLE = re.compile(r'<span class="session-title">([^<]*)</span>')
CAPTION = re.compile(r", (\d+) sessions</caption>")


def month_of(training) -> str:
    return training.starts_at.astimezone(timezone.utc).strftime("%Y-%m")


def titles(client, month: str) -> list[str]:
    response = client.get(f"/training/month?month={month}")
    assert response.status_code == 200
    return TITLE.findall(response.get_data(as_text=True))


def session_meta(client, month: str, title: str) -> str:
    page = client.get(f"/training/month?month={month}").get_data(as_text=True)
    found = re.search(rf'<span class="session-title">{re.escape(title)}</span> <span class="session-meta">([^<]*)</span>', page)
    assert found, f"{title} is not on the month page"
    return found.group(1)


def test_a_new_changed_or_cancelled_training_is_on_the_next_month_view(client, login, trainer, make_user, make_training):
    viewer = make_user(Role.MEMBER)
    first = make_training(title="Indicators for first responders")
    month = month_of(first)
    login(viewer)
    assert titles(client, month) == ["Indicators for first responders"]  # the month is cached now

    make_training(title="Interviewing minors", starts_at=training_form()["starts_at"].replace("T09", "T14"),
                  ends_at=training_form()["ends_at"].replace("T12", "T16"))
    assert sorted(titles(client, month)) == ["Indicators for first responders", "Interviewing minors"]

    scheduling.update_training(trainer, first.id, training_form(title="Indicators, revised"))
    assert "Indicators, revised" in titles(client, month)
    assert "Indicators for first responders" not in titles(client, month)

    assert session_meta(client, month, "Interviewing minors") == "20 seats left"
    registration.register(make_user(Role.MEMBER), first.id)
    assert session_meta(client, month, "Indicators, revised") == "19 seats left"

    scheduling.cancel_training(trainer, first.id)
    assert session_meta(client, month, "Indicators, revised") == "Cancelled"


def test_a_sector_only_training_never_reaches_another_sector_after_it_warmed_the_cache(app, client, login, make_user,
                                                                                        make_organization, make_training):
    hospital_trainer = make_user(Role.TRAINER, organization=make_organization(sector=Sector.HEALTHCARE))
    nurse = make_user(Role.MEMBER, organization=make_organization(sector=Sector.HEALTHCARE))
    police = make_organization(sector=Sector.LAW_ENFORCEMENT)
    officer, colleague = make_user(Role.MEMBER, organization=police), make_user(Role.MEMBER, organization=police)
    for_nurses = make_training(hospital_trainer, title="Trauma-informed care in the ER", audience="healthcare",
                               format="hybrid", link="https://meet.example.test/er-secret")
    for_all = make_training(title="Joint referral exercise", starts_at=training_form()["starts_at"].replace("T09", "T14"),
                            ends_at=training_form()["ends_at"].replace("T12", "T16"))
    registration.register(officer, for_all.id)
    month = month_of(for_nurses)

    login(nurse)
    assert sorted(titles(client, month)) == ["Joint referral exercise", "Trauma-informed care in the ER"]

    for person in (officer, colleague):
        other = CsrfClient(app.test_client())
        login(person, the_client=other)
        page = other.get(f"/training/month?month={month}").get_data(as_text=True)
        assert TITLE.findall(page) == ["Joint referral exercise"]
        assert "Trauma-informed" not in page and "er-secret" not in page
        registered = "You are registered" in session_meta(other, month, "Joint referral exercise")
        assert registered is (person is officer)  # one member's own state never reaches a colleague


def test_readers_racing_a_writer_see_whole_states_and_the_last_one(live_server, make_user, make_organization):
    """Four readers load the month view while a trainer schedules five trainings one after another over
    HTTP: every page shows a prefix of them (commits are ordered), as many sessions as its caption says,
    never fewer than the reader's previous page, and all five once the writer is done."""
    trainer = make_user(Role.TRAINER, organization=make_organization(sector=Sector.VICTIM_SERVICES_NGO))
    readers = [make_user(Role.MEMBER, organization=make_organization(sector=sector))
               for sector in (Sector.HEALTHCARE, Sector.LAW_ENFORCEMENT)] * 2
    first = (datetime.now(timezone.utc).replace(day=1) + timedelta(days=70)).replace(day=1)
    month = first.strftime("%Y-%m")
    wanted = [f"Concurrent training {n:02}" for n in range(1, 6)]
    done, problems = threading.Event(), []

    def signed_in(user) -> requests.Session:
        session = requests.Session()
        token = session.get(f"{live_server.url}/api/session", timeout=30).json()["csrf_token"]
        response = session.post(f"{live_server.url}/auth/login", data={"email": user.email, "password": TEST_PASSWORD,
                                "csrf_token": token}, allow_redirects=False, timeout=30)
        assert response.status_code == 302
        return session

    def page(session) -> list[str]:
        html = session.get(f"{live_server.url}/training/month?month={month}", timeout=30).text
        shown = TITLE.findall(html)
        if CAPTION.search(html) is None or int(CAPTION.search(html).group(1)) != len(shown):
            problems.append(f"caption and sessions disagree: {CAPTION.search(html)} vs {shown}")
        return shown

    def read(session) -> None:
        try:
            seen = 0
            while True:
                finished = done.is_set()
                shown = page(session)
                if shown != wanted[:len(shown)]:
                    problems.append(f"not a committed state: {shown}")
                if len(shown) < seen:
                    problems.append(f"went back from {seen} to {len(shown)}")
                seen = len(shown)
                if finished:
                    if shown != wanted:
                        problems.append(f"the last page missed writes: {shown}")
                    return
        except Exception as error:  # noqa: BLE001 (reported below, with the thread's failure)
            problems.append(repr(error))

    sessions = [signed_in(user) for user in readers]
    writer = signed_in(trainer)
    threads = [threading.Thread(target=read, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    try:
        token = writer.get(f"{live_server.url}/api/session", timeout=30).json()["csrf_token"]
        for day, title in enumerate(wanted, start=1):
            start = first.replace(day=day, hour=10).strftime("%Y-%m-%dT%H:%M")
            body = training_form(title=title, tz="UTC", starts_at=start, ends_at=start.replace("T10", "T12"))
            response = writer.post(f"{live_server.url}/api/trainings", json=body, headers={"X-CSRFToken": token},
                                   timeout=30)
            assert response.status_code == 201, response.text
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not problems, problems[:5]

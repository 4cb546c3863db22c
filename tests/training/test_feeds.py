"""Calendar feeds through served requests: validators, our own lint, expansion across DST in two zones,
what the public feed leaves out, the member's secret feed and its revocation."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject

from taskforce.auth.models import Role, Sector
from taskforce.extensions import db
from taskforce.training import feeds, ics, registration, scheduling, services
from tests.training.conftest import training_form


def _validate(body: bytes) -> None:
    assert body.count(b"\r\n") > 5 and b"\n" not in body.replace(b"\r\n", b"")
    parsed = vobject.readOne(body.decode(), validate=True)
    assert parsed.name == "VCALENDAR"
    assert ics.lint(body) == [], ics.lint(body)


def _series(trainer, tz, start, end, **extra):
    return scheduling.create_training(trainer, training_form(tz=tz, starts_at=start, ends_at=end, repeat="weekly",
                                                             repeat_count="6", **extra))


def test_public_feed_lints_clean_and_expands_across_dst_in_two_zones(client, trainer):
    ny = _series(trainer, "America/New_York", "2027-03-02T09:00", "2027-03-02T11:00", title="NY weekly")
    berlin = _series(trainer, "Europe/Berlin", "2027-03-16T09:00", "2027-03-16T10:30", title="Berlin weekly")
    sessions = services.occurrences_of(ny)
    scheduling.change_occurrence(trainer, ny.id, sessions[1].recurrence_id.isoformat(), "skipped")
    scheduling.change_occurrence(trainer, ny.id, sessions[2].recurrence_id.isoformat(), "moved",
                                 "2027-03-17T15:00", "2027-03-17T17:00")
    scheduling.change_occurrence(trainer, ny.id, sessions[3].recurrence_id.isoformat(), "cancelled")
    response = client.get("/training/feed.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.data
    _validate(body)
    text = body.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text and "X-PUBLISHED-TTL:PT60M" in text
    assert text.count("BEGIN:VTIMEZONE") == 2
    assert "EXDATE;TZID=America/New_York:20270309T090000" in text
    assert "RECURRENCE-ID;TZID=America/New_York:20270316T090000" in text
    calendar = icalendar.Calendar.from_ical(body)
    expanded = recurring_ical_events.of(calendar).between(date(2027, 3, 1), date(2027, 5, 1))
    by_title = {}
    for event in expanded:
        by_title.setdefault(str(event["SUMMARY"]), []).append(event)
    ny_events = sorted(by_title["NY weekly"], key=lambda e: e["DTSTART"].dt)
    # 6 sessions, one skipped: 5 left, the cancelled one still listed as CANCELLED
    assert len(ny_events) == 5
    ny_zone, berlin_zone = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
    utc_hours = [e["DTSTART"].dt.astimezone(timezone.utc).hour for e in ny_events if str(e.get("STATUS")) != "CANCELLED"]
    assert utc_hours[0] == 14 and utc_hours[-1] == 13  # US DST starts 2027-03-14
    local_hours = {e["DTSTART"].dt.astimezone(ny_zone).hour for e in ny_events}
    assert local_hours == {9, 15}  # the moved one at 15:00
    assert [str(e.get("STATUS")) for e in ny_events].count("CANCELLED") == 1
    berlin_events = sorted(by_title["Berlin weekly"], key=lambda e: e["DTSTART"].dt)
    assert len(berlin_events) == 6
    assert {e["DTSTART"].dt.astimezone(berlin_zone).hour for e in berlin_events} == {9}
    assert [e["DTSTART"].dt.astimezone(timezone.utc).hour for e in berlin_events][:3] == [8, 8, 7]  # EU DST 2027-03-28


def test_sequence_grows_and_a_cancelled_training_says_so(client, trainer, make_training):
    training = make_training(title="Cancel me")
    scheduling.cancel_training(trainer, training.id)
    text = client.get("/training/feed.ics").data.decode()
    assert "STATUS:CANCELLED" in text and "SEQUENCE:1" in text
    assert f"UID:{training.uid}" in text


def test_public_feed_leaves_out_links_and_sector_only_trainings(client, make_training):
    make_training(title="Open to all", format="hybrid", link="https://meet.example.org/hidden-room")
    make_training(title="Only for clinics", audience="healthcare")
    text = client.get("/training/feed.ics").data.decode().replace("\r\n ", "")
    assert "Open to all" in text and "hidden-room" not in text and "Only for clinics" not in text


def test_organization_feed_holds_what_it_hosts_or_co_hosts(client, trainer, make_training, make_organization):
    partner = make_organization(sector=Sector.HEALTHCARE)
    make_training(title="Co-hosted one", co_hosts=[str(partner.id)])
    other_trainer_org = make_organization()
    text = client.get(f"/training/organizations/{partner.id}/feed.ics").data.decode()
    assert "Co-hosted one" in text
    assert "Co-hosted one" not in client.get(f"/training/organizations/{other_trainer_org.id}/feed.ics").data.decode()


def test_member_feed_is_secret_revocable_and_has_the_link_once_seated(client, login, make_training, member):
    training = make_training(title="My hybrid", format="hybrid", link="https://meet.example.org/room-42")
    make_training(title="Not mine")
    registration.register(member, training.id)
    login(member)
    assert "Create my calendar link" in client.get("/training/mine").get_data(as_text=True)
    client.post("/training/feed-link", data={"action": "create"})
    secret = feeds.existing_feed_secret(member)
    page = client.get("/training/mine").get_data(as_text=True)
    assert f"/training/feeds/{secret}.ics" in page
    body = client.get(f"/training/feeds/{secret}.ics").data
    _validate(body)
    unfolded = body.replace(b"\r\n ", b"")
    assert b"My hybrid" in unfolded and b"room-42" in unfolded and b"Not mine" not in unfolded
    forged = secret.split(".")[0] + "." + "0" * 32
    assert client.get(f"/training/feeds/{forged}.ics").status_code == 404
    client.post("/training/feed-link", data={"action": "revoke"})
    assert client.get(f"/training/feeds/{secret}.ics").status_code == 404


def test_lint_catches_what_validators_miss():
    good = ics.FeedTraining(uid="a@t", title="x", starts_at=datetime(2026, 1, 6, 14, tzinfo=timezone.utc),
                            ends_at=datetime(2026, 1, 6, 15, tzinfo=timezone.utc), tz="America/New_York", sequence=0,
                            last_modified=datetime(2026, 1, 1, tzinfo=timezone.utc),
                            created=datetime(2026, 1, 1, tzinfo=timezone.utc), rrule="FREQ=WEEKLY;COUNT=3",
                            exdates=(datetime(2026, 1, 13, 14, tzinfo=timezone.utc),))
    block = ics.events(good)
    feed = ics.calendar("t", [block, block], {"America/New_York": (2026, 2026)})
    assert any("duplicate UID" in p for p in ics.lint(feed))
    bad_exdate = block.replace(b"EXDATE;TZID=America/New_York:20260113T090000", b"EXDATE:20260113T140000Z")
    assert any("EXDATE" in p for p in ics.lint(ics.calendar("t", [bad_exdate], {"America/New_York": (2026, 2026)})))
    local_stamp = block.replace(b"DTSTAMP:20260101T000000Z", b"DTSTAMP:20260101T000000")
    assert any("DTSTAMP" in p for p in ics.lint(ics.calendar("t", [local_stamp], {"America/New_York": (2026, 2026)})))
    assert any("no VTIMEZONE" in p for p in ics.lint(ics.calendar("t", [block], {})))


def test_feed_is_the_same_from_many_threads(app, client, make_training):
    """The event cache is shared by request threads: concurrent feeds are byte-identical."""
    from concurrent.futures import ThreadPoolExecutor
    for index in range(5):
        make_training(title=f"Threaded {index}", repeat="monthly", repeat_count="3")
    db.session.commit()

    def fetch(_):
        with app.app_context():
            return feeds.public_feed("http://x/")
    alone = fetch(0)
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(fetch, range(24)))
    assert all(body == alone for body in together)

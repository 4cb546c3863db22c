"""Demo trainings: 34 joint trainings over the past six and the next six months — several weekly or monthly
series, some full with a waitlist (and one open offer), many co-hosted across sectors — with attendance
and anonymous evaluations on the past ones, so every calendar view and the effectiveness report has data.

Deterministic for the rng handed in; every title and place is invented. Rows are built directly (one
transaction, the caller commits), through the same pure rules the services use (timing, seats).
"""
import secrets
import uuid
from datetime import timedelta

from taskforce.auth.models import Role
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.training import seat_ledger, seats, signals, timing
from taskforce.training.models import (EvaluationAnswer, EvaluationReceipt, Format, Registration,
                                       RegistrationState as R, SeatReservation, Training, TrainingCoHost,
                                       TrainingTopic, WaitlistEntry)

TITLES = [
    ("Recognizing labor trafficking on farms and in factories", ["labor-trafficking", "indicators"], False),
    ("TVPA and the Palermo Protocol for first responders", ["legal-framework", "definitions"], False),
    ("Trauma-informed care in the emergency department", ["victim-centred", "indicators"], False),
    ("Interviewing survivors with interpreters", ["interviewing", "victim-centred"], True),
    ("Online recruitment and sextortion: what to look for", ["online-exploitation", "indicators"], False),
    ("Minors in commercial sex: screening and safe referral", ["minors", "interagency-referral"], False),
    ("Building a case that does not rely on the victim's testimony", ["evidence-prosecution"], False),
    ("Joint tabletop: a raid at a nail salon", ["interagency-referral", "labor-trafficking"], True),
    ("Who to call at 2 a.m.: the task force referral pathway", ["interagency-referral"], False),
    ("Debt bondage and document control", ["labor-trafficking", "indicators"], False),
    ("Smuggling or trafficking? Definitions in practice", ["definitions", "legal-framework"], False),
    ("Victim-centred approaches for patrol officers", ["victim-centred"], False),
    ("Forensic interviews with children", ["minors", "interviewing"], True),
    ("Digital evidence from phones and apps", ["online-exploitation", "evidence-prosecution"], False),
    ("Screening tools for social workers", ["indicators", "interagency-referral"], False),
    ("T-visas and continued presence: what partners need to know", ["legal-framework"], False),
    ("Role-play: the first conversation at the clinic", ["victim-centred", "interviewing"], True),
    ("Restaurant and hospitality labor exploitation", ["labor-trafficking"], False),
]
PLACES = ["County Training Center, Room 2, Riverside", "St. Brigid Medical Center, Conference Hall B",
          "Harbor City Police Academy, Classroom 4", "Safe Passage office, Community Room", "Civic Center Annex, Room 110"]
ZONES = ["America/Los_Angeles"] * 4 + ["America/New_York", "America/Chicago"]
COMMENTS = ["Very practical; the case examples helped.", "More time for the role-play next time, please.",
            "Good to meet the clinic and police staff in one room.", "The referral flowchart is what I needed.",
            "", "", "Slides could be shared earlier."]
BARRIERS = ["No interpreter was available that night.", "Hard to reach the shelter after hours.", "", ""]


def _local_start(now, days, hour, tz):
    local = timing.to_local(now + timedelta(days=days), tz).replace(hour=hour, minute=0, second=0, microsecond=0)
    return timing.to_utc(local, tz)


def _answer(rng, training, stage, on):
    answer = EvaluationAnswer(key=secrets.token_hex(16), training_id=training.id, stage=stage, submitted_on=on)
    if stage == "pre_quiz":
        answer.quiz_pre = rng.choice([40, 60, 60, 80])
    elif stage == "reaction":
        before = rng.randint(1, 3)
        answer.relevance, answer.engagement, answer.recommend = rng.randint(3, 5), rng.randint(3, 5), rng.randint(3, 5)
        answer.confidence_before, answer.confidence_now = before, min(5, before + rng.randint(0, 3))
        answer.quiz_post, answer.comment = rng.choice([60, 80, 80, 100]), rng.choice(COMMENTS)
    else:
        answer.used_in_case, answer.barriers = rng.random() < 0.55, rng.choice(BARRIERS)
    return answer


def seed(rng, context: dict) -> dict:
    """Add the demo trainings to the session (the caller commits)."""
    users = [u for u in context["users"] if u.active]
    hosts = [u for u in users if u.role in (Role.TRAINER, Role.COORDINATOR)]
    by_email = {u.email: u for u in users}
    fixed_trainer = by_email.get("trainer@taskforce.demo", hosts[0])
    fixed_member = by_email.get("member@taskforce.demo", users[0])
    organizations = context["organizations"]
    now = utcnow()
    trainings = []
    for index in range(34):
        title, slugs, exercise = TITLES[index % len(TITLES)]
        if index >= len(TITLES):
            title = f"{title} (repeat session)"
        host = fixed_trainer if index % 5 == 0 else rng.choice(hosts)
        tz = timing.zone(ZONES[index % len(ZONES)])
        days = -180 + index * 11 + rng.randint(0, 5)
        start = _local_start(now, days, rng.choice([9, 10, 13]), tz)
        end = start + timedelta(hours=rng.choice([2, 3, 6]))
        rule = None
        if index % 6 == 2:
            rule = timing.clean_rrule("FREQ=WEEKLY;COUNT=4", timing.to_local(start, tz), tz)
        elif index % 9 == 4:
            rule = timing.clean_rrule("FREQ=MONTHLY;COUNT=3", timing.to_local(start, tz), tz)
        fmt = [Format.IN_PERSON, Format.IN_PERSON, Format.HYBRID, Format.VIRTUAL][index % 4]
        capacity = rng.choice([8, 10, 12, 16, 20])
        training = Training(
            uid=str(uuid.UUID(int=rng.getrandbits(128))) + "@taskforce", title=title,
            description="A joint session for partners across sectors. Bring a recent (anonymized) example to discuss.",
            host_organization_id=host.organization_id, created_by_id=host.id, format=fmt, is_exercise=exercise,
            place=rng.choice(PLACES) if fmt is not Format.VIRTUAL else "",
            link=f"https://meet.example.org/taskforce-{index:02d}" if fmt is not Format.IN_PERSON else "",
            starts_at=start, ends_at=end, tz=tz.key, rrule=rule, capacity=capacity, reservation_release_days=7,
            offer_hours=48, materials="https://example.org/materials/slides.pdf" if index % 3 == 0 else "",
            sequence=0, created_at=start - timedelta(days=40), updated_at=start - timedelta(days=40))
        training.series_ends_at = max(o.ends_at for o in timing.occurrences(start, end, tz.key, rule))
        training.topic_tags = [TrainingTopic(topic=s) for s in slugs]
        partners = [o for o in organizations if o.sector != host.organization.sector]
        if index % 2 == 0 and partners:
            training.co_hosts = [TrainingCoHost(organization_id=rng.choice(partners).id)]
        if index % 4 == 1:
            training.reservations = [SeatReservation(sector="healthcare", seats=min(3, capacity // 3))]
        db.session.add(training)
        trainings.append(training)
    db.session.flush()
    for index, training in enumerate(trainings):
        _registrations(rng, training, index, users, fixed_member, now)
    context["trainings"] = trainings
    return context


def _registrations(rng, training, index, users, fixed_member, now):
    past = training.series_ends_at < now
    full = index % 7 == 3 or index in (29, 31)
    wanted = training.capacity + (rng.randint(2, 5) if full else -rng.randint(1, max(1, training.capacity // 2)))
    people = rng.sample([u for u in users if u.id != training.created_by_id], min(wanted, len(users) - 1))
    if not past and index % 8 == 1 and fixed_member not in people:
        people.insert(0, fixed_member)
    plan = seats.SeatPlan(training.capacity, training.reserved, released=past)
    held: dict[str, int] = {}
    waiting = []
    for person in people:
        sector = person.organization.sector.value
        reg = Registration(training_id=training.id, user_id=person.id, registered_by_id=person.id, sector=sector,
                           created_at=training.created_at + timedelta(days=1), updated_at=training.created_at)
        if seats.seats_for(plan, held, sector) > 0:
            held[sector] = held.get(sector, 0) + 1
            reg.state = R.CONFIRMED
            if past:
                reg.state = R.ATTENDED if rng.random() < 0.85 else R.NO_SHOW
                reg.checked_in_at = training.starts_at if reg.state is R.ATTENDED else None
        elif past:
            continue
        else:
            entry = WaitlistEntry(training_id=training.id, requested_by_id=person.id, seats=1)
            db.session.add(entry)
            db.session.flush()
            reg.state, reg.waitlist_entry_id = R.WAITLISTED, entry.id
            waiting.append(reg)
        db.session.add(reg)
    if waiting and index % 2 == 1:  # one open offer: someone cancelled yesterday
        waiting[0].state, waiting[0].offer_expires_at = R.OFFERED, now + timedelta(hours=30)
    if past:
        _evaluations(rng, training, now)


def _evaluations(rng, training, now):
    db.session.flush()
    attendees = list(db.session.scalars(db.select(Registration).where(
        Registration.training_id == training.id, Registration.state == R.ATTENDED).order_by(Registration.id)))
    day = training.series_ends_at.date()
    for stage, share, when in (("pre_quiz", 0.8, training.starts_at.date()), ("reaction", 0.75, day),
                               ("follow_up", 0.5, (training.series_ends_at + timedelta(days=95)).date())):
        if stage == "follow_up" and training.series_ends_at + timedelta(days=90) > now:
            continue
        answering = [r for r in attendees if rng.random() < share]
        for registration in answering:
            db.session.add(EvaluationReceipt(training_id=training.id, user_id=registration.user_id, stage=stage))
        for _ in sorted(answering, key=lambda _r: rng.random()):
            db.session.add(_answer(rng, training, stage, when))


def after_commit(context: dict) -> None:
    """Once the demo is stored, its trainings get their channels the way scheduled ones do: through the
    domain's own signal, which the channels domain listens to (the demo must not import channels)."""
    for training in context.get("trainings", ()):
        signals.registration_changed.send(training, user_ids=seat_ledger.registrant_ids(training.id),
                                          members=lambda t=training: seat_ledger.channel_member_ids(t))

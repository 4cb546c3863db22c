"""Training calendar at 2,000 trainings (a fifth of them weekly series): feed generation and the month view.

1. Public feed (`/training/feed.ics` body, `feeds.public_feed`) built in-process: cold (event cache empty)
   and warm (the steady state of a running server: only changed trainings are re-serialized), median of
   `--repeats` builds — target < 300 ms; the feed is linted (ics.lint) once.
2. The month view `/training/month?month=…` and `GET /api/trainings?start=&end=` (one month) through the
   real HTTP path, signed in, 4 threads, against a bare Flask endpoint served the same way, measured in
   `--rounds` rounds of (bare, app) back to back; the ratio is the median of the rounds' ratios (target ≥ 0.3×).

    .venv/bin/python bench/training.py [--trainings 2000] [--backends sqlite,postgresql] [--seconds 3] [--rounds 3]
"""
import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from directory import PASSWORD, compare, database_for  # noqa: E402
from harness import bare_flask_app, machine_note, print_table, served, temp_app  # noqa: E402

ZONES = ("America/Los_Angeles", "America/New_York", "America/Chicago", "Europe/Berlin")


def generate(app, count: int, rng: random.Random) -> None:
    from taskforce.auth.models import Organization, Role, Sector, User
    from taskforce.auth.passwords import hash_password
    from taskforce.dbtypes import utcnow
    from taskforce.extensions import db
    from taskforce.training import timing
    from taskforce.training.models import (ChangeKind, Format, OccurrenceChange, Registration, RegistrationState,
                                           Training, TrainingTopic)
    with app.app_context():
        orgs = [Organization(name=f"Bench partner {i}", sector=list(Sector)[i % 7]) for i in range(20)]
        db.session.add_all(orgs)
        db.session.flush()
        users = [User(email="bench@example.test", display_name="Bench Member", organization_id=orgs[0].id,
                      role=Role.TRAINER, password_hash=hash_password(PASSWORD))]
        users += [User(email=f"m{i}@example.test", display_name=f"Member {i}", organization_id=orgs[i % 20].id,
                       password_hash=users[0].password_hash) for i in range(60)]
        db.session.add_all(users)
        db.session.flush()
        now = utcnow()
        for index in range(count):
            tz = timing.zone(ZONES[index % len(ZONES)])
            local = timing.to_local(now + timedelta(days=rng.randint(-180, 180)), tz).replace(
                hour=rng.choice([9, 10, 13, 15]), minute=0, second=0, microsecond=0)
            start = timing.to_utc(local, tz)
            end = start + timedelta(hours=2)
            rule = timing.clean_rrule(f"FREQ=WEEKLY;COUNT={rng.randint(4, 10)}", local, tz) if index % 5 == 0 else None
            training = Training(uid=f"{uuid.UUID(int=rng.getrandbits(128))}@bench", title=f"Joint training {index}",
                                description="Indicators, referral and a scenario exercise.", host_organization_id=orgs[index % 20].id,
                                created_by_id=users[0].id, format=list(Format)[index % 3], place="Training center",
                                starts_at=start, ends_at=end, tz=tz.key, rrule=rule, capacity=20, sequence=index % 3,
                                created_at=now - timedelta(days=200), updated_at=now - timedelta(days=1))
            sessions = timing.occurrences(start, end, tz.key, rule)
            if rule and index % 10 == 0:
                training.changes = [OccurrenceChange(recurrence_id=sessions[1].recurrence_id, kind=ChangeKind.SKIPPED),
                                    OccurrenceChange(recurrence_id=sessions[2].recurrence_id, kind=ChangeKind.CANCELLED)]
            training.series_ends_at = sessions[-1].ends_at
            training.topic_tags = [TrainingTopic(topic=rng.choice(["indicators", "minors", "interviewing"]))]
            db.session.add(training)
            if index % 3 == 0:
                db.session.flush()
                for user in rng.sample(users[1:], 5):
                    db.session.add(Registration(training_id=training.id, user_id=user.id, registered_by_id=user.id,
                                                sector=user.organization.sector.value, state=RegistrationState.CONFIRMED))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")


def feed_times(app, repeats: int) -> dict:
    from taskforce.training import cache, feeds, ics
    with app.app_context():
        cold = []
        for _ in range(repeats):
            cache.events.clear()
            ics.vtimezone.cache_clear()
            started = time.perf_counter()
            body = feeds.public_feed("http://bench/")
            cold.append(time.perf_counter() - started)
        warm = []
        for _ in range(repeats):
            started = time.perf_counter()
            body = feeds.public_feed("http://bench/")
            warm.append(time.perf_counter() - started)
        problems = ics.lint(body)
    return {"events": body.count(b"BEGIN:VEVENT"), "kbytes": len(body) // 1024,
            "cold_ms": statistics.median(cold) * 1000, "warm_ms": statistics.median(warm) * 1000,
            "lint": "clean" if not problems else problems[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainings", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"Training benchmark — {machine_note()}; {args.trainings} trainings (every 5th a weekly series); "
          f"{args.seconds:.0f}s per HTTP measurement, 4 threads, {args.rounds} rounds of (bare, app), medians")
    feed_rows, view_rows = [], []
    for backend in args.backends.split(","):
        url, cleanup = database_for(backend, args.trainings)
        try:
            app = temp_app(**({"DATABASE_URL": url} if url else {}))
            generate(app, args.trainings, random.Random(args.trainings))
            feed_rows.append({"backend": backend, **feed_times(app, args.repeats)})
            from taskforce.dbtypes import utcnow
            month = utcnow().strftime("%Y-%m")
            first = utcnow().replace(day=1)
            start, end = first.strftime("%Y-%m-%d"), (first + timedelta(days=32)).replace(day=1).strftime("%Y-%m-%d")
            with served(app) as base, served(bare_flask_app()) as bare:
                for label, path in (("month view", f"/training/month?month={month}"),
                                    ("api month", f"/api/trainings?start={start}&end={end}"),
                                    ("public feed", "/training/feed.ics")):
                    view_rows.append({"backend": backend, "path": label, **compare(base, bare, [path], args)})
            with app.app_context():
                from taskforce.extensions import db
                db.engine.dispose()
        finally:
            cleanup()
    print_table("public feed built in-process (target < 300 ms)", feed_rows)
    print_table("through the real HTTP path (signed in) vs a bare Flask endpoint (target x_bare ≥ 0.3)", view_rows)


if __name__ == "__main__":
    main()

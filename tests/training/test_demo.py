"""The demo gives every view and the report data: 30+ trainings in the past and next six months, series,
full ones with waitlists, co-hosts across sectors, attendance and evaluations (≥ 5 answers somewhere)."""
from datetime import timedelta

from sqlalchemy import func, select

from taskforce.cli import seed_demo_data
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.training import ics, feeds, report
from taskforce.training.models import EvaluationAnswer, Registration, RegistrationState as R, Training


def test_demo_trainings_cover_every_view(app, client):
    context = seed_demo_data(seed=7)
    trainings = db.session.scalars(select(Training)).unique().all()
    now = utcnow()
    assert len(trainings) >= 30
    assert any(t.starts_at < now - timedelta(days=120) for t in trainings)
    assert any(t.starts_at > now + timedelta(days=120) for t in trainings)
    assert sum(bool(t.rrule) for t in trainings) >= 4 and any(t.co_hosts for t in trainings)
    states = {s for s in db.session.scalars(select(Registration.state))}
    assert {R.WAITLISTED, R.OFFERED, R.ATTENDED, R.NO_SHOW, R.CONFIRMED} <= states
    per_training = db.session.execute(select(EvaluationAnswer.training_id, func.count()).where(
        EvaluationAnswer.stage == "reaction").group_by(EvaluationAnswer.training_id)).all()
    assert any(count >= 5 for _tid, count in per_training)
    coordinator = next(u for u in context["users"] if u.email == "coordinator@taskforce.demo")
    data = report.effectiveness(coordinator)
    assert data["trainings"] and any(r["evaluation"] for r in data["trainings"]) and data["sectors"]
    assert ics.lint(feeds.public_feed("http://demo/")) == []

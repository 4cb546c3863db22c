"""The effectiveness report: per training, per topic and per sector — attendance by sector, the share of
mixed-sector sessions, the no-show rate, average reaction, knowledge and confidence gain with their spread.

Evaluation figures come only from groups of at least MIN_RESULTS answers (evaluation.summarize); a topic's
(and the chart's) figures leave out every training with fewer answers of its own, so a small session's
answers cannot be recovered by subtracting the other sessions' shown figures from the topic's. Sector
figures are attendance only: answers carry no sector (a sector of two attendees would name them).
Trainers see the trainings their organization hosts or co-hosts; coordinators see all.
"""
import csv
import io
from collections import Counter, defaultdict

from sqlalchemy import func, select

from taskforce.auth.models import Sector, User
from taskforce.errors import PermissionDenied
from taskforce.extensions import db
from taskforce.training import evaluation, services, topics
from taskforce.training.models import Registration, RegistrationState as R, Training, TrainingCoHost


def _trainings(actor: User) -> list[Training]:
    if not actor.can_schedule_trainings:
        raise PermissionDenied("The effectiveness report is for trainers and coordinators.")
    stmt = select(Training).order_by(Training.starts_at.desc())
    if not actor.is_coordinator:
        co = select(TrainingCoHost.training_id).where(TrainingCoHost.organization_id == actor.organization_id)
        stmt = stmt.where((Training.host_organization_id == actor.organization_id) | Training.id.in_(co))
    return list(db.session.scalars(stmt).unique())


def _attendance(training_ids) -> dict[int, Counter]:
    """training id → Counter of (state, sector)."""
    out: dict[int, Counter] = defaultdict(Counter)
    if training_ids:
        rows = db.session.execute(select(Registration.training_id, Registration.state, Registration.sector, func.count())
                                  .where(Registration.training_id.in_(sorted(training_ids)),
                                         Registration.state.in_([R.ATTENDED, R.NO_SHOW]))
                                  .group_by(Registration.training_id, Registration.state, Registration.sector))
        for training_id, state, sector, count in rows:
            out[training_id][(state, sector)] += count
    return out


def _figures(counts: Counter) -> dict:
    attended = sum(n for (state, _), n in counts.items() if state is R.ATTENDED)
    no_show = sum(n for (state, _), n in counts.items() if state is R.NO_SHOW)
    by_sector = Counter()
    for (state, sector), n in counts.items():
        if state is R.ATTENDED:
            by_sector[sector] += n
    return {"attended": attended, "no_show": no_show,
            "no_show_rate": round(100 * no_show / (attended + no_show)) if attended + no_show else None,
            "by_sector": dict(sorted(by_sector.items())), "mixed": len(by_sector) >= 2}


def effectiveness(actor: User) -> dict:
    """The whole report: rows per training, per topic, per sector, and the totals for the charts."""
    trainings = [t for t in _trainings(actor) if not t.is_cancelled]
    attendance = _attendance([t.id for t in trainings])
    per_training = []
    for training in trainings:
        figures = _figures(attendance.get(training.id, Counter()))
        if not figures["attended"] and not figures["no_show"]:
            continue
        per_training.append({"training": training, **figures, "evaluation": evaluation.summarize([training.id])})
    by_topic = []
    for slug, label in topics.TOPICS:
        rows = [r for r in per_training if slug in r["training"].topics]
        if rows:
            merged = sum((attendance[r["training"].id] for r in rows), Counter())
            by_topic.append({"topic": label, "sessions": len(rows), **_figures(merged),
                             "evaluation": evaluation.summarize([r["training"].id for r in rows], each_big_enough=True)})
    sector_totals = Counter()
    sector_no_show = Counter()
    for r in per_training:
        for (state, sector), n in attendance[r["training"].id].items():
            (sector_totals if state is R.ATTENDED else sector_no_show)[sector] += n
    by_sector = [{"sector": s.label, "value": s.value, "attended": sector_totals[s.value],
                  "no_show": sector_no_show[s.value],
                  "no_show_rate": round(100 * sector_no_show[s.value] / (sector_totals[s.value] + sector_no_show[s.value]))
                  if sector_totals[s.value] + sector_no_show[s.value] else None}
                 for s in Sector if sector_totals[s.value] or sector_no_show[s.value]]
    mixed = sum(r["mixed"] for r in per_training)
    return {"trainings": per_training, "topics": by_topic, "sectors": by_sector,
            "mixed_share": round(100 * mixed / len(per_training)) if per_training else None,
            "chart": {"sectors": [{"label": s["sector"], "attended": s["attended"]} for s in by_sector],
                      "topics": [{"label": t["topic"][:40], "reaction": (t["evaluation"] or {}).get("reaction", {}).get("mean")
                                  if t["evaluation"] else None,
                                  "confidence_gain": t["evaluation"]["confidence_gain"]["mean"] if t["evaluation"] else None}
                                 for t in by_topic]}}


def _cell(value) -> str:
    if isinstance(value, (int, float)):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text  # no formula injection


def effectiveness_csv(actor: User) -> str:
    """One row per training: the report's figures, safe to open in a spreadsheet."""
    report = effectiveness(actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["training", "starts_at_utc", "topics", "attended", "no_show", "no_show_rate_percent",
                     "mixed_sector", "responses", "reaction_mean", "reaction_spread", "confidence_gain_mean",
                     "confidence_gain_spread", "knowledge_gain_points"])
    for row in report["trainings"]:
        ev = row["evaluation"] or {}
        writer.writerow([_cell(row["training"].title), row["training"].starts_at.strftime("%Y-%m-%dT%H:%MZ"),
                         _cell("; ".join(row["training"].topics)), row["attended"], row["no_show"],
                         _cell(row["no_show_rate"]), "yes" if row["mixed"] else "no", ev.get("responses", 0),
                         _cell((ev.get("reaction") or {}).get("mean")), _cell((ev.get("reaction") or {}).get("spread")),
                         _cell((ev.get("confidence_gain") or {}).get("mean")),
                         _cell((ev.get("confidence_gain") or {}).get("spread")), _cell(ev.get("knowledge_gain"))])
    return out.getvalue()


def can_see_report(actor: User) -> bool:
    return actor.can_schedule_trainings


__all__ = ["effectiveness", "effectiveness_csv", "services"]

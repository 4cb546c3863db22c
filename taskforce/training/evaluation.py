"""Anonymous evaluation (Kirkpatrick levels 1–3), stored apart from who submitted.

A submission writes two rows in one transaction: an `EvaluationReceipt` (this member answered this stage:
one per member and stage, so a second is refused) and an `EvaluationAnswer` with a random key, the day,
and the answers — no user, no registration, no time of day, no counter that could line the two up. No
audit entry or log line is written for a submission. Free text goes through the anonymizer check first.
Organizers see how many answered and how many did not, can remind those who did not (the reminder goes
out without telling the organizer who they are), and see results only from MIN_RESULTS answers on.

Stages: `pre_quiz` (a seat holder, before the first session ends), `reaction` (an attendee, once the first
session started: relevance, engagement, would recommend, before/now confidence, the post quiz, a comment)
and `follow_up` (an attendee, from FOLLOW_UP_DAYS after the last session: used it in a case? what got in
the way?).
"""
import secrets
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.lessons.anonymizer import scan
from taskforce.training import quiz, services, signals
from taskforce.training.models import EvaluationAnswer, EvaluationReceipt, Registration, RegistrationState as R

STAGES = ("pre_quiz", "reaction", "follow_up")
FOLLOW_UP_DAYS = 90
MAX_TEXT = 2_000


def _eligible_states(stage: str):
    return (R.CONFIRMED, R.ATTENDED) if stage == "pre_quiz" else (R.ATTENDED,)


def stage_open(training, stage: str, now=None) -> bool:
    now = now or utcnow()
    if stage == "pre_quiz":
        return now < training.ends_at
    if stage == "reaction":
        return now >= training.starts_at
    return now >= training.series_ends_at + timedelta(days=FOLLOW_UP_DAYS)


def _clean_text(value, field: str, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", field=field)
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{label} is too long (at most {MAX_TEXT} characters).", field=field)
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError(f"{label} contains control characters.", field=field)
    findings = scan(value) if value else []
    if findings:
        kinds = ", ".join(sorted({f.kind.lower() for f in findings}))
        raise ValidationError(f"{label} seems to contain identifying details ({kinds}); please leave them out — "
                              "your answer stays anonymous only without them.", field=field)
    return value


def _answers(stage: str, data: dict) -> dict:
    errors, out = {}, {}

    def check(name, fn):
        try:
            out[name] = fn()
        except ValidationError as error:
            errors[error.field or name] = error.message
    if stage == "pre_quiz":
        check("quiz_pre", lambda: quiz.score(data))
    elif stage == "reaction":
        for name, label in (("relevance", "Relevance to your work"), ("engagement", "How engaging it was"),
                            ("recommend", "Would you recommend it"), ("confidence_before", "Confidence before"),
                            ("confidence_now", "Confidence now")):
            check(name, lambda n=name, lb=label: quiz.rating(data.get(n), n, lb))
        check("quiz_post", lambda: quiz.score(data))
        check("comment", lambda: _clean_text(data.get("comment"), "comment", "Your comment"))
    else:
        used = data.get("used_in_case")
        if used not in ("yes", "no"):
            errors["used_in_case"] = "Say whether you have used it in a case (yes or no)."
        out["used_in_case"] = used == "yes"
        check("barriers", lambda: _clean_text(data.get("barriers"), "barriers", "What got in the way"))
        check("comment", lambda: _clean_text(data.get("comment"), "comment", "Your comment"))
    if errors:
        raise ValidationError("Please correct the answers marked below.", details={"fields": errors})
    return out


def can_answer(actor: User, training, stage: str) -> bool:
    registration = db.session.scalar(select(Registration).where(Registration.training_id == training.id,
                                                                Registration.user_id == actor.id))
    return (registration is not None and registration.state in _eligible_states(stage)
            and stage_open(training, stage) and not has_answered(actor, training.id, stage))


def has_answered(actor: User, training_id: int, stage: str) -> bool:
    return db.session.get(EvaluationReceipt, (training_id, actor.id, stage)) is not None


def submit(actor: User, training_id, stage, data: dict) -> None:
    """Store one anonymous evaluation; refuses a second one of the same stage (409)."""
    training = services.get_training(actor, training_id)
    if stage not in STAGES:
        raise ValidationError("No such evaluation.", field="stage")
    if has_answered(actor, training.id, stage):
        raise Conflict("You already answered this evaluation; thank you.")
    registration = db.session.scalar(select(Registration).where(Registration.training_id == training.id,
                                                                Registration.user_id == actor.id))
    if registration is None or registration.state not in _eligible_states(stage):
        raise PermissionDenied("Only the people who attended evaluate this training."
                               if stage != "pre_quiz" else "Only seat holders take the quiz.")
    if not stage_open(training, stage):
        raise Conflict("This evaluation is not open now.")
    answers = _answers(stage, data if isinstance(data, dict) else {})
    db.session.add(EvaluationReceipt(training_id=training.id, user_id=actor.id, stage=stage))
    db.session.add(EvaluationAnswer(key=secrets.token_hex(16), training_id=training.id, stage=stage,
                                    submitted_on=utcnow().date(), **answers))
    try:
        db.session.commit()
    except IntegrityError:  # the same member in two tabs at once
        db.session.rollback()
        raise Conflict("You already answered this evaluation; thank you.") from None


def _eligible_ids(training_id: int, stage: str) -> set[int]:
    return set(db.session.scalars(select(Registration.user_id).where(
        Registration.training_id == training_id, Registration.state.in_(_eligible_states(stage)))))


def response_counts(actor: User, training) -> dict[str, dict]:
    """Per stage: how many may answer, answered, did not (organizers; never who)."""
    if not services.can_edit(actor, training):
        raise PermissionDenied("Only the training's hosts see its evaluation.")
    out = {}
    for stage in STAGES:
        eligible = _eligible_ids(training.id, stage)
        answered = db.session.scalar(select(func.count()).select_from(EvaluationReceipt).where(
            EvaluationReceipt.training_id == training.id, EvaluationReceipt.stage == stage)) or 0
        out[stage] = {"eligible": len(eligible), "answered": answered, "not_answered": max(0, len(eligible) - answered),
                      "open": stage_open(training, stage)}
    return out


def remind(actor: User, training_id, stage) -> int:
    """Remind those who may answer and have not (they get a notification; the organizer only a count)."""
    training = services.get_for_editing(actor, training_id)
    if stage not in STAGES:
        raise ValidationError("No such evaluation.", field="stage")
    if not stage_open(training, stage):
        raise Conflict("This evaluation is not open yet.")
    answered = set(db.session.scalars(select(EvaluationReceipt.user_id).where(
        EvaluationReceipt.training_id == training.id, EvaluationReceipt.stage == stage)))
    pending = sorted(_eligible_ids(training.id, stage) - answered)
    signals.evaluation_reminder.send(training, user_ids=pending, stage=stage)
    return len(pending)


def answers_of(training_ids, stage: str) -> list[EvaluationAnswer]:
    if not training_ids:
        return []
    return list(db.session.scalars(select(EvaluationAnswer).where(
        EvaluationAnswer.training_id.in_(sorted(training_ids)), EvaluationAnswer.stage == stage)))


def results(actor: User, training) -> dict | None:
    """Summaries of one training's answers, or None while fewer than MIN_RESULTS answered a stage."""
    if not services.can_edit(actor, training) and not actor.is_coordinator:
        raise PermissionDenied("Only the training's hosts see its evaluation.")
    return summarize([training.id])


def _each_big_enough(answers: list) -> list:
    """Only the answers of trainings that have MIN_RESULTS answers of their own: a group summed over several
    trainings must not contain a small one, or subtracting the others' shown figures would recover it."""
    per_training = Counter(a.training_id for a in answers)
    return [a for a in answers if per_training[a.training_id] >= quiz.MIN_RESULTS]


def summarize(training_ids, each_big_enough: bool = False) -> dict | None:
    """The figures of these trainings' answers, or None under MIN_RESULTS. `each_big_enough` (groups of
    several trainings: topics, charts) leaves out, stage by stage, every training under MIN_RESULTS."""
    keep = _each_big_enough if each_big_enough else (lambda answers: answers)
    reaction = keep(answers_of(training_ids, "reaction"))
    if len(reaction) < quiz.MIN_RESULTS:
        return None
    pre = keep(answers_of(training_ids, "pre_quiz"))
    follow = keep(answers_of(training_ids, "follow_up"))
    out = {
        "responses": len(reaction),
        "relevance": quiz.summary(a.relevance for a in reaction),
        "engagement": quiz.summary(a.engagement for a in reaction),
        "recommend": quiz.summary(a.recommend for a in reaction),
        "reaction": quiz.summary((a.relevance + a.engagement + a.recommend) / 3 for a in reaction),
        "confidence_gain": quiz.summary(a.confidence_now - a.confidence_before for a in reaction),
        "quiz_post": quiz.summary(a.quiz_post for a in reaction),
        "quiz_pre": quiz.summary(a.quiz_pre for a in pre) if len(pre) >= quiz.MIN_RESULTS else None,
        "comments": sorted(a.comment for a in reaction if a.comment),  # sorted: no submission order
        "follow_up": None,
    }
    if out["quiz_pre"] and out["quiz_post"]:
        out["knowledge_gain"] = round(out["quiz_post"]["mean"] - out["quiz_pre"]["mean"], 1)
    else:
        out["knowledge_gain"] = None
    if len(follow) >= quiz.MIN_RESULTS:
        out["follow_up"] = {"responses": len(follow),
                            "used_in_case": round(100 * sum(bool(a.used_in_case) for a in follow) / len(follow)),
                            "barriers": sorted(a.barriers for a in follow if a.barriers)}
    return out

"""Attendance: the organizer checks people in from the roster, or shows a per-session code that members
type on their phone. A code works once per member (a replay is refused) and only while it is valid.
After the training, those never checked in are marked no-shows (the report's no-show rate)."""
import secrets
from datetime import timedelta

from sqlalchemy import select

from taskforce import audit, ids
from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.training import services
from taskforce.training.models import CheckInCode, Registration, RegistrationState as R

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in a room
CODE_LENGTH = 6
CODE_HOURS = 4


def _editable(actor, training_id):
    training = services.get_for_editing(actor, training_id)
    if training.is_cancelled:
        raise Conflict("This training was cancelled.")
    return training


def check_in(actor: User, training_id, user_id) -> Registration:
    """The organizer marks one registrant present (roster)."""
    training = _editable(actor, training_id)
    user_id = ids.record_id(user_id)
    registration = db.session.scalar(select(Registration).where(
        Registration.training_id == training.id, Registration.user_id == user_id)) if user_id else None
    if registration is None or registration.state not in (R.CONFIRMED, R.NO_SHOW, R.ATTENDED):
        raise NotFound("That person holds no seat in this training.")
    if registration.state is R.ATTENDED:
        raise Conflict(f"{registration.user.display_name} is already checked in.")
    registration.state, registration.checked_in_at = R.ATTENDED, utcnow()
    audit.record(actor, "training.checked_in", training)
    db.session.commit()
    return registration


def issue_code(actor: User, training_id) -> CheckInCode:
    """A new code for this session (valid CODE_HOURS hours)."""
    training = _editable(actor, training_id)
    code = CheckInCode(training_id=training.id, code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
                       expires_at=utcnow() + timedelta(hours=CODE_HOURS))
    db.session.add(code)
    audit.record(actor, "training.code_issued", training)
    db.session.commit()
    return code


def current_code(actor: User, training) -> CheckInCode | None:
    if not services.can_edit(actor, training):
        return None
    return db.session.scalar(select(CheckInCode).where(CheckInCode.training_id == training.id,
                                                       CheckInCode.expires_at > utcnow())
                             .order_by(CheckInCode.id.desc()))


def check_in_with_code(actor: User, training_id, code) -> Registration:
    """A member checks themself in with the code shown in the room."""
    training = services.get_training(actor, training_id)
    if not isinstance(code, str) or not code.strip() or len(code) > 20:
        raise ValidationError("Type the code shown in the room.", field="code")
    code = code.strip().upper().replace(" ", "")
    valid = db.session.scalar(select(CheckInCode.id).where(
        CheckInCode.training_id == training.id, CheckInCode.code == code, CheckInCode.expires_at > utcnow()))
    if valid is None:
        raise ValidationError("That code is not valid for this training (or it expired).", field="code")
    registration = db.session.scalar(select(Registration).where(
        Registration.training_id == training.id, Registration.user_id == actor.id))
    if registration is None or registration.state not in (R.CONFIRMED, R.NO_SHOW, R.ATTENDED):
        raise PermissionDenied("You hold no seat in this training.")
    if registration.state is R.ATTENDED:
        raise Conflict("You are already checked in; a code works once.")
    registration.state, registration.checked_in_at = R.ATTENDED, utcnow()
    db.session.commit()
    return registration


def close_attendance(actor: User, training_id) -> int:
    """After the training: seat holders never checked in become no-shows. Returns how many."""
    training = _editable(actor, training_id)
    if training.series_ends_at > utcnow():
        raise Conflict("Attendance is closed after the last session.")
    missing = db.session.scalars(select(Registration).where(Registration.training_id == training.id,
                                                            Registration.state == R.CONFIRMED)).all()
    for registration in missing:
        registration.state = R.NO_SHOW
    audit.record(actor, "training.attendance_closed", training)
    db.session.commit()
    return len(missing)

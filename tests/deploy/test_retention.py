"""Retention through `flask purge`: a dry run lists and deletes nothing; --apply deletes messages past
RETENTION_MESSAGE_DAYS (with their versions, reactions and mentions; a thread's opener stays while a reply is
young) and audit events past RETENTION_AUDIT_DAYS, audits the run without text, and a retention under a year
for the audit log is refused with a clear error."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from taskforce.audit import AuditEvent, record
from taskforce.auth.models import Role
from taskforce.channels import services as channels
from taskforce.channels.posting import post_message
from taskforce.channels.models import Message, Reaction
from taskforce.config import load_config
from taskforce.dbtypes import utcnow
from taskforce.extensions import db

SECRET_TEXT = "Shelter on Larkspur Road has room"


def _age(message_id: int, days: int) -> None:
    db.session.execute(update(Message).where(Message.id == message_id).values(created_at=utcnow() - timedelta(days=days)))


def _seed(make_user):
    coordinator = make_user(role=Role.COORDINATOR)
    channel = channels.create_channel(coordinator, "Task force", "task_force")
    post = lambda body, **kw: post_message(coordinator, channel.id, body, uuid.uuid4().hex, **kw).message  # noqa: E731
    old = post(f"{SECRET_TEXT} (old)")
    old_thread = post("Old thread opener")
    young_reply = post("Young reply", parent_id=old_thread.id)
    old_thread_2 = post("Old thread, old reply")
    old_reply = post("Old reply", parent_id=old_thread_2.id)
    young = post("Fresh news")
    db.session.add(Reaction(message_id=old.id, user_id=coordinator.id, emoji="👍"))
    for message in (old, old_thread, old_thread_2, old_reply):
        _age(message.id, 100)
    _age(young_reply.id, 5)
    record(coordinator, "auth.login")
    stale = record(coordinator, "auth.login")
    db.session.commit()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == stale.id).values(at=utcnow() - timedelta(days=800)))
    db.session.commit()
    return {"gone": {old.id, old_thread_2.id, old_reply.id}, "kept": {old_thread.id, young_reply.id, young.id},
            "channel_id": channel.id, "stale_audit": stale.id}


def _message_ids() -> set[int]:
    return set(db.session.scalars(select(Message.id)))


def test_purge_dry_run_then_apply(app, make_user, caplog):
    seeded = _seed(make_user)
    app.config.update(RETENTION_MESSAGE_DAYS=30, RETENTION_AUDIT_DAYS=400)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    dry = app.test_cli_runner().invoke(args=["purge"])
    assert dry.exit_code == 0, dry.output
    assert "Messages older than" in dry.output and ": 3" in dry.output and f"channel {seeded['channel_id']}: 3" in dry.output
    assert "Audit events older than" in dry.output and "Dry run: nothing deleted" in dry.output
    db.session.expire_all()
    assert _message_ids() == seeded["gone"] | seeded["kept"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before

    caplog.set_level("INFO", logger="taskforce.operations")
    applied = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "Deleted 3 messages and 1 audit events" in applied.output
    db.session.expire_all()
    assert _message_ids() == seeded["kept"]
    assert db.session.scalar(select(func.count()).select_from(Reaction)) == 0
    assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.at))] == [
        "channel.created", "auth.login", "retention.purge"]  # the 800-day-old login went, the recent one stayed
    run = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
    assert run.target_id == "messages=3;audit=1"
    assert "3 messages in 1 channels, 1 audit events deleted" in caplog.text
    for text in (dry.output, applied.output, caplog.text, run.target_id, run.actor_label):
        assert "Larkspur" not in text and "Shelter" not in text

    again = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert "Deleted 0 messages and 0 audit events" in again.output


def test_purge_keeps_everything_by_default(app, make_user):
    seeded = _seed(make_user)
    result = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert result.exit_code == 0 and "kept for ever" in result.output
    db.session.expire_all()
    assert _message_ids() == seeded["gone"] | seeded["kept"]
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "auth.login")) == 2


@pytest.mark.parametrize("environment,error", [
    ({"RETENTION_AUDIT_DAYS": "30"}, "below the minimum of 365 days"),
    ({"RETENTION_AUDIT_DAYS": "364"}, "below the minimum of 365 days"),
    ({"RETENTION_MESSAGE_DAYS": "0"}, "at least 1 day"),
    ({"RETENTION_MESSAGE_DAYS": "ninety"}, "not a whole number of days"),
])
def test_a_retention_that_loses_what_must_be_kept_is_refused(monkeypatch, tmp_path, environment, error):
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValueError, match=error):
        load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})


def test_retention_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RETENTION_AUDIT_DAYS", "365")
    monkeypatch.setenv("RETENTION_MESSAGE_DAYS", "90")
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert (config["RETENTION_MESSAGE_DAYS"], config["RETENTION_AUDIT_DAYS"]) == (90, 365)

"""The audit log: coordinators read, filter and export it; it records what happened, never secrets."""
import csv
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Invitation, Role, User
from taskforce.auth.passwords import hash_password
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD, CsrfClient

# Distinctive strings: if one appears anywhere in the database, a password leaked into storage.
SIGN_IN_SECRET = "Zephyr-Quokka-Mandolin-5521"
WRONG_SECRET = "Ultramarine-Yak-Zither-7730"
NEW_SECRET = "Obsidian-Heron-Piccolo-6612"
INVITEE_SECRET = "Cobalt-Lynx-Harpsichord-9043"
TYPED_IN_EMAIL_FIELD = "P@ssw0rd!Xylophone-3318"


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def add_event(action, at, actor_label="someone@example.test"):
    db.session.add(AuditEvent(at=at, action=action, actor_label=actor_label, outcome="ok", source_ip="10.0.0.1"))
    db.session.commit()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.TRAINER])
def test_only_coordinators_read_the_audit_log(client, login, make_user, role):
    login(make_user(role))
    assert client.get("/partners/audit").status_code == 403
    assert client.get("/partners/audit.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/partners/audit.csv")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_coordinator_reads_the_log_and_exports_csv(client, login, coordinator):
    login(coordinator)
    page = client.get("/partners/audit")
    assert page.status_code == 200 and "auth.sign_in" in page.get_data(as_text=True)
    export = client.get("/partners/audit.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = csv_rows(export)
    assert rows[0] == ["at", "actor", "action", "target_type", "target_id", "outcome", "source_ip", "target_name"]
    assert any(r[1] == coordinator.email and r[2] == "auth.sign_in" and r[5] == "ok" for r in rows[1:])


def test_filters_by_action_prefix_actor_and_dates(client, login, coordinator):
    utc = timezone.utc
    add_event("lesson.published", datetime(2024, 3, 1, 9, 30, tzinfo=utc), "casey@example.test")
    add_event("member.deactivated", datetime(2024, 3, 2, 23, 59, tzinfo=utc), "casey@example.test")
    add_event("member.unlocked", datetime(2024, 3, 5, 0, 0, tzinfo=utc), "robin@example.test")
    login(coordinator)

    def actions(query):
        response = client.get(f"/partners/audit.csv?{query}")
        assert response.status_code == 200
        return [row[2] for row in csv_rows(response)[1:]]

    assert actions("action=member.") == ["member.unlocked", "member.deactivated"]
    assert actions("actor=casey") == ["member.deactivated", "lesson.published"]
    assert actions("actor=CASEY&action=lesson") == ["lesson.published"]
    assert actions("since=2024-03-02&until=2024-03-02") == ["member.deactivated"]  # `until` includes the day
    assert actions("since=2024-03-01&until=2024-03-04") == ["member.deactivated", "lesson.published"]
    assert actions("until=2024-03-01") == ["lesson.published"]
    page = client.get("/partners/audit?action=member.&since=2024-03-03").get_data(as_text=True)
    assert "member.unlocked" in page and "member.deactivated" not in page


@pytest.mark.parametrize("query", [
    "since=yesterday", "until=2024-13-45", "since=" + "9" * 500, "until=9999-12-31", "since=0001-01-01",
    "since=2024-02-30&until=", "action=" + "a" * 5000, "actor=%25%27%22<script>", "until=2024-03-01T00:00",
])
def test_garbage_filters_are_ignored_not_errors(client, login, coordinator, query):
    add_event("lesson.published", datetime(2024, 3, 1, tzinfo=timezone.utc))
    login(coordinator)
    assert client.get(f"/partners/audit?{query}").status_code == 200
    assert client.get(f"/partners/audit.csv?{query}").status_code == 200


def test_garbage_dates_do_not_filter(client, login, coordinator):
    add_event("lesson.published", datetime(2024, 3, 1, tzinfo=timezone.utc))
    login(coordinator)
    rows = csv_rows(client.get("/partners/audit.csv?since=not-a-date&until=31/12/2023&action=lesson."))
    assert [r[2] for r in rows[1:]] == ["lesson.published"]


@pytest.mark.parametrize("typed", ["=cmd|' /c calc'!a0", "+1+1", "-2+3", "@sum(1+1)"])
def test_csv_export_neutralises_spreadsheet_formulas(client, login, coordinator, typed):
    # The email typed at a failed sign-in is the actor label: attacker-controlled text.
    client.post("/auth/login", data={"email": typed, "password": "whatever-it-is-123"})
    db.session.add(AuditEvent(action="test.formula", actor_label=typed, outcome="ok"))
    db.session.commit()
    login(coordinator)
    rows = csv_rows(client.get("/partners/audit.csv"))
    for row in rows[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), row
    assert any(row[1] == "'" + typed for row in rows[1:])


def test_rows_for_sign_in_failure_lockout_invitation_role_change_and_deactivation(
        client, login, coordinator, make_user, make_organization, app):
    person = make_user(Role.MEMBER)
    client.post("/auth/login", data={"email": person.email, "password": TEST_PASSWORD})
    client.post("/auth/logout")
    for _ in range(5):
        client.post("/auth/login", data={"email": person.email, "password": "not-the-password-1"})
    client.post("/auth/login", data={"email": "nobody@example.org", "password": "not-the-password-1"})
    login(coordinator)
    assert client.post("/partners/invitations", data={"email": "new.one@example.org", "display_name": "New One",
                                                      "organization_id": person.organization_id,
                                                      "role": "member"}).status_code == 201
    assert client.post(f"/partners/members/{person.id}/unlock").status_code == 302
    assert client.post(f"/partners/members/{person.id}/role", data={"role": "trainer"}).status_code == 302
    assert client.post(f"/partners/members/{person.id}/active", data={"active": "0"}).status_code == 302

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    seen = {(e.action, e.outcome, e.actor_label) for e in events}
    assert ("auth.sign_in", "ok", person.email) in seen
    assert ("auth.sign_out", "ok", person.email) in seen
    assert ("auth.sign_in", "bad_password", person.email) in seen
    assert ("auth.lockout", "locked", person.email) in seen
    assert ("auth.sign_in", "unknown_email", "nobody@example.org") in seen
    assert ("auth.invitation_created", "ok", coordinator.email) in seen
    assert ("member.unlocked", "ok", coordinator.email) in seen
    assert ("member.role_changed:trainer", "ok", coordinator.email) in seen
    assert ("member.deactivated", "ok", coordinator.email) in seen
    invitation = db.session.scalar(select(Invitation))
    created = next(e for e in events if e.action == "auth.invitation_created")
    assert created.target_type == "Invitation" and created.target_id == str(invitation.id)
    assert all(e.at is not None and e.source_ip for e in events)
    page = client.get("/partners/audit?action=member.").get_data(as_text=True)
    assert "member.deactivated" in page and "auth.sign_in" not in page


def test_no_password_is_stored_anywhere(client, login, coordinator, make_user, app):
    """Every column of every table, read back as text, holds none of the passwords people typed."""
    person = make_user(Role.MEMBER)
    person.password_hash = hash_password(SIGN_IN_SECRET)
    db.session.commit()
    client.post("/auth/login", data={"email": person.email, "password": WRONG_SECRET})
    client.post("/auth/login", data={"email": TYPED_IN_EMAIL_FIELD, "password": SIGN_IN_SECRET})
    login(person, password=SIGN_IN_SECRET)
    assert client.post("/auth/account", data={"current_password": SIGN_IN_SECRET,
                                              "new_password": NEW_SECRET}).status_code == 302
    client.post("/auth/logout")

    login(coordinator)
    html = client.post("/partners/invitations", data={"email": "invitee@example.org", "display_name": "Invitee",
                                                      "organization_id": person.organization_id}).get_data(as_text=True)
    link = html.split('id="invitation-link"')[0].rsplit('value="', 1)[-1].split('"')[0]
    client.post("/auth/logout")
    invitee = CsrfClient(app.test_client())
    path = "/auth/invite/" + link.rsplit("/", 1)[1]
    assert invitee.post(path, data={"display_name": "Invitee", "password": INVITEE_SECRET}).status_code == 302
    assert db.session.scalar(select(User).where(User.email == "invitee@example.org")) is not None

    secrets = [SIGN_IN_SECRET, WRONG_SECRET, NEW_SECRET, INVITEE_SECRET, TYPED_IN_EMAIL_FIELD]
    scanned = 0
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in zip(table.columns, row):
                    text = str(value).lower()
                    scanned += 1
                    for secret in secrets:
                        assert secret.lower() not in text, f"{secret} stored in {table.name}.{column.name}"
    assert scanned > 50
    assert db.session.scalars(select(AuditEvent.action)).all()  # the log did record those actions


def test_targets_show_by_name_on_the_page_and_keep_their_ids_in_the_csv(client, login, coordinator, make_user):
    person = make_user(Role.MEMBER, display_name="Robin Quillfeather")
    login(coordinator)
    client.post(f"/partners/members/{person.id}/unlock")
    client.post("/partners/invitations", data={"email": "marlo.invitee@example.org", "display_name": "Marlo",
                                               "organization_id": person.organization_id, "role": "member"})
    invitation = db.session.scalar(select(Invitation))
    add_event("member.unlocked", datetime(2024, 3, 1, tzinfo=timezone.utc))  # no target at all
    db.session.add(AuditEvent(action="member.unlocked", target_type="User", target_id="999999", outcome="ok"))
    db.session.commit()
    page = client.get("/partners/audit").get_data(as_text=True)
    assert f"Robin Quillfeather ({person.email})" in page and f"User {person.id}<" not in page
    assert "invitation for marlo.invitee@example.org" in page and f"Invitation {invitation.id}<" not in page
    assert "User 999999" in page  # a deleted target still shows what it was
    rows = csv_rows(client.get("/partners/audit.csv"))
    unlocked = next(r for r in rows[1:] if r[2] == "member.unlocked" and r[4] == str(person.id))
    assert unlocked[3:5] == ["User", str(person.id)] and unlocked[7] == f"Robin Quillfeather ({person.email})"

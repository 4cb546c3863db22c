"""Mail leaves through `taskforce.mail` only, to a REAL SMTP server on loopback (aiosmtpd): invitations,
stale reminders, notification emails at once and the daily digest (idempotent)."""
from datetime import timedelta

from sqlalchemy import func, select

from taskforce.auth.models import Role
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.notifications import mailing, notify, services
from taskforce.notifications.models import Notification, NotificationDigest


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def test_an_invitation_is_mailed_through_the_one_mail_module(client, login, coordinator, make_organization,
                                                             smtp_server):
    organization = make_organization(name="Eastside Clinic")
    login(coordinator)
    response = client.post("/partners/invitations", data={"email": "new.nurse@clinic.example.org",
                                                          "display_name": "New Nurse",
                                                          "organization_id": str(organization.id), "role": "member"})
    assert response.status_code == 201 and "mailed" in response.get_data(as_text=True)
    [(recipients, message)] = smtp_server.mails
    assert recipients == ["new.nurse@clinic.example.org"]
    assert message["Subject"] == "Your invitation to the task force platform"
    assert message["From"] == "taskforce@tf.example"
    assert "Eastside Clinic" in body_of(message) and "/auth/invite/" in body_of(message)


def test_the_stale_reminder_is_mailed_to_the_organizations_coordinators(app, make_user, make_organization,
                                                                        smtp_server):
    from taskforce.directory.models import Location, Service as ServiceRow
    import uuid
    organization = make_organization(name="Harbor House")
    coordinator = make_user(Role.COORDINATOR, organization=organization)
    location = Location(uuid=str(uuid.uuid4()), organization_id=organization.id, name="Site", address_1="1 St",
                        city="Harbor City", postal_code="94601")
    db.session.add(ServiceRow(uuid=str(uuid.uuid4()), organization_id=organization.id, name="Night Shelter",
                              location=location, last_verified_at=utcnow() - timedelta(days=100)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["directory", "remind-stale"])
    assert "reminder mailed to " + coordinator.email in result.output, result.output
    [(recipients, message)] = smtp_server.mails
    assert recipients == [coordinator.email] and message["Subject"] == "Directory entries to confirm"
    assert "Night Shelter" in body_of(message)


def test_email_at_once_says_only_where_and_links_to_the_message(signed_in_socket, make_user, make_channel,
                                                                smtp_server):
    channel = make_channel(name="intake")
    author = make_user(display_name="Ana Author")
    named = make_user(display_name="Kofi Mensah", email="kofi@clinic.example.org")
    quiet = make_user(display_name="Quiet Person")
    from taskforce.channels import live as channels_live
    services.set_preferences(named, {channels_live.MENTION: "email"})
    ack = signed_in_socket(author).emit("send", {"channel_id": channel.id, "client_id": "m1",
                                                 "body": "@**Kofi Mensah** @**Quiet Person** the girl at the motel"})
    mailing.wait_for_outbox()
    [(recipients, message)] = smtp_server.mails  # Quiet Person chose nothing: in the app only
    assert recipients == ["kofi@clinic.example.org"]
    assert message["Subject"] == "Taskforce: You were mentioned in #intake"
    text = body_of(message)
    assert text.startswith("You were mentioned in #intake — open Taskforce:\n"
                           f"https://tf.example/channels/{channel.id}#message-{ack['id']}")
    assert "motel" not in text and "Ana Author" not in text  # no message text, no author
    row = db.session.scalar(select(Notification).where(Notification.user_id == named.id))
    assert row.emailed_at is not None
    assert db.session.scalar(select(Notification.emailed_at).where(Notification.user_id == quiet.id)) is None


def test_digests_are_sent_once_however_often_the_command_runs(app, kind, make_user, smtp_server):
    daily, instant, nobody = make_user(email="daily@clinic.example.org"), make_user(), make_user()
    services.set_preferences(daily, {kind: "digest"})
    services.set_preferences(instant, {kind: "email"})
    for number in range(3):
        notify([daily.id, nobody.id], kind, f"Ping {number}", "/lessons/1", email_text="A test ping happened")
    notify([daily.id], kind, "Already read", "/", email_text="Read before the digest")
    services.mark_read(daily, db.session.scalars(select(Notification.id).where(Notification.user_id == daily.id)
                                                 .order_by(Notification.id.desc())).first())
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notifications", "send-digests"])
    assert "Digests sent: 1" in first.output, first.output
    second = runner.invoke(args=["notifications", "send-digests"])
    assert "Digests sent: 0" in second.output
    notify([daily.id], kind, "Later the same day", "/", email_text="A test ping happened")
    third = runner.invoke(args=["notifications", "send-digests"])
    assert "Digests sent: 0" in third.output  # one digest a day: the new one waits for tomorrow
    [(recipients, message)] = smtp_server.mails
    assert recipients == ["daily@clinic.example.org"]
    assert message["Subject"] == "Taskforce: 3 new notifications"
    assert "- A test ping happened (3×)" in body_of(message) and "Read before" not in body_of(message)
    assert "https://tf.example/notifications" in body_of(message)
    assert db.session.scalar(select(func.count(NotificationDigest.id))) == 1
    tomorrow = mailing.send_digests(utcnow() + timedelta(days=1))
    assert tomorrow["sent"] == 1 and len(smtp_server.mails) == 2
    assert "Taskforce: 1 new notification" == smtp_server.mails[1][1]["Subject"]


def test_a_refused_digest_is_released_and_sent_by_the_next_run(app, kind, make_user, smtp_server):
    daily = make_user()
    services.set_preferences(daily, {kind: "digest"})
    notify([daily.id], kind, "Ping", "/")
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there: the relay is down
    assert mailing.send_digests()["failed"] == 1
    assert db.session.scalar(select(func.count(NotificationDigest.id))) == 0
    assert db.session.scalar(select(Notification.digest_id)) is None
    app.config["MAIL_PORT"] = port
    assert mailing.send_digests()["sent"] == 1 and len(smtp_server.mails) == 1


def test_without_smtp_nothing_is_sent_and_the_command_says_so(app, kind, member):
    services.set_preferences(member, {kind: "digest"})
    notify([member.id], kind, "Ping", "/")
    result = app.test_cli_runner().invoke(args=["notifications", "send-digests"])
    assert "No SMTP relay configured" in result.output
    assert db.session.scalar(select(func.count(NotificationDigest.id))) == 0


def test_digest_runs_racing_in_many_threads_send_each_digest_once(app, kind, make_user, smtp_server):
    import threading
    from concurrent.futures import ThreadPoolExecutor
    members = [make_user(email=f"daily{n}@clinic.example.org") for n in range(5)]
    for person in members:
        services.set_preferences(person, {kind: "digest"})
        notify([person.id], kind, "Ping", "/", email_text="A test ping happened")
    db.session.commit()
    start = threading.Barrier(4)

    def run(_):
        with app.app_context():
            start.wait()
            try:
                return mailing.send_digests()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(4)))
    assert sum(r["sent"] for r in results) == 5 and sum(r["failed"] for r in results) == 0
    assert sorted(r[0] for r, _m in smtp_server.mails) == sorted(p.email for p in members)
    assert db.session.scalar(select(func.count(NotificationDigest.id))) == 5

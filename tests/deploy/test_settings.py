"""Every operator setting comes from the environment (README's configuration table) and reaches what it
governs; a value that cannot be used stops the app with a message naming the variable."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from taskforce import create_app
from taskforce.audit import AuditEvent
from taskforce.config import load_config
from taskforce.extensions import db

ENVIRONMENT = {
    "SESSION_IDLE_TIMEOUT_MINUTES": "10", "SESSION_ABSOLUTE_TIMEOUT_HOURS": "8", "LOGIN_MAX_FAILURES": "3",
    "LOGIN_FAILURE_WINDOW_MINUTES": "20", "INVITATION_LIFETIME_HOURS": "24", "CHANNEL_SEND_BURST": "4",
    "CHANNEL_SEND_PER_SECONDS": "2", "MAX_CONTENT_LENGTH": "1000000", "MAX_UPLOAD_LENGTH": "5000000",
    "MAIL_SERVER": "smtp.example.test", "MAIL_PORT": "2525", "MAIL_FROM": "tf@example.test", "MAIL_TIMEOUT": "3",
    "RETENTION_MESSAGE_DAYS": "180", "RETENTION_AUDIT_DAYS": "730", "LOG_FORMAT": "json",
    "SOCKETIO_WEBSOCKET_ONLY": "1", "TRUSTED_PROXY_COUNT": "1",
}


def test_operator_settings_come_from_the_environment(monkeypatch, tmp_path):
    for key, value in ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert config["SESSION_IDLE_TIMEOUT"] == timedelta(minutes=10)
    assert config["SESSION_ABSOLUTE_TIMEOUT"] == timedelta(hours=8)
    assert (config["LOGIN_MAX_FAILURES"], config["LOGIN_FAILURE_WINDOW"]) == (3, timedelta(minutes=20))
    assert config["INVITATION_LIFETIME"] == timedelta(hours=24)
    assert config["CHANNELS_SEND_RATE"] == (4, 2.0)
    assert (config["MAX_CONTENT_LENGTH"], config["MAX_UPLOAD_LENGTH"]) == (1_000_000, 5_000_000)
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_FROM"], config["MAIL_TIMEOUT"]) == (
        "smtp.example.test", 2525, "tf@example.test", 3.0)
    assert (config["RETENTION_MESSAGE_DAYS"], config["RETENTION_AUDIT_DAYS"]) == (180, 730)
    assert (config["LOG_FORMAT"], config["SOCKETIO_WEBSOCKET_ONLY"], config["TRUSTED_PROXY_COUNT"]) == ("json", True, 1)


@pytest.mark.parametrize("name,value", [("SESSION_IDLE_TIMEOUT_MINUTES", "0"), ("LOGIN_MAX_FAILURES", "five"),
                                        ("CHANNEL_SEND_BURST", "-3"), ("CHANNEL_SEND_PER_SECONDS", "soon")])
def test_an_unusable_setting_names_its_variable(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})


def test_the_flood_limit_from_the_environment_governs_channel_sends(monkeypatch, tmp_path):
    monkeypatch.setenv("CHANNEL_SEND_BURST", "3")
    monkeypatch.setenv("CHANNEL_SEND_PER_SECONDS", "60")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}", "SECRET_KEY": "x",
                      "INSTANCE_DIR": str(tmp_path / "instance")})
    bucket = app.extensions["channels.send_limit"]
    assert [bucket.allow("member-1") for _ in range(4)] == [True, True, True, False]


def test_behind_a_trusted_proxy_the_audit_log_keeps_the_members_address(app, member):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from tests.conftest import IsolatedClient
    proxied = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test-secret",
                          "INSTANCE_DIR": app.config["INSTANCE_DIR"], "TRUSTED_PROXY_COUNT": 1})
    proxied.test_client_class = IsolatedClient
    assert isinstance(proxied.wsgi_app, ProxyFix) and not isinstance(app.wsgi_app, ProxyFix)
    for which, address in ((app, "198.51.100.7"), (proxied, "203.0.113.9")):
        client = which.test_client()
        token = client.get("/api/session").get_json()["csrf_token"]
        client.post("/auth/login", data={"email": member.email, "password": "not-the-password-at-all",
                                         "csrf_token": token}, headers={"X-Forwarded-For": address})
    db.session.expire_all()
    sources = [e.source_ip for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_in")
                                                       .order_by(AuditEvent.id))]
    assert sources[-2:] == ["127.0.0.1", "203.0.113.9"]  # the untrusting app ignores the header

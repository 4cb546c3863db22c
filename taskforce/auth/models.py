"""Organizations, people, their sign-in sessions and invitations.

Accounts exist only through invitations; sessions live in the database so that logging out, deactivation
or a role change kills every copy of the cookie at once.
"""
import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.dbtypes import UTCDateTime, enum_column, utcnow
from taskforce.extensions import db


class Sector(str, enum.Enum):
    LAW_ENFORCEMENT = "law_enforcement"
    PROSECUTION = "prosecution"
    HEALTHCARE = "healthcare"
    VICTIM_SERVICES_NGO = "victim_services_ngo"
    SOCIAL_SERVICES = "social_services"
    GOVERNMENT = "government"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"victim_services_ngo": "Victim services / NGO"}.get(self.value, self.value.replace("_", " ").capitalize())


class Role(str, enum.Enum):
    MEMBER = "member"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        return ["member", "trainer", "coordinator", "admin"].index(self.value)



class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[Sector] = mapped_column(enum_column(Sector, "sector"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(200), default="")
    vetted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["User"]] = relationship(back_populates="organization", order_by="User.display_name")

    @property
    def is_vetted(self) -> bool:
        return self.vetted_at is not None


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.MEMBER)
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # refuses a replayed code
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="members", lazy="joined")

    # flask-login: a deactivated account cannot be loaded into a request.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def sector(self) -> Sector:
        return self.organization.sector

    @property
    def totp_enabled(self) -> bool:
        return bool(self.totp_secret)

    @property
    def requires_totp(self) -> bool:
        """Coordinators and admins see everything; they must use a second factor."""
        return self.role in (Role.COORDINATOR, Role.ADMIN)

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def can_schedule_trainings(self) -> bool:
        return self.role in (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)

    @property
    def can_review_lessons(self) -> bool:
        return self.is_coordinator

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


class UserSession(db.Model):
    """One row per sign-in (DESIGN's Session). The cookie carries a random token; only its hash is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invitation(db.Model):
    """A single-use, expiring link through which a coordinator brings a person into an organization."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254), index=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.MEMBER)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def state(self, now: datetime) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"

"""A member following a directory service: they are told when its capacity changes (beds free, full)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.extensions import db


class ServiceFollow(db.Model):
    __tablename__ = "directory_service_follows"
    __table_args__ = (UniqueConstraint("service_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

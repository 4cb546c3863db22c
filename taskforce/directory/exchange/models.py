"""Records of the directory's data exchange (HSDS 3.0 and spreadsheets).

`DirectoryOrganizationRef` gives a task-force organization its HSDS id without touching the auth model: the
id is made once (random) and kept, so every export names the organization the same way and a re-import finds
it again. `DirectoryImportJob` is one spreadsheet import: the checked rows wait in it between the preview
and the coordinator's confirmation, and its progress is committed with each chunk of rows, so any server
process can answer the progress bar and the outcome survives a restart.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.extensions import db


class DirectoryOrganizationRef(db.Model):
    __tablename__ = "directory_organization_refs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)


class DirectoryImportJob(db.Model):
    """status: previewed → running → done | failed (a previewed job nobody confirms just stays previewed)."""

    __tablename__ = "directory_import_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="csv")
    status: Mapped[str] = mapped_column(String(16), default="previewed", index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    total: Mapped[int] = mapped_column(Integer, default=0)  # rows to import (the valid ones)
    done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_json: Mapped[str] = mapped_column(Text, default="[]")  # the checked rows, emptied once imported
    errors_json: Mapped[str] = mapped_column(Text, default="[]")  # [{row, column, reason}], capped
    message: Mapped[str] = mapped_column(String(500), default="")

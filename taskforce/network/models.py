"""Partner-map records: referral aggregates and partnerships between organizations — never a person.

A `Referral` row is a count for one month (the first day of it; nothing finer is stored) of people one
organization referred to another, optionally to one directory service, for one service category, with its
outcome counts. There are no names, no case ids and no dates of a referral: several rows with the same key
simply add up (a short form and the directory's "Log a referral" button both write counts). A `Partnership`
is an agreement between two organizations (MOU, data-sharing, co-location, cross-training) with its dates.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.extensions import db

# Declined outcomes, each with its own count: the reasons coordinators act on differ (capacity is money,
# eligibility is a rule, no response is a phone line).
DECLINE_REASONS = {"declined_no_capacity": "No capacity", "declined_not_eligible": "Not eligible",
                   "declined_no_response": "No response"}
OUTCOMES = ("accepted", *DECLINE_REASONS, "completed")
PARTNERSHIP_KINDS = {"mou": "Memorandum of understanding", "data_sharing": "Data-sharing agreement",
                     "co_location": "Co-location", "cross_training": "Cross-training"}


class Referral(db.Model):
    __tablename__ = "network_referrals"
    __table_args__ = (
        CheckConstraint("from_organization_id <> to_organization_id", name="ck_network_referrals_not_self"),
        CheckConstraint("count >= 0 AND accepted >= 0 AND declined_no_capacity >= 0 AND declined_not_eligible >= 0 "
                        "AND declined_no_response >= 0 AND completed >= 0", name="ck_network_referrals_counts"),
        Index("ix_network_referrals_edge", "from_organization_id", "to_organization_id", "month"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    to_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    to_service_id: Mapped[int | None] = mapped_column(ForeignKey("directory_services.id", ondelete="SET NULL"),
                                                      index=True)
    category: Mapped[str] = mapped_column(String(40))  # a directory taxonomy slug
    month: Mapped[date] = mapped_column(Date, index=True)  # always the first of a month
    count: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    declined_no_capacity: Mapped[int] = mapped_column(Integer, default=0)
    declined_not_eligible: Mapped[int] = mapped_column(Integer, default=0)
    declined_no_response: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    # form | button | import: an imported spreadsheet row replaces its own earlier import of the same cell, so
    # loading a year's history twice does not count it twice
    source: Mapped[str] = mapped_column(String(10), default="form")
    notes: Mapped[str] = mapped_column(Text, default="")  # passed the anonymizer check before it was stored
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)


class Partnership(db.Model):
    __tablename__ = "network_partnerships"
    __table_args__ = (
        CheckConstraint("organization_a_id <> organization_b_id", name="ck_network_partnerships_two_partners"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_a_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    organization_b_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a PARTNERSHIP_KINDS key
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

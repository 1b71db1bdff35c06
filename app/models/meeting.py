"""Workshops and events ("Veranstaltungen"): Themenworkshops, Bürgerdialoge, Reallabor-Termine and
the Digitallotsen's Sprechstunden, in a town (with an address) or online (with a link).

Named Meeting, not Event: app/events.py is the notifications' event log.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, Select, String, Table, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.reference import ActionField, Municipality
    from app.models.user import User

WORKSHOP, DIALOGUE, REALLABOR, HELPDESK = "workshop", "dialogue", "reallabor", "helpdesk"
MEETING_KINDS = (WORKSHOP, DIALOGUE, REALLABOR, HELPDESK)

# Field limits (characters; places)
MEETING_TITLE_MAX = 200
MEETING_LINE_MAX = 300  # address, partners
MEETING_URL_MAX = 500
MEETING_TEXT_MAX = 5000
CAPACITY_MAX = 10000

meeting_action_fields = Table(
    "meeting_action_fields",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("action_field_id", ForeignKey("action_fields.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"kind IN {MEETING_KINDS!r}", name="kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("municipality_id IS NOT NULL OR online_url <> ''", name="somewhere"),
        CheckConstraint(f"capacity IS NULL OR (capacity > 0 AND capacity <= {CAPACITY_MAX})", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(MEETING_TITLE_MAX))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where: a town (the district row for a district-wide one) with an address, and/or a link online.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True)
    address: Mapped[str] = mapped_column(String(MEETING_LINE_MAX), default="")
    online_url: Mapped[str] = mapped_column(String(MEETING_URL_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    partners: Mapped[str] = mapped_column(String(MEETING_LINE_MAX), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)  # places, if limited
    # Afterwards: what came of it, written by staff (Markdown), dated.
    report: Mapped[str] = mapped_column(Text, default="")
    report_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality | None] = relationship()
    action_fields: Mapped[list[ActionField]] = relationship(secondary=meeting_action_fields, order_by="ActionField.position")


class MeetingSignup(Base):
    """A person's sign-up for an event. With a cap on places, the first `capacity` sign-ups (in
    their order) have a place and the others wait; a cancellation moves the next one up, as the
    order says (nothing to keep in step). One per person and event."""

    __tablename__ = "meeting_signups"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


def placed_user_ids(meeting: Meeting) -> Select[tuple[int]]:
    """SELECT of the accounts that have a place at the event: the first `capacity` sign-ups in
    their order, or all (the notifications' reminder and the sign-up box read it)."""
    stmt = select(MeetingSignup.user_id).where(MeetingSignup.meeting_id == meeting.id).order_by(MeetingSignup.created_at, MeetingSignup.id)
    return stmt.limit(meeting.capacity) if meeting.capacity is not None else stmt

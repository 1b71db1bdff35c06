"""Reading events for the pages: upcoming and past, filtered by town, action field and kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.ideas.queries import is_listed, visible_ideas
from app.models import ActionField, Idea, Meeting, Municipality, utcnow
from app.models.meeting import MEETING_KINDS, meeting_action_fields

PAST_SHOWN = 50  # the past events a list shows (newest first)


@dataclass
class MeetingFilters:
    town: str = ""  # municipality slug
    field: str = ""  # action field slug
    kind: str = ""

    @classmethod
    def from_args(cls, args) -> MeetingFilters:
        kind = (args.get("art") or "")[:20]
        return cls(town=(args.get("kommune") or "")[:60], field=(args.get("themenfeld") or "")[:60], kind=kind if kind in MEETING_KINDS else "")

    def apply(self, stmt: Select) -> Select:
        if self.town:
            stmt = stmt.where(Meeting.municipality_id.in_(select(Municipality.id).where(Municipality.slug == self.town)))
        if self.field:
            stmt = stmt.where(Meeting.id.in_(
                select(meeting_action_fields.c.meeting_id).join(ActionField, ActionField.id == meeting_action_fields.c.action_field_id)
                .where(ActionField.slug == self.field)))
        if self.kind:
            stmt = stmt.where(Meeting.kind == self.kind)
        return stmt


def _meetings() -> Select:
    return select(Meeting).options(joinedload(Meeting.municipality))


def upcoming(filters: MeetingFilters | None = None, limit: int = 100, now: datetime | None = None) -> list[Meeting]:
    """Events not over yet, soonest first."""
    stmt = _meetings().where(Meeting.ends_at >= (now or utcnow())).order_by(Meeting.starts_at, Meeting.id).limit(limit)
    return list(db.session.scalars((filters or MeetingFilters()).apply(stmt)))


def past(filters: MeetingFilters | None = None, limit: int = PAST_SHOWN, now: datetime | None = None) -> list[Meeting]:
    """Events that are over, newest first: they stay, with their reports."""
    stmt = _meetings().where(Meeting.ends_at < (now or utcnow())).order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit)
    return list(db.session.scalars((filters or MeetingFilters()).apply(stmt)))


def starting_since(start: datetime, limit: int = 60) -> list[Meeting]:
    """Events that start from `start` on, in their order (the recent and the coming ones)."""
    return list(db.session.scalars(_meetings().where(Meeting.starts_at >= start).order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def upcoming_in(town: Municipality, limit: int = 5) -> list[Meeting]:
    return upcoming(MeetingFilters(town=town.slug), limit)


def ideas_collected_at(meeting: Meeting) -> list[Idea]:
    """The listed ideas taken down at this event (app/capture), oldest first."""
    return list(db.session.scalars(visible_ideas(card=True).where(Idea.meeting_id == meeting.id, *is_listed())
                                   .order_by(Idea.published_at, Idea.id)).unique())

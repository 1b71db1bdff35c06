"""Planning events: who may (staff; a digital officer in their own towns), what makes one valid,
and the audit entry of each change. Functions flush, never commit; the view commits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app import audit
from app import events as notification_events
from app.auth import scope
from app.database import insert_unless_exists, rows_changed
from app.errors import InvalidInput, NotAllowed
from app.events import MEETING_PLACE, MEETING_REMINDER
from app.extensions import db
from app.models import ActionField, Meeting, MeetingSignup, Municipality, User, utcnow
from app.models.meeting import (
    CAPACITY_MAX,
    MEETING_KINDS,
    MEETING_LINE_MAX,
    MEETING_TEXT_MAX,
    MEETING_TITLE_MAX,
    MEETING_URL_MAX,
    placed_user_ids,
)
from app.models.user import ROLE_ADMIN, ROLE_MODERATOR, ROLE_OFFICER, ROLE_STEERING
from app.security import one_line

ORGANISER_ROLES = (ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN, ROLE_OFFICER)
REMINDER_AHEAD = timedelta(hours=24)  # "the day before": the reminder goes out within the day before the start
DISTRICT_ORGANISERS = (ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN)


@dataclass
class MeetingInput:
    kind: str = ""
    title: str = ""
    starts_at: datetime | None = None  # aware
    ends_at: datetime | None = None
    municipality_id: int | None = None
    address: str = ""
    online_url: str = ""
    description: str = ""
    partners: str = ""
    capacity: int | None = None
    action_field_ids: list[int] = field(default_factory=list)
    report: str = ""


def may_organise(user: User | None, municipality_id: int | None) -> bool:
    """District staff plan any event; a town's digital officer only events in their towns."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(*DISTRICT_ORGANISERS):
        return True
    return municipality_id is not None and municipality_id in scope.officer_towns(user)


def require_organiser(user: User | None, municipality_id: int | None) -> None:
    if not may_organise(user, municipality_id):
        raise NotAllowed(_l("You may plan events only in your own towns."))


def check_online_url(url: str) -> str:
    """A link to join online: a complete https:// (or http://) address, or nothing."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(url) > MEETING_URL_MAX or any(c.isspace() for c in url):
        raise InvalidInput(_l("Please give the complete link for taking part online, beginning with https://."))
    return url


def _checked(data: MeetingInput) -> dict[str, Any]:
    if data.kind not in MEETING_KINDS:
        raise InvalidInput(_l("Please choose the kind of event."))
    title = one_line(data.title or "")
    if not title or len(title) > MEETING_TITLE_MAX:
        raise InvalidInput(_l("Please give the event a title (at most %(max)d characters).", max=MEETING_TITLE_MAX))
    if data.starts_at is None or data.ends_at is None:
        raise InvalidInput(_l("Please enter when the event starts and ends."))
    if data.ends_at <= data.starts_at:
        raise InvalidInput(_l("The event must end after it starts."))
    online_url = check_online_url(data.online_url)
    if data.municipality_id is None and not online_url:
        raise InvalidInput(_l("Please choose the town where the event takes place, or give the link for taking part online."))
    if data.municipality_id is not None and db.session.get(Municipality, data.municipality_id) is None:
        raise InvalidInput(_l("Please choose a town from the list."))
    address, partners = one_line(data.address or ""), one_line(data.partners or "")
    if len(address) > MEETING_LINE_MAX or len(partners) > MEETING_LINE_MAX:
        raise InvalidInput(_l("At most %(max)d characters, please.", max=MEETING_LINE_MAX))
    description, report = (data.description or "").strip(), (data.report or "").strip()
    if len(description) > MEETING_TEXT_MAX or len(report) > MEETING_TEXT_MAX:
        raise InvalidInput(_l("The text may be at most %(max)d characters long.", max=MEETING_TEXT_MAX))
    if data.capacity is not None and not 0 < data.capacity <= CAPACITY_MAX:
        raise InvalidInput(_l("Places: a number from 1 to %(max)d, or empty for no limit.", max=CAPACITY_MAX))
    fields = list(db.session.scalars(select(ActionField).where(ActionField.id.in_(data.action_field_ids)))) if data.action_field_ids else []
    if len(fields) != len(set(data.action_field_ids)):
        raise InvalidInput(_l("Please choose action fields from the list."))
    return {"kind": data.kind, "title": title, "starts_at": data.starts_at, "ends_at": data.ends_at,
            "municipality_id": data.municipality_id, "address": address, "online_url": online_url, "description": description,
            "partners": partners, "capacity": data.capacity, "action_fields": fields, "report": report}


def _snapshot(meeting: Meeting) -> dict[str, Any]:
    return {"kind": meeting.kind, "title": meeting.title, "starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
            "town": meeting.municipality.name if meeting.municipality else None, "address": meeting.address,
            "online_url": meeting.online_url, "capacity": meeting.capacity, "partners": meeting.partners,
            "fields": [f.name for f in meeting.action_fields], "description": meeting.description, "report": meeting.report}


def create_meeting(actor: User, data: MeetingInput) -> Meeting:
    values = _checked(data)
    require_organiser(actor, values["municipality_id"])
    meeting = Meeting(**values)
    if meeting.report:
        meeting.report_at = utcnow()
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.create", "meeting", meeting.id, after=_snapshot(meeting))
    return meeting


def edit_meeting(meeting: Meeting, actor: User, data: MeetingInput) -> bool:
    """Change an event (and write its report afterwards). False if nothing changed."""
    require_organiser(actor, meeting.municipality_id)
    values = _checked(data)
    require_organiser(actor, values["municipality_id"])  # an officer cannot move it out of their towns
    signed_up = signup_count(meeting)
    if values["capacity"] is not None and values["capacity"] < signed_up:
        raise InvalidInput(_l("%(count)d people have signed up already: the places cannot be fewer.", count=signed_up))
    before = _snapshot(meeting)
    report_before = meeting.report
    for name, value in values.items():
        setattr(meeting, name, value)
    db.session.flush()
    db.session.refresh(meeting, ["municipality"])
    after = _snapshot(meeting)
    if after == before:
        return False
    if meeting.report != report_before:
        meeting.report_at = utcnow() if meeting.report else None
    meeting.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "meeting.edit", "meeting", meeting.id, before=before, after=after)
    return True


# Sign-ups --------------------------------------------------------------------

def signup_count(meeting: Meeting) -> int:
    return db.session.scalar(select(func.count(MeetingSignup.id)).where(MeetingSignup.meeting_id == meeting.id)) or 0


def is_open_for_signup(meeting: Meeting) -> bool:
    """People sign up until the event starts."""
    return meeting.starts_at > utcnow()


def sign_up(user: User, meeting: Meeting) -> bool:
    """Sign up once (a second time changes nothing: the database allows one). With every place
    taken, the person waits (places_of says where). True if new. Flushes."""
    if not user.is_confirmed:
        raise NotAllowed(_l("Please confirm your e-mail address first."))
    if not is_open_for_signup(meeting):
        raise InvalidInput(_l("This event has begun; signing up is closed."))
    return rows_changed(insert_unless_exists(MeetingSignup).values(meeting_id=meeting.id, user_id=user.id, created_at=utcnow())) > 0


def cancel_signup(user: User, meeting: Meeting) -> bool:
    """Cancel; the next person waiting has the place (the order says so) and is told. True if there was one."""
    placed_before = set(db.session.scalars(placed_user_ids(meeting)))
    if not rows_changed(delete(MeetingSignup).where(MeetingSignup.meeting_id == meeting.id, MeetingSignup.user_id == user.id)):
        return False
    for moved_up in set(db.session.scalars(placed_user_ids(meeting))) - placed_before:
        notification_events.record(MEETING_PLACE, meeting=meeting.id, user=moved_up)
    return True


@dataclass(frozen=True)
class Place:
    """Where a person stands: signed up or not, and if waiting, at which place on the list."""

    signed_up: bool = False
    waiting: int = 0  # 0: has a place


def place_of(user: User | None, meeting: Meeting) -> Place:
    if user is None or not getattr(user, "is_authenticated", False):
        return Place()
    ids = list(db.session.scalars(select(MeetingSignup.user_id).where(MeetingSignup.meeting_id == meeting.id)
                                  .order_by(MeetingSignup.created_at, MeetingSignup.id)))
    if user.id not in ids:
        return Place()
    rank = ids.index(user.id) + 1
    return Place(True, 0 if meeting.capacity is None or rank <= meeting.capacity else rank - meeting.capacity)


def record_reminders(now: datetime | None = None) -> int:
    """The worker's task: for each event that starts within the next day, once, an event for the
    notifications ("Erinnerung: morgen …") to those with a place. Commits. How many were new."""
    now = now or utcnow()
    due = db.session.scalars(select(Meeting).where(Meeting.starts_at > now, Meeting.starts_at <= now + REMINDER_AHEAD)).all()
    created = sum(notification_events.record_once(MEETING_REMINDER, f"meeting-{m.id}", meeting=m.id) for m in due)
    db.session.commit()
    return created

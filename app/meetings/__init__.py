"""Workshops and events ("Veranstaltungen"): staff plan them, everyone finds them on
/veranstaltungen, on the start page and on their towns' pages, and adds them to a calendar
(an .ics file per event and a feed, app/meetings/calendar.py)."""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _

from app import audit
from app.audit import Target
from app.cache import CachedPage, declare
from app.extensions import db
from app.meetings.labels import kind_label
from app.models import Meeting, MeetingSignup
from app.templating import format_datetime_short

MEETING_PARAMETERS = ("kommune", "themenfeld", "art")

declare(
    pages={"meetings.index": CachedPage(MEETING_PARAMETERS), "meetings.show": CachedPage()},
    not_cached={"meetings.calendar_file": "a calendar download, built on request (a few lines)",
                "meetings.feed": "a calendar feed, built on request (calendar apps poll it rarely)"},
    # A sign-up changes the places left on the event's page: site content.
    public=(Meeting, MeetingSignup),
)


def _name_meeting(meeting_id: int) -> Target | None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    return Target(_("Event “%(title)s”", title=meeting.title), url_for("meetings.show", meeting_id=meeting.id))


audit.name_targets("meeting", _name_meeting)
audit.name_values("kind", kind_label, target_type="meeting")
for _key in ("starts_at", "ends_at"):
    audit.name_values(_key, lambda value: format_datetime_short(datetime.fromisoformat(value)))

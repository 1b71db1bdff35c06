"""Events as iCalendar (RFC 5545), written by the `icalendar` library: an .ics file per event and
a feed of upcoming ones. Times are in Europe/Berlin (DTSTART;TZID=Europe/Berlin with its
VTIMEZONE), so a calendar shows 18:00 on both sides of the change to summer time."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from app.meetings.labels import kind_and_title, kind_label
from app.models import Meeting, utcnow
from app.templating import local_zone
from app.urls import public_url

PRODUCT_ID = "-//Kreis Coesfeld//Coesfeld 12.0 Ideenplattform//DE"


def _event(meeting: Meeting, url: str) -> Event:
    zone = local_zone()
    event = Event()
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    event.add("uid", f"veranstaltung-{meeting.id}@{host}")
    event.add("dtstamp", meeting.updated_at or utcnow())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", kind_and_title(meeting.kind, meeting.title))
    place = ", ".join(part for part in (meeting.address, meeting.municipality.name if meeting.municipality else "") if part)
    if place or meeting.online_url:
        event.add("location", place or meeting.online_url)
    description = "\n\n".join(part for part in (meeting.description, meeting.online_url and f"Online: {meeting.online_url}", url) if part)
    event.add("description", description)
    event.add("url", url)
    event.add("categories", [kind_label(meeting.kind)])
    return event


def calendar_of(meetings: Iterable[Meeting], url_of, name: str) -> bytes:
    """One VCALENDAR with a VEVENT per meeting (url_of(meeting) is its page's path) and the
    VTIMEZONE they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", current_app.config["BABEL_DEFAULT_TIMEZONE"])
    for meeting in meetings:
        calendar.add_component(_event(meeting, public_url(url_of(meeting))))
    calendar.add_missing_timezones()
    return calendar.to_ical()

"""Events (app/meetings): the rules of a valid event, who may plan one, and its iCalendar output
(parsed back by the library; DTSTART in Europe/Berlin on both sides of the change to summer time)."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.admin import services as admin
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.meetings import calendar, queries, services
from app.meetings.services import MeetingInput
from app.models import AuditEntry, Meeting
from tests.factories import create_user, town_id

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def staff(app, reference):
    admin_user = create_user("admin@example.com", roles=("admin",))
    officer = create_user("cdo@example.com", roles=("officer",))
    admin.set_officer_towns(officer, [town_id("duelmen")], admin_user)
    db.session.commit()
    return {"moderator": create_user("mod@example.com", roles=("moderator",)), "officer": officer,
            "citizen": create_user("buerger@example.com")}


def _input(**changes) -> MeetingInput:
    start = datetime(2027, 3, 26, 18, 0, tzinfo=BERLIN)
    values = {"kind": "workshop", "title": "Themenworkshop Mobilität", "starts_at": start, "ends_at": start + timedelta(hours=2),
              "municipality_id": town_id("duelmen"), "address": "Rathaus, Markt 1"}
    values.update(changes)
    return MeetingInput(**values)


def test_an_event_needs_an_end_after_its_start_a_place_or_a_link_and_a_real_link(staff):
    moderator = staff["moderator"]
    start = datetime(2027, 5, 3, 18, 0, tzinfo=BERLIN)
    bad = {
        "ends before it starts": _input(starts_at=start, ends_at=start - timedelta(minutes=1)),
        "ends when it starts": _input(starts_at=start, ends_at=start),
        "nowhere": _input(municipality_id=None, online_url=""),
        "script link": _input(online_url="javascript:alert(1)"),
        "half a link": _input(online_url="www.example.de/raum"),
        "link with a space": _input(online_url="https://example.de/a b"),
        "no title": _input(title="   "),
        "no kind": _input(kind="party"),
        "no places": _input(capacity=0),
        "unknown town": _input(municipality_id=99999),
    }
    for name, data in bad.items():
        try:
            services.create_meeting(moderator, data)
        except InvalidInput:
            db.session.rollback()
        else:
            pytest.fail(f"accepted an event that {name}" if name.startswith(("ends", "no ")) else f"accepted: {name}")
    assert db.session.scalars(select(Meeting)).all() == []
    online = services.create_meeting(moderator, _input(municipality_id=None, online_url="https://meet.example.de/coesfeld"))
    assert online.municipality_id is None and online.online_url == "https://meet.example.de/coesfeld"


def test_an_officer_plans_events_in_their_own_towns_only(staff):
    officer = staff["officer"]
    with pytest.raises(NotAllowed):
        services.create_meeting(officer, _input(municipality_id=town_id("nottuln")))
    with pytest.raises(NotAllowed):
        services.create_meeting(officer, _input(municipality_id=None, online_url="https://meet.example.de/x"))
    with pytest.raises(NotAllowed):
        services.create_meeting(staff["citizen"], _input())
    db.session.rollback()
    meeting = services.create_meeting(officer, _input())
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.edit_meeting(meeting, officer, _input(municipality_id=town_id("nottuln")))
    db.session.rollback()
    assert services.edit_meeting(meeting, officer, _input(report="Zwölf Ideen gesammelt."))
    assert not services.edit_meeting(meeting, officer, _input(report="Zwölf Ideen gesammelt.")), "unchanged"
    db.session.commit()
    assert meeting.report_at is not None
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))][-2:] == ["meeting.create", "meeting.edit"]


def test_upcoming_and_past_and_the_filters(staff):
    moderator = staff["moderator"]
    now = datetime.now(timezone.utc)
    soon = services.create_meeting(moderator, _input(title="Bald", starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2)))
    running = services.create_meeting(moderator, _input(title="Läuft", kind="helpdesk", starts_at=now - timedelta(hours=1),
                                                        ends_at=now + timedelta(hours=1), municipality_id=town_id("nottuln")))
    over = services.create_meeting(moderator, _input(title="Vorbei", starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3) + timedelta(hours=2)))
    db.session.commit()
    assert [m.title for m in queries.upcoming()] == [running.title, soon.title]
    assert [m.title for m in queries.past()] == [over.title]
    assert [m.title for m in queries.upcoming(queries.MeetingFilters(town="nottuln"))] == ["Läuft"]
    assert [m.title for m in queries.upcoming(queries.MeetingFilters(kind="workshop"))] == ["Bald"]


def _parsed(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def test_the_calendar_file_keeps_german_time_across_the_change_to_summer_time(app, staff):
    moderator = staff["moderator"]
    # Summer time begins on Sunday, 28 March 2027: 18:00 is 17:00 UTC before and 16:00 UTC after.
    before = services.create_meeting(moderator, _input(title="Vorher", starts_at=datetime(2027, 3, 26, 18, 0, tzinfo=BERLIN),
                                                       ends_at=datetime(2027, 3, 26, 20, 0, tzinfo=BERLIN)))
    after = services.create_meeting(moderator, _input(title="Nachher", starts_at=datetime(2027, 3, 30, 18, 0, tzinfo=BERLIN),
                                                      ends_at=datetime(2027, 3, 30, 20, 0, tzinfo=BERLIN), online_url="https://meet.example.de/r"))
    db.session.commit()
    assert before.starts_at.astimezone(timezone.utc).hour == 17 and after.starts_at.astimezone(timezone.utc).hour == 16
    with app.test_request_context():
        body = calendar.calendar_of([before, after], lambda m: f"/veranstaltungen/{m.id}", "Test")
    parsed = _parsed(body)
    assert parsed["VERSION"] == "2.0" and parsed["PRODID"] == calendar.PRODUCT_ID
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 2
    for event in events:
        start = event["DTSTART"]
        assert start.params["TZID"] == "Europe/Berlin"
        assert (start.dt.hour, start.dt.minute) == (18, 0) and str(start.dt.tzinfo) == "Europe/Berlin"
        assert event["DTEND"].dt - start.dt == timedelta(hours=2)
    assert [e["DTSTART"].dt.astimezone(timezone.utc).hour for e in events] == [17, 16]
    assert [str(z["TZID"]) for z in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    first, second = events
    assert str(first["SUMMARY"]) == "Themenworkshop: Vorher"
    assert str(first["LOCATION"]) == "Rathaus, Markt 1, Dülmen"
    assert str(first["URL"]) == f"http://localhost/veranstaltungen/{before.id}"
    assert str(first["UID"]) != str(second["UID"])
    assert "Online: https://meet.example.de/r" in str(second["DESCRIPTION"])
    assert b"\r\n" in body, "RFC 5545 lines end in CRLF"

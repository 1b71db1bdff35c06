"""Events on the web: staff plan one (bad input comes back with the text kept and the error
beside the field), everyone finds it on /veranstaltungen, the start page and its town's page, and
takes the .ics file or the feed."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.admin import services as admin
from app.extensions import db
from app.meetings import services
from app.meetings.services import MeetingInput
from app.models import Meeting
from tests.factories import create_user, town_id
from tests.helpers import page_text

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def staff(app, reference):
    admin_user = create_user("admin@example.com", roles=("admin",))
    officer = create_user("cdo@example.com", roles=("officer",))
    admin.set_officer_towns(officer, [town_id("duelmen")], admin_user)
    db.session.commit()
    return {"moderator": create_user("mod@example.com", roles=("moderator",)), "officer": officer}


def _form(**changes) -> dict:
    start = (datetime.now(BERLIN) + timedelta(days=10)).replace(hour=18, minute=0, second=0, microsecond=0)
    data = {"kind": "workshop", "title": "Themenworkshop Mobilität", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "municipality_id": str(town_id("duelmen")),
            "address": "Rathaus Dülmen, Markt 1", "online_url": "", "description": "Wir sammeln Ideen zur Mobilität.",
            "partners": "Stadtwerke", "capacity": "30"}
    data.update(changes)
    return data


def test_staff_plan_an_event_and_bad_input_comes_back_beside_the_field(client, auth, staff):
    auth.login("mod@example.com")
    assert client.get("/veranstaltungen/neu").status_code == 200
    early = _form(ends_at=_form()["starts_at"])
    response = client.post("/veranstaltungen/neu", data=early)
    assert response.status_code == 422
    assert "Die Veranstaltung muss nach ihrem Beginn enden." in page_text(response.text)
    assert 'value="Themenworkshop Mobilität"' in response.text and "Wir sammeln Ideen zur Mobilität." in response.text
    link = client.post("/veranstaltungen/neu", data=_form(online_url="javascript:alert(1)"))
    assert link.status_code == 422 and "beginnend mit https://" in page_text(link.text) and 'value="javascript:alert(1)"' in link.text
    nowhere = client.post("/veranstaltungen/neu", data=_form(municipality_id="", online_url=""))
    assert nowhere.status_code == 422 and "oder geben Sie den Link zur Online-Teilnahme an" in page_text(nowhere.text)
    places = client.post("/veranstaltungen/neu", data=_form(capacity="0"))
    assert places.status_code == 422
    assert db.session.scalars(select(Meeting)).all() == []
    created = client.post("/veranstaltungen/neu", data=_form())
    meeting = db.session.scalars(select(Meeting)).one()
    assert created.status_code == 303 and created.location == f"/veranstaltungen/{meeting.id}"
    assert meeting.starts_at.astimezone(BERLIN).hour == 18, "the form's time is German time"
    page = page_text(client.get(f"/veranstaltungen/{meeting.id}").text)
    assert "Themenworkshop Mobilität" in page and "Rathaus Dülmen, Markt 1, Dülmen" in page and "18:00–20:00" in page
    edit = client.get(f"/veranstaltungen/{meeting.id}/bearbeiten")
    assert f'value="{_form()["starts_at"]}"' in edit.text, "the edit form shows German time again"
    saved = client.post(f"/veranstaltungen/{meeting.id}/bearbeiten", data=_form(report="Zwölf Ideen gesammelt."))
    assert saved.status_code == 303
    assert "Zwölf Ideen gesammelt." in client.get(f"/veranstaltungen/{meeting.id}").text


def test_an_officer_is_refused_another_town_s_event(client, auth, staff):
    nottuln = services.create_meeting(staff["moderator"], MeetingInput(
        kind="dialogue", title="Bürgerdialog Nottuln", starts_at=datetime.now(timezone.utc) + timedelta(days=3),
        ends_at=datetime.now(timezone.utc) + timedelta(days=3, hours=2), municipality_id=town_id("nottuln")))
    db.session.commit()
    auth.login("cdo@example.com")
    assert client.get(f"/veranstaltungen/{nottuln.id}/bearbeiten").status_code == 403
    form = client.get("/veranstaltungen/neu").text
    assert "Nottuln" not in form and "Dülmen" in form, "the town choices are the officer's"
    refused = client.post("/veranstaltungen/neu", data=_form(municipality_id=str(town_id("nottuln"))))
    assert refused.status_code == 422 and "nur in Ihren eigenen Kommunen" in page_text(refused.text)
    assert client.post("/veranstaltungen/neu", data=_form()).status_code == 303


def test_an_event_titled_with_its_kind_names_the_kind_once(client, staff):
    now = datetime.now(timezone.utc)
    for title in ("Themenworkshop Mobilität", "Bildung"):
        services.create_meeting(staff["moderator"], MeetingInput(
            kind="workshop", title=title, starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2),
            municipality_id=town_id("duelmen")))
    db.session.commit()
    start = page_text(client.get("/").text)
    assert "Themenworkshop Mobilität" in start and "Themenworkshop: Themenworkshop" not in start
    assert "Themenworkshop: Bildung" in start, "a title that does not name the kind gets it in front"
    feed = Calendar.from_ical(client.get("/veranstaltungen/kalender.ics").data)
    assert sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT")) == ["Themenworkshop Mobilität", "Themenworkshop: Bildung"]


def test_everyone_finds_events_and_takes_them_into_a_calendar(client, staff):
    now = datetime.now(timezone.utc)
    soon = services.create_meeting(staff["moderator"], MeetingInput(
        kind="helpdesk", title="Sprechstunde im Bürgerbüro", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=2),
        municipality_id=town_id("duelmen"), address="Bürgerbüro"))
    services.create_meeting(staff["moderator"], MeetingInput(
        kind="workshop", title="Workshop Bildung", starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=5) + timedelta(hours=3),
        municipality_id=town_id("nottuln"), report="Acht Ideen."))
    db.session.commit()
    listing = page_text(client.get("/veranstaltungen").text)
    assert listing.index("Sprechstunde im Bürgerbüro") < listing.index("Vergangene Veranstaltungen") < listing.index("Workshop Bildung")
    assert "Workshop Bildung" not in page_text(client.get("/veranstaltungen?kommune=duelmen").text)
    assert "Sprechstunde im Bürgerbüro" not in page_text(client.get("/veranstaltungen?art=workshop").text)
    assert client.get("/veranstaltungen?art=<script>").status_code == 200
    assert "Sprechstunde im Bürgerbüro" in page_text(client.get("/").text), "the start page names the next events"
    town = page_text(client.get("/kommunen/duelmen").text)
    assert "Anstehende Veranstaltungen" in town and "Sprechstunde im Bürgerbüro" in town
    ics = client.get(f"/veranstaltungen/{soon.id}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Sprechstunde der Digitallotsen: Sprechstunde im Bürgerbüro"
    feed = Calendar.from_ical(client.get("/veranstaltungen/kalender.ics").data)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Sprechstunde der Digitallotsen: Sprechstunde im Bürgerbüro"], "upcoming only"
    assert client.get("/veranstaltungen/999999").status_code == 404
    assert client.get("/veranstaltungen/999999.ics").status_code == 404

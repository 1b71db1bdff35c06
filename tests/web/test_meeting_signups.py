"""Signing up for an event (decision 0026): one per person (the database's constraint), a cap on
places with a waiting list that moves up when someone cancels, the cap never below the sign-ups,
and a reminder the day before through the notifications people already have."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput
from app.extensions import db
from app.meetings import services
from app.meetings.services import MeetingInput
from app.models import MeetingSignup, Notification, OutgoingMail, User, utcnow
from app.notifications import fanout, mails
from tests.factories import create_user, town_id
from tests.helpers import page_text


@pytest.fixture
def event(app, reference):
    moderator = create_user("mod@example.com", roles=("moderator",))
    for name in ("anna", "ben", "carla"):
        create_user(f"{name}@example.com", display_name=name.title())
    start = utcnow() + timedelta(hours=20)
    meeting = services.create_meeting(moderator, MeetingInput(kind="dialogue", title="Bürgerdialog Digitales Rathaus", starts_at=start,
                                                              ends_at=start + timedelta(hours=2), municipality_id=town_id("duelmen"),
                                                              address="Rathaus", capacity=2))
    db.session.commit()
    return meeting


def test_two_places_a_waiting_list_and_moving_up(client, auth, event):
    page = page_text(client.get(f"/veranstaltungen/{event.id}").text)
    assert "noch 2 frei" in page and "Melden Sie sich an, um sich für die Veranstaltung anzumelden." in page
    for name in ("anna", "ben", "carla"):
        auth.login(f"{name}@example.com")
        assert client.post(f"/veranstaltungen/{event.id}/anmelden").status_code == 303
        auth.logout()
    auth.login("anna@example.com")
    client.post(f"/veranstaltungen/{event.id}/anmelden")  # twice is once
    assert db.session.scalar(select(func.count()).select_from(MeetingSignup)) == 3
    assert "Sie sind angemeldet." in page_text(client.get(f"/veranstaltungen/{event.id}").text)
    auth.logout()
    auth.login("carla@example.com")
    for _ in range(2):  # the second from the page cache: the reader's part still says where she stands
        response = client.get(f"/veranstaltungen/{event.id}")
        assert "Sie stehen auf der Warteliste, an Platz 1." in page_text(response.text)
        assert "alle vergeben" in page_text(response.text)
    auth.logout()
    auth.login("anna@example.com")
    client.post(f"/veranstaltungen/{event.id}/abmelden")
    auth.logout()
    auth.login("carla@example.com")
    assert "Sie sind angemeldet." in page_text(client.get(f"/veranstaltungen/{event.id}").text), "she moved up"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_the_cap_cannot_fall_below_the_sign_ups(event):
    moderator = _user("mod@example.com")
    for name in ("anna", "ben"):
        services.sign_up(_user(f"{name}@example.com"), event)
    db.session.commit()
    data = MeetingInput(kind=event.kind, title=event.title, starts_at=event.starts_at, ends_at=event.ends_at,
                        municipality_id=event.municipality_id, address=event.address, capacity=1)
    with pytest.raises(InvalidInput, match="2 Personen"):
        services.edit_meeting(event, moderator, data)


def test_signing_up_closes_when_the_event_begins(event):
    anna = _user("anna@example.com")
    event.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(InvalidInput):
        services.sign_up(anna, event)


def test_a_reminder_the_day_before_to_those_with_a_place_once(app, event, outbox):
    people = {u.email: u for u in db.session.scalars(select(User))}
    for name in ("anna", "ben", "carla"):
        services.sign_up(people[f"{name}@example.com"], event)
    db.session.commit()
    assert services.record_reminders(now=utcnow() - timedelta(hours=10)) == 0, "more than a day ahead: not yet"
    assert services.record_reminders() == 1
    assert services.record_reminders() == 0, "once per event, however often the worker runs"
    fanout.fan_out_events()
    db.session.commit()
    reminded = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "meeting.reminder"))}
    assert reminded == {people["anna@example.com"].id, people["ben@example.com"].id}, "those waiting hear nothing"
    mails.mail_immediate()
    db.session.commit()
    mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.to_address == "anna@example.com")).one()
    assert "Erinnerung: „Bürgerdialog Digitales Rathaus“" in mail.subject + mail.body_text
    assert "Rathaus, Dülmen" in mail.body_text


def test_who_moves_up_from_the_waiting_list_is_told(event):
    people = {u.email: u for u in db.session.scalars(select(User))}
    for name in ("anna", "ben", "carla"):
        services.sign_up(people[f"{name}@example.com"], event)
    db.session.commit()
    services.cancel_signup(people["ben@example.com"], event)  # had a place: Carla moves up
    services.cancel_signup(people["carla@example.com"], event)  # now she cancels too: nobody waits, nobody is told
    db.session.commit()
    fanout.fan_out_events()
    db.session.commit()
    told = db.session.scalars(select(Notification).where(Notification.kind == "meeting.place")).all()
    assert [n.user_id for n in told] == [people["carla@example.com"].id]
    from app.notifications.messages import describe
    from app.urls import link_context

    with link_context():
        assert describe(told[0]).text.startswith("Ein Platz ist frei geworden: Sie sind jetzt zu „Bürgerdialog Digitales Rathaus“ angemeldet")

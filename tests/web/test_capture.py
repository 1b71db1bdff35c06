"""Ideas taken down on someone's behalf (decision 0027): a Digitallotsin enters three ideas from a
workshop wall one after the other; the person named as they chose; one person claims theirs with
the link from the mail and edits it. Bad input comes back with the text kept; a link works once
and expires; a Digitallotse cannot edit another's entry."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.capture import services as capture
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.services import MeetingInput
from app.models import AuditEntry, Idea, IdeaClaim, OutgoingMail, utcnow
from app.retention import apply_retention
from tests.factories import create_user, town_id
from tests.helpers import page_text


@pytest.fixture
def workshop(app, reference):
    moderator = create_user("mod@example.com", roles=("moderator",))
    create_user("lotsin@example.com", roles=("helper",), display_name="Lotsin Lea")
    create_user("lotse@example.com", roles=("helper",), display_name="Lotse Leo")
    now = utcnow()
    meeting = meetings.create_meeting(moderator, MeetingInput(kind="workshop", title="Themenworkshop Mobilität", starts_at=now - timedelta(hours=2),
                                                              ends_at=now - timedelta(hours=1), municipality_id=town_id("duelmen")))
    db.session.commit()
    return meeting


def _card(title: str, **changes) -> dict:
    from app.models import ActionField

    field = db.session.scalar(select(ActionField.id).where(ActionField.slug == "mobilitaet"))
    data = {"title": title, "summary": "Kurz gesagt.", "benefit": "Weniger Autos.", "challenges": "Geld.",
            "action_field_ids": [str(field)], "municipality_id": str(town_id("duelmen")), "save_entry": "1"}
    data.update(changes)
    return data


def test_three_ideas_from_a_workshop_wall_one_after_the_other(client, auth, workshop):
    auth.login("lotsin@example.com")
    form = client.get(f"/erfassen?veranstaltung={workshop.id}").text
    assert f'<option selected value="{workshop.id}">' in form or f'value="{workshop.id}" selected' in form
    first = client.post("/erfassen", data=_card("Bürgerbus per Telefon buchen", meeting_id=str(workshop.id)))
    assert first.status_code == 303 and first.location == f"/erfassen?veranstaltung={workshop.id}#titel"
    page = page_text(client.get(first.location).text)
    assert "Gespeichert: „Bürgerbus per Telefon buchen“ ist zur Prüfung veröffentlicht." in page
    client.post("/erfassen", data=_card("Sitzbänke mit Ladestation", meeting_id=str(workshop.id), public_name="Maria aus Lette"))
    client.post("/erfassen", data=_card("Fahrplan am Telefon vorlesen", meeting_id=str(workshop.id),
                                       email="oma.else@example.com", consent="y"))
    ideas = db.session.scalars(select(Idea).where(Idea.meeting_id == workshop.id).order_by(Idea.id)).all()
    assert [i.status for i in ideas] == ["published"] * 3, "published for the same review as every idea"
    assert [i.public_author for i in ideas] == ["Teilnehmende:r des Workshops „Themenworkshop Mobilität“", "Maria aus Lette",
                                               "Teilnehmende:r des Workshops „Themenworkshop Mobilität“"]
    assert {i.entered_role for i in ideas} == {"helper"}
    mine = page_text(client.get("/erfassen").text)
    assert all(i.title in mine for i in ideas), "a Digitallotsin sees what she entered"
    auth.logout()
    shown = page_text(client.get(f"/ideen/{ideas[1].id}").text)
    assert "Eingereicht von Maria aus Lette" in shown
    assert "Erfasst von Digitallotse/Digitallotsin am" in shown and "Themenworkshop Mobilität" in shown
    assert "Lotsin Lea" not in shown, "who took it down is named by role only"
    listed = page_text(client.get(f"/veranstaltungen/{workshop.id}").text)
    assert all(i.title in listed for i in ideas), "the event lists the ideas collected there"
    mail = db.session.scalars(select(OutgoingMail)).one()
    assert mail.to_address == "oma.else@example.com" and "Fahrplan am Telefon vorlesen" in mail.body_text
    assert "Lotsin Lea" not in mail.body_text and "/ideen/uebernehmen/" in mail.body_text
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "idea.taken_down")) == 3


def test_bad_input_comes_back_with_the_text_kept(client, auth, workshop):
    auth.login("lotsin@example.com")
    cases = {
        "an address without consent": (_card("Idee A", meeting_id=str(workshop.id), email="a@example.com"), "Nur mit Einwilligung der Person"),
        "no name and no event": (_card("Idee B"), "oder wählen Sie die Veranstaltung"),
        "an unknown event": (_card("Idee C", meeting_id="999999"), "Bitte wählen Sie eine Veranstaltung aus der Liste."),
        "a bad address": (_card("Idee D", meeting_id=str(workshop.id), email="keine-adresse", consent="y"), "gültige E-Mail-Adresse"),
        "an incomplete card": (_card("Idee E", meeting_id=str(workshop.id), summary=""), "Bitte beschreiben Sie Ihre Idee kurz."),
        "a web address as name": (_card("Idee F", public_name="www.spam.example"), "Bitte keine Internetadresse in den Namen schreiben."),
    }
    for name, (data, message) in cases.items():
        response = client.post("/erfassen", data=data)
        assert response.status_code == 422, name
        assert message in page_text(response.text), name
        assert f'value="{data["title"]}"' in response.text, f"{name}: the title is kept"
    assert db.session.scalars(select(Idea)).all() == []


def _claim_link(body: str) -> str:
    return re.search(r"(/ideen/uebernehmen/[A-Za-z0-9_-]+)", body).group(1)


def test_the_person_claims_the_idea_once_and_edits_it(client, auth, workshop):
    auth.login("lotsin@example.com")
    client.post("/erfassen", data=_card("Fahrplan am Telefon vorlesen", meeting_id=str(workshop.id), email="else@example.com", consent="y"))
    auth.logout()
    link = _claim_link(db.session.scalars(select(OutgoingMail)).one().body_text)
    page = page_text(client.get(link).text)
    assert "Die Idee „Fahrplan am Telefon vorlesen“ wurde für Sie erfasst." in page and "Anmelden" in page
    else_ = create_user("else@example.com", display_name="Else K.")
    db.session.commit()
    auth.login("else@example.com")
    claimed = client.post(link)
    idea = db.session.scalars(select(Idea)).one()
    assert claimed.status_code == 303 and claimed.location == f"/ideen/{idea.id}"
    db.session.expire_all()
    assert idea.author_id == else_.id and idea.public_author == "Else K." and idea.entered_role == "helper"
    claim = db.session.scalars(select(IdeaClaim)).one()
    assert claim.email is None and claim.token_hash is None and claim.claimed_by_id == else_.id
    assert client.get(f"/ideen/{idea.id}/bearbeiten").status_code == 200, "now it is hers like any other"
    edited = client.post(f"/ideen/{idea.id}/bearbeiten", data={**_card("Fahrplan am Telefon vorlesen lassen"), "save": "1"})
    assert edited.status_code in (302, 303)
    again = client.get(link)
    assert again.status_code == 404, "the link's hash is gone with its use"
    auth.logout()
    auth.login("lotsin@example.com")
    assert client.get(f"/ideen/{idea.id}/bearbeiten").status_code == 403, "the Digitallotsin let go of it"


def test_a_link_expires_and_its_address_is_deleted(client, auth, workshop, app):
    from app.ideas.services import IdeaCard
    from app.models import ActionField, User

    lotsin = db.session.scalar(select(User).where(User.email == "lotsin@example.com"))
    card = IdeaCard(title="Alte Idee", summary="S", benefit="B", challenges="C", municipality_id=town_id("duelmen"),
                    action_field_ids=[db.session.scalar(select(ActionField.id).limit(1))])
    from app.urls import link_context

    with link_context():
        idea, token = capture.take_down(lotsin, card, capture.OnBehalf(meeting_id=workshop.id, email="alt@example.com", consent=True))
    db.session.commit()
    claim = db.session.scalars(select(IdeaClaim)).one()
    claim.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = client.get(f"/ideen/uebernehmen/{token}")
    assert expired.status_code == 410 and "Dieser Link ist abgelaufen." in page_text(expired.text)
    removed = apply_retention()
    assert removed.counts["expired claim links"] == 1
    db.session.expire_all()
    assert claim.email is None and claim.token_hash is None
    assert client.get(f"/ideen/uebernehmen/{token}").status_code == 404


def test_a_digitallotse_cannot_edit_another_s_entry(client, auth, workshop):
    auth.login("lotsin@example.com")
    client.post("/erfassen", data=_card("Lotsin-Idee", meeting_id=str(workshop.id)))
    idea = db.session.scalars(select(Idea)).one()
    auth.logout()
    auth.login("lotse@example.com")
    assert client.get(f"/ideen/{idea.id}/bearbeiten").status_code == 403
    assert client.post(f"/ideen/{idea.id}/bearbeiten", data={**_card("Überschrieben"), "save": "1"}).status_code == 403
    assert client.get("/moderation").status_code == 403, "a Digitallotse may only take down ideas"
    assert "Lotsin-Idee" not in page_text(client.get("/erfassen").text), "each sees what they entered"
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).title == "Lotsin-Idee"

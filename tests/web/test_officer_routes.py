"""A Dülmen officer's day through the web (decision 0025): the dashboard opens on Dülmen's queue,
a Dülmen idea is reviewed and answered; on a Nottuln idea every form and URL answers 403 and
changes nothing. The administration assigns the towns on the account page."""

import pytest
from sqlalchemy import select

from app.admin import services as admin
from app.extensions import db
from app.models import Idea, OfficerTown, OfficialAnswer
from app.participation import services as participation
from tests.factories import create_user, make_idea, town_id
from tests.helpers import page_text


@pytest.fixture
def world(app, reference):
    admin_user = create_user("admin@example.com", roles=("admin",))
    officer = create_user("cdo@example.com", roles=("officer",), display_name="CDO Dülmen")
    admin.set_officer_towns(officer, [town_id("duelmen")], admin_user)
    author = create_user("autorin@example.com", display_name="Autorin")
    duelmen = make_idea(author, "Dülmener WLAN im Park", municipality="duelmen")
    nottuln = make_idea(author, "Nottulner Dorf-App", municipality="nottuln")
    comment = participation.add_comment(create_user("leser@example.com"), nottuln, "Ein Kommentar in Nottuln")
    db.session.commit()
    return {"officer": officer, "duelmen": duelmen, "nottuln": nottuln, "comment": comment, "admin": admin_user}


def test_the_dashboard_opens_on_the_officer_s_towns(client, auth, world):
    auth.login("cdo@example.com")
    page = page_text(client.get("/moderation").text)
    assert "Dülmener WLAN im Park" in page and "Nottulner Dorf-App" not in page
    assert "moderieren Sie die Ideen Ihrer Kommunen: Dülmen." in page
    # A filter in the URL cannot widen the scope.
    assert "Nottulner Dorf-App" not in page_text(client.get("/moderation?municipality=nottuln").text)
    assert "Moderation" in page_text(client.get("/").text), "the navigation leads there"


def test_a_dulmen_idea_is_answered_a_nottuln_one_is_refused(client, auth, world):
    duelmen, nottuln, comment = world["duelmen"], world["nottuln"], world["comment"]
    auth.login("cdo@example.com")
    assert client.get(f"/moderation/ideen/{duelmen.id}").status_code == 200
    assert client.post(f"/moderation/ideen/{duelmen.id}/status", data={"to_status": "in_review"}).status_code == 302
    answered = client.post(f"/moderation/ideen/{duelmen.id}/antwort", data={"body": "Wir prüfen das.", "signature": "CDO Dülmen"})
    assert answered.status_code == 302
    refused = {
        "page": client.get(f"/moderation/ideen/{nottuln.id}"),
        "status": client.post(f"/moderation/ideen/{nottuln.id}/status", data={"to_status": "in_review"}),
        "answer": client.post(f"/moderation/ideen/{nottuln.id}/antwort", data={"body": "Nein.", "signature": "CDO"}),
        "score": client.get(f"/moderation/ideen/{nottuln.id}/bewertung"),
        "hide": client.post(f"/moderation/ideen/{nottuln.id}/verbergen", data={"reason": "Test"}),
        "hide comment": client.post(f"/moderation/kommentare/{comment.id}/verbergen", data={"reason": "Test"}),
        "merge out": client.post(f"/moderation/ideen/{nottuln.id}/zusammenfuehren", data={"target_id": duelmen.id, "reason": "Doppelt"}),
        "merge in": client.post(f"/moderation/ideen/{duelmen.id}/zusammenfuehren", data={"target_id": nottuln.id, "reason": "Doppelt"}),
        "bulk": client.post("/moderation/ideen/in-pruefung", data={"idea_id": [str(duelmen.id), str(nottuln.id)]}),
        "project link": client.post(f"/moderation/ideen/{duelmen.id}/projekt", data={"project": "20", "link_reason": "Passt"}),
    }
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 403)
    db.session.expire_all()
    nottuln = db.session.get(Idea, nottuln.id)
    assert nottuln.status == "published" and not nottuln.is_hidden and nottuln.merged_into_id is None
    assert db.session.scalars(select(OfficialAnswer.idea_id)).all() == [duelmen.id]
    assert db.session.get(Idea, duelmen.id).status == "in_review"


def test_the_administration_assigns_the_towns(client, auth, world):
    user = create_user("neu@example.com", roles=("officer",))
    db.session.commit()
    auth.login("admin@example.com")
    page = client.get(f"/verwaltung/konten/{user.id}")
    assert "Kommunen der/des Digitalverantwortlichen" in page_text(page.text) and "Kreis Coesfeld (kreisweit)" not in page.text.split('id="h-towns"')[1]
    bad = client.post(f"/verwaltung/konten/{user.id}/kommunen", data={"towns": [str(town_id("kreis-coesfeld"))]})
    assert bad.status_code == 422 and "field-error" in bad.text
    done = client.post(f"/verwaltung/konten/{user.id}/kommunen", data={"towns": [str(town_id("nottuln")), str(town_id("senden"))]})
    assert done.status_code == 303
    assert set(db.session.scalars(select(OfficerTown.municipality_id).where(OfficerTown.user_id == user.id))) == {town_id("nottuln"), town_id("senden")}
    assert "Änderte die Kommunen" in page_text(client.get(f"/verwaltung/konten/{user.id}").text), "the audit log says so in words"


def test_an_officer_chooses_to_be_named_on_the_town_s_page(client, auth, world):
    assert "Hier ist noch keine Ansprechperson genannt." in page_text(client.get("/kommunen/duelmen").text)
    auth.login("cdo@example.com")
    missing = client.post("/konto/ansprechperson", data={"contact_name": "Dana Beispiel", "contact_function": ""})
    assert missing.status_code == 422 and "Bitte geben Sie auch Ihre Funktion an" in page_text(missing.text)
    assert 'value="Dana Beispiel"' in missing.text, "the input is kept"
    spam = client.post("/konto/ansprechperson", data={"contact_name": "www.spam.example", "contact_function": "x"})
    assert spam.status_code == 422
    saved = client.post("/konto/ansprechperson", data={"contact_name": "Dana Beispiel", "contact_function": "Digitalisierungsbeauftragte der Stadt Dülmen"})
    assert saved.status_code == 303
    auth.logout()
    town = page_text(client.get("/kommunen/duelmen").text)
    assert "Dana Beispiel" in town and "Digitalisierungsbeauftragte der Stadt Dülmen" in town, "the cached page shows the change"
    assert "Dana Beispiel" not in page_text(client.get("/kommunen/nottuln").text)
    auth.login("cdo@example.com")
    client.post("/konto/ansprechperson", data={"contact_name": "", "contact_function": ""})
    auth.logout()
    assert "Dana Beispiel" not in page_text(client.get("/kommunen/duelmen").text), "an empty name: no longer shown"


def test_a_citizen_cannot_publish_a_contact(client, auth, world):
    auth.login("autorin@example.com")
    assert client.post("/konto/ansprechperson", data={"contact_name": "X", "contact_function": "Y"}).status_code == 403


def test_the_towns_are_compared_in_a_chart_and_every_town_links_its_page(client, world):
    page = client.get("/kommunen").text
    assert 'role="img" aria-labelledby="towns-chart-caption"' in page
    assert page.count('class="bar-investive"') == 12, "one bar per town and the district"
    listing = client.get("/ideen").text
    assert 'href="/kommunen/duelmen"' in listing and 'href="/kommunen/nottuln"' in listing, "the cards link their towns"


def test_the_administration_writes_a_town_s_office_address(client, auth, world):
    from app.models import AuditEntry, Municipality

    town = db.session.scalar(select(Municipality).where(Municipality.slug == "duelmen"))
    auth.login("admin@example.com")
    assert "Dülmen" in page_text(client.get("/verwaltung/kommunen").text)
    empty = client.post(f"/verwaltung/kommunen/{town.id}", data={"name": "", "office_address": "Markt 1"})
    assert empty.status_code == 422 and "Bitte geben Sie den Namen der Kommune an." in page_text(empty.text) and "Markt 1" in empty.text
    taken = client.post(f"/verwaltung/kommunen/{town.id}", data={"name": "Nottuln", "office_address": ""})
    assert taken.status_code == 422 and "Eine andere Kommune hat diesen Namen." in page_text(taken.text)
    saved = client.post(f"/verwaltung/kommunen/{town.id}", data={"name": "Dülmen", "office_address": "Stadt Dülmen\nMarkt 1–3\n48249 Dülmen"})
    assert saved.status_code == 303
    auth.logout()
    assert "48249 Dülmen" in page_text(client.get("/kommunen/duelmen").text)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "municipality.edit")).one()
    assert entry.after["office_address"].endswith("48249 Dülmen") and entry.before["office_address"] == ""
    auth.login("cdo@example.com")
    assert client.get(f"/verwaltung/kommunen/{town.id}").status_code == 403

"""In Chromium, at 1280 and 375 px, a workshop's journey: a Digitallotsin takes down three ideas
from the workshop wall one after the other, one with the person's address; the person opens the
link from the mail, signs in, claims the idea and edits it. axe-core, the HTML checker and reflow
on the capture form, the claim page and the idea."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.meetings import services as meetings
from app.meetings.services import MeetingInput
from app.models import OutgoingMail, utcnow
from tests.e2e.browser import assert_accessible, log_in
from tests.factories import PASSWORD, create_user, town_id


def _fill_card(page, title: str) -> None:
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Kurzbeschreibung").fill("Von der Wand abgeschrieben.")
    page.get_by_label("Zentraler Nutzen der Idee").fill("Ältere Menschen kommen mit.")
    page.get_by_label("Vermutete Herausforderungen und Schwierigkeiten").fill("Jemand muss es machen.")
    page.get_by_label("Mobilität").check()
    page.locator("#municipality_id").select_option(label="Dülmen")


def test_three_ideas_from_the_wall_one_claimed_and_edited(axe_page, reference):
    page = axe_page
    moderator = create_user("mod@example.com", roles=("moderator",))
    create_user("lotsin@example.com", roles=("helper",), display_name="Lotsin Lea")
    create_user("else@example.com", display_name="Else K.")
    now = utcnow()
    workshop = meetings.create_meeting(moderator, MeetingInput(kind="workshop", title="Themenworkshop Mobilität", starts_at=now - timedelta(hours=3),
                                                               ends_at=now - timedelta(hours=1), municipality_id=town_id("duelmen")))
    db.session.commit()

    log_in(page, "lotsin@example.com", second_factor=True)
    page.get_by_role("link", name="Ideen erfassen").click()
    page.get_by_label("Gesammelt bei der Veranstaltung").select_option(value=str(workshop.id))
    _fill_card(page, "Bürgerbus per Telefon buchen")
    assert_accessible(page, "capture-form")
    page.get_by_role("button", name="Speichern und nächste Idee erfassen").click()
    expect(page.get_by_text("Gespeichert: „Bürgerbus per Telefon buchen“")).to_be_visible()
    expect(page.get_by_label("Gesammelt bei der Veranstaltung")).to_have_value(str(workshop.id))
    _fill_card(page, "Sitzbänke mit Ladestation")
    page.get_by_label("Angezeigter Name (optional)").fill("Maria aus Lette")
    page.get_by_role("button", name="Speichern und nächste Idee erfassen").click()
    page.set_viewport_size({"width": 375, "height": 800})
    _fill_card(page, "Fahrplan am Telefon vorlesen")
    page.get_by_label("E-Mail-Adresse der Person (optional)").fill("else@example.com")
    page.get_by_role("button", name="Speichern und nächste Idee erfassen").click()
    expect(page.get_by_text("Nur mit Einwilligung der Person")).to_have_count(2)  # the summary and beside the field
    expect(page.get_by_label("Titel")).to_have_value("Fahrplan am Telefon vorlesen")
    assert_accessible(page, "capture-form-error-375")
    page.get_by_label("Die Person ist einverstanden, diesen Link per E-Mail zu erhalten.").check()
    page.get_by_role("button", name="Speichern und nächste Idee erfassen").click()
    expect(page.locator("#h-entries + ul li")).to_have_count(3)
    page.get_by_role("button", name="Abmelden").click()

    db.session.commit()  # end the test's read snapshot: the server wrote since
    link = re.search(r"(/ideen/uebernehmen/\S+)", db.session.scalars(select(OutgoingMail)).one().body_text).group(1)
    page.goto(link)
    assert_accessible(page, "claim-page-375")
    page.locator("main").get_by_role("link", name="Anmelden").click()
    page.get_by_label("E-Mail-Adresse").fill("else@example.com")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(re.compile(r"/ideen/uebernehmen/"))
    page.get_by_role("button", name=re.compile("In mein Konto übernehmen")).click()
    expect(page.get_by_text("Die Idee gehört jetzt zu Ihrem Konto.")).to_be_visible()
    expect(page.locator(".facts").first).to_contain_text("Else K.")
    expect(page.locator(".facts").first).to_contain_text("Erfasst")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page, "claimed-idea")
    page.get_by_role("link", name="Bearbeiten").first.click()
    page.get_by_label("Titel").fill("Fahrplan am Telefon vorlesen lassen")
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.locator("h1")).to_contain_text("Fahrplan am Telefon vorlesen lassen")

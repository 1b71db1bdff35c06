"""In Chromium, at 1280 and 375 px: the district's moderation plans a Themenworkshop in Dülmen
(a first try with the end before the start comes back with the error beside the field), and a
citizen finds it on the list, on Dülmen's page and takes it into a calendar. axe-core, the HTML
checker and reflow on every page of events."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from app.extensions import db
from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user


def test_staff_plan_a_workshop_and_citizens_find_it(axe_page, reference):
    page = axe_page
    create_user("mod@example.com", roles=("moderator",), display_name="Digitalagentur")
    create_user("buergerin@example.com", display_name="Anna B.")
    db.session.commit()
    start = (datetime.now(ZoneInfo("Europe/Berlin")) + timedelta(days=7)).replace(hour=18, minute=0)

    log_in(page, "mod@example.com", second_factor=True)
    page.goto("/veranstaltungen")
    page.get_by_role("link", name="Veranstaltung planen").click()
    page.get_by_label("Art der Veranstaltung").select_option(label="Themenworkshop")
    page.get_by_label("Titel").fill("Themenworkshop Mobilität in Dülmen")
    page.get_by_label("Beginn").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ende").fill((start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Kommune").select_option(label="Dülmen")
    page.get_by_label("Adresse").fill("Rathaus Dülmen, Markt 1, Ratssaal")
    page.get_by_label("Mobilität").check()
    page.get_by_label("Plätze (leer: unbegrenzt)").fill("20")
    page.get_by_role("button", name="Veranstaltung veröffentlichen").click()
    expect(page.locator("#ends_at-error")).to_contain_text("Die Veranstaltung muss nach ihrem Beginn enden.")
    expect(page.get_by_label("Titel")).to_have_value("Themenworkshop Mobilität in Dülmen")
    assert_accessible(page, "meeting-form-error")
    page.get_by_label("Ende").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Veranstaltung veröffentlichen").click()
    expect(page.get_by_text("Die Veranstaltung ist veröffentlicht.")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("18:00–20:00")
    assert_accessible(page, "meeting-page")
    page.get_by_role("button", name="Abmelden").click()

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/veranstaltungen")
    expect(page.locator(".meeting-list").first).to_contain_text("Themenworkshop Mobilität in Dülmen")
    assert_accessible(page, "meetings-375")
    page.goto("/kommunen/duelmen")
    expect(page.locator("#h-meetings + .meeting-list")).to_contain_text("Themenworkshop Mobilität in Dülmen")
    assert_accessible(page, "town-with-meetings-375")
    page.get_by_role("link", name="Themenworkshop Mobilität in Dülmen").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="In den Kalender übernehmen (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")

    # A citizen signs up for it (the place counts down on the page).
    log_in(page, "buergerin@example.com")
    page.goto("/veranstaltungen")
    page.get_by_role("link", name="Themenworkshop Mobilität in Dülmen").click()
    page.get_by_role("button", name="Zu dieser Veranstaltung anmelden").click()
    expect(page.locator("#anmeldung")).to_contain_text("Sie sind angemeldet.")
    assert_accessible(page, "meeting-signed-up-375")

"""In Chromium, at 1280 and 375 px: the report for the decision bodies, with a period that ends
before it starts (the error beside the field, the dates kept) and then a valid one. axe-core, the
HTML checker and reflow (its wide tables scroll in their own regions or wrap)."""

from playwright.sync_api import expect

from app import worker
from app.extensions import db
from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user, make_idea


def test_the_report_for_the_decision_bodies(axe_page, reference):
    page = axe_page
    create_user("sg@example.com", roles=("steering",))
    make_idea(create_user("autorin@example.com"), "Eine Idee im Zeitraum")
    db.session.commit()
    log_in(page, "sg@example.com", second_factor=True)
    page.goto("/moderation/kandidaten")
    page.get_by_role("link", name="Bericht für die Gremien").click()
    expect(page.get_by_role("heading", name="Von der Idee zum Projekt")).to_be_visible()
    assert_accessible(page, "report")
    page.locator("#von").fill("2026-12-01")
    page.locator("#bis").fill("2026-11-01")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#bis-error")).to_contain_text("Der Zeitraum endet, bevor er beginnt.")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "report-error-375")
    page.goto("/berichte")
    assert_accessible(page, "report-375")
    # A long period: asked for by button, written by the worker, listed with its download link.
    page.locator("#von").fill("2024-01-01")
    page.locator("#bis").fill("2026-12-01")
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_role("button", name="Bericht erstellen und mir den Link schicken").click()
    expect(page.get_by_text("Der Bericht wird erstellt.")).to_be_visible()
    assert worker.run_once()["reports"] == 1
    page.reload()
    expect(page.get_by_role("link", name="PDF herunterladen")).to_be_visible()
    assert_accessible(page, "report-prepared-375")

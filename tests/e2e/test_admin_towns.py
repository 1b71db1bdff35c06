"""In Chromium: the administration's pages for the district's settings — an officer's towns on the
account page, the list of towns and a town's name and office address, the action fields (with an
error at 375 px), the Räume, the funding call's limits, the site's texts — and an officer's contact form on their own account page. axe-core, the HTML
checker and reflow on each."""

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality
from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user


def test_the_administration_looks_after_the_towns_and_their_officers(axe_page, reference):
    page = axe_page
    create_user("admin@example.com", roles=("admin",))
    officer = create_user("cdo@example.com", roles=("officer",), display_name="CDO")
    db.session.commit()
    town = db.session.scalar(select(Municipality).where(Municipality.slug == "duelmen"))

    log_in(page, "admin@example.com", second_factor=True)
    page.goto(f"/verwaltung/konten/{officer.id}")
    page.get_by_label("Dülmen").check()
    page.get_by_role("button", name="Kommunen speichern").click()
    expect(page.get_by_text("Die Kommunen sind gespeichert.")).to_be_visible()
    assert_accessible(page, "admin-officer-towns")
    page.goto("/verwaltung/kommunen")
    assert_accessible(page, "admin-towns")
    page.get_by_role("link", name="Dülmen").click()
    page.get_by_label("Anschrift der Verwaltung").fill("Stadt Dülmen\nMarkt 1–3\n48249 Dülmen")
    assert_accessible(page, "admin-town")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Kommune ist gespeichert.")).to_be_visible()
    page.goto("/verwaltung/themenfelder")
    assert_accessible(page, "admin-action-fields")
    page.get_by_role("link", name="Themenfeld hinzufügen").click()
    expect(page.locator("h1")).to_have_text("Themenfeld hinzufügen")
    page.locator("#name").fill("Gesundheit und Pflege")
    page.get_by_label("Leitbild-Text").fill("Versorgung im ländlichen Raum.")
    page.get_by_label("Reihenfolge").fill("2000")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#position-error")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "admin-action-field-error-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Reihenfolge").fill("6")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Das Themenfeld ist hinzugefügt.")).to_be_visible()
    page.goto("/verwaltung/kriterien")
    assert_accessible(page, "admin-criteria")
    page.get_by_role("link", name="Kriterium hinzufügen").click()
    page.locator("#name").fill("Klimawirkung")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#axis-error")).to_be_visible()
    assert_accessible(page, "admin-criterion-error")
    # The funding call's limits: an amount that is not one comes back beside the field, at 375 px too.
    page.goto("/verwaltung/foerderaufruf")
    page.get_by_label("Höchstgrenze je Antrag in Euro").fill("15 Mio")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#max_amount-error")).to_be_visible()
    expect(page.get_by_label("Höchstgrenze je Antrag in Euro")).to_have_value("15 Mio")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "admin-funding-call-error-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Höchstgrenze je Antrag in Euro").fill("12.000.000")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Grenzen des Aufrufs sind gespeichert.")).to_be_visible()
    expect(page.locator("#application")).to_be_visible()
    page.goto("/verwaltung/raeume")
    assert_accessible(page, "admin-raeume")
    page.get_by_role("link", name="Raum für breite Teilhabe").click()
    page.get_by_label("Reihenfolge").fill("")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#position-error")).to_be_visible()
    assert_accessible(page, "admin-raum-error")
    # The site's texts: the vision as a list shows on the start page.
    page.goto("/verwaltung/texte")
    page.get_by_label("Die Vision der Strategie").fill("Gemeinsam digital:\n\n- 1 Kreis\n- 11 Städte und Gemeinden")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "admin-site-texts-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Texte speichern").click()
    expect(page.get_by_text("1 Text ist gespeichert.")).to_be_visible()
    page.goto("/")
    expect(page.locator("section[aria-labelledby=vision-heading] li")).to_have_count(2)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page, "start-page-texts-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "cdo@example.com", second_factor=True)
    page.goto("/konto")
    page.get_by_label("Angezeigter Name").fill("Dana Beispiel")
    page.get_by_label("Funktion").fill("Digitalisierungsbeauftragte der Stadt Dülmen")
    page.get_by_role("button", name="Ansprechperson speichern").click()
    expect(page.get_by_text("Ihre Angaben als Ansprechperson sind gespeichert.")).to_be_visible()
    assert_accessible(page, "account-officer-contact")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/kommunen/{town.slug}")
    expect(page.locator("#h-contacts + address")).to_contain_text("48249 Dülmen")
    expect(page.locator(".plain-list").first).to_contain_text("Dana Beispiel")
    assert_accessible(page, "town-with-contacts-375")

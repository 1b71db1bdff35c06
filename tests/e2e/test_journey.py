"""A newcomer's journey in a real browser: sign up, confirm, submit, find."""

import re

from playwright.sync_api import expect

from tests.e2e.browser import screenshot

PASSWORD = "mein-langes-passwort-2026"


def test_sign_up_confirm_submit_and_find(page, reference, outbox):
    page.goto("/")
    screenshot(page, "start")
    page.get_by_role("link", name="Registrieren").click()
    page.get_by_label("E-Mail-Adresse").fill("neu@example.com")
    page.get_by_label(re.compile(r"^Passwort \(")).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_label("Anzeigename").fill("Neue Bürgerin")
    page.get_by_label("Bürger:in").check()
    page.get_by_label("Wohnort (optional)").select_option(label="Senden")
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.locator("#accept_terms-error")).to_contain_text("Bitte akzeptieren Sie die Nutzungsbedingungen")  # consent is required
    page.get_by_label(re.compile(r"^Passwort \(")).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_label("Ich akzeptiere die Nutzungsbedingungen").check()
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
    expect(page.get_by_text("an neu@example.com geschickt")).to_be_visible()  # the address as typed

    page.goto(outbox.last_link("/bestaetigen/"))
    page.get_by_role("button", name="Meine E-Mail-Adresse bestätigen").click()
    # Confirmed in the browser that signed up: signed in, no second password prompt.
    expect(page.get_by_text("Danke! Ihre E-Mail-Adresse ist bestätigt, und Sie sind angemeldet.")).to_be_visible()

    page.get_by_role("link", name="Idee einreichen").first.click()
    page.get_by_label("Titel").fill("Beleuchtete Radwege nach Senden")
    page.get_by_label("Kurzbeschreibung").fill("Solarleuchten entlang der Radwege zwischen Senden und Ottmarsbocholt.")
    page.get_by_label("Zentraler Nutzen der Idee").fill("Sicherer Schulweg im Winter.\n\n- Kinder\n- Pendelnde")
    page.get_by_label("Vermutete Herausforderungen und Schwierigkeiten").fill("Kosten und Naturschutz.")
    page.get_by_label("Mobilität").check()
    page.get_by_label("Kommune").select_option(label="Senden")
    screenshot(page, "idea-form-filled")
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beleuchtete Radwege nach Senden")
    expect(page.get_by_text("Ihre Idee ist veröffentlicht. Vielen Dank!")).to_be_visible()
    screenshot(page, "idea-page")

    # Find it by a German search (another inflection) ...
    page.get_by_role("link", name="Ideen", exact=True).click()
    page.get_by_role("searchbox", name="Suche").fill("Radweg")
    page.get_by_role("button", name="Ideen anzeigen").click()
    expect(page.get_by_role("link", name="Beleuchtete Radwege nach Senden")).to_be_visible()
    assert "q=Radweg" in page.url
    screenshot(page, "search-result")

    # ... and by filters, which live in the URL.
    page.goto("/ideen")
    page.get_by_label("Mobilität").check()
    page.get_by_label("Kommune").select_option(label="Senden")
    page.get_by_role("button", name="Ideen anzeigen").click()
    expect(page.get_by_role("link", name="Beleuchtete Radwege nach Senden")).to_be_visible()
    assert re.search(r"field=mobilitaet", page.url) and "municipality=senden" in page.url
    page.get_by_label("Kommune").select_option(label="Olfen")
    page.get_by_role("button", name="Ideen anzeigen").click()
    expect(page.get_by_text("Keine Idee passt zu Ihrer Suche und Ihren Filtern.")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("link", name="Beleuchtete Radwege nach Senden")).to_be_visible()


def test_bad_input_in_the_browser_keeps_what_was_typed(page, reference):
    from tests.factories import PASSWORD as USER_PASSWORD
    from tests.factories import create_user

    create_user()
    page.goto("/anmelden")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.com")
    page.get_by_label("Passwort").fill(USER_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto("/ideen/neu")
    page.get_by_label("Titel").fill("Nur ein Titel")
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Eingaben")
    expect(page.get_by_label("Titel")).to_have_value("Nur ein Titel")
    page.get_by_role("link", name=re.compile("Kurzbeschreibung")).click()
    expect(page.get_by_label("Kurzbeschreibung")).to_be_focused()


def test_keyboard_skip_link_and_narrow_screens(page, reference):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # waits for the jump (reading page.url at once raced)
    for url in ("/", "/ideen", "/registrieren", "/anmelden"):
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    screenshot(page, "narrow-320-login")

"""In Chromium: the steering committee logs in with TOTP, shortlists two candidates, imports them
as one project with a budget; a citizen finds it on the public portfolio with a link back to the idea.
axe-core on the portfolio, project, budget and import pages; the CSV import of projects with its preview."""

import re
from datetime import datetime

from playwright.sync_api import expect

from tests.e2e.browser import assert_accessible, log_in
from tests.factories import advance_idea, create_user, make_idea


def test_steering_committee_shortlists_and_imports_two_candidates_as_one_project(axe_page, reference):
    page = axe_page
    citizen = create_user("buergerin@example.com", display_name="Anna B.")
    moderator = create_user("mod@example.com", roles=("moderator",))
    create_user("sg@example.com", roles=("steering",), display_name="Steuerungsgremium")
    first = advance_idea(make_idea(citizen, "Ladesäulen am Bahnhof", municipality="duelmen"), "in_review", "candidate", moderator=moderator)
    second = advance_idea(make_idea(citizen, "E-Bike-Verleih für Pendler", municipality="duelmen"), "in_review", "candidate", moderator=moderator)

    log_in(page, "sg@example.com", second_factor=True)
    page.get_by_role("link", name="Kandidaten", exact=True).click()
    for idea, note in ((first, "Passt zu P22."), (second, "Hohe Unterstützung.")):
        page.locator("tr", has_text=idea.title).get_by_role("link", name="Auf die Shortlist setzen").click()
        page.get_by_label("Notiz").fill(note)
        page.get_by_role("button", name="Auf die Shortlist setzen").click()
        expect(page.get_by_text("Die Idee steht jetzt auf der Shortlist.")).to_be_visible()

    page.get_by_role("link", name="Shortlist ins Portfolio übernehmen").click()
    page.get_by_label("Ladesäulen am Bahnhof (Dülmen)").check()
    page.get_by_label("E-Bike-Verleih für Pendler (Dülmen)").check()
    page.get_by_label("Die gewählten Ideen zu einem Projekt zusammenfassen").check()
    assert_accessible(page, "portfolio-import-select")
    page.get_by_role("button", name="Weiter").click()

    page.get_by_label("Titel").fill("Elektromobilität am Bahnhof Dülmen")
    page.get_by_label("Prioritätsgruppe").select_option(label="Priorität II")
    expect(page.locator(".import-origins")).to_contain_text("Notiz zur Shortlist")  # beside each idea, with its scores
    page.get_by_label("Bezeichnung").fill("Ladesäulen und Räder")
    expect(page.get_by_label("Jahr")).to_have_value(str(datetime.now().year + 1))  # budgets are for next year
    page.get_by_label("Betrag in Euro").fill("250.000")
    expect(page.locator(".budget-preview output")).to_contain_text("Eigenanteil")  # worked out while typing
    assert_accessible(page, "portfolio-import-plan")
    page.set_viewport_size({"width": 375, "height": 900})  # the same step on a phone
    assert_accessible(page, "portfolio-import-plan-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Ins Portfolio übernehmen").click()
    expect(page.get_by_text("Ins Portfolio übernommen: P29.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("P29 Elektromobilität am Bahnhof Dülmen")
    page.get_by_role("button", name="Abmelden").click()

    # A citizen (here: not signed in) finds the project and the way back to the idea.
    page.goto("/portfolio")
    page.get_by_label("Themenfeld").select_option(label="Mobilität")
    page.get_by_role("button", name="Filtern").click()
    assert_accessible(page, "portfolio")
    card = page.locator(".project-card", has_text="P29")
    expect(card).to_contain_text("Priorität: II")
    expect(card).to_contain_text("2 Ideen von der Plattform")  # the ideas themselves are on its page
    card.get_by_role("link", name="P29 Elektromobilität am Bahnhof Dülmen").click()
    assert_accessible(page, "portfolio-project")
    expect(page.locator("#budget")).to_contain_text("250.000,00 €")
    expect(page.locator("#budget")).to_contain_text("162.500,00 €")  # 65 % funding
    page.get_by_role("link", name="Ladesäulen am Bahnhof").click()
    expect(page.get_by_text("Diese Idee ist jetzt Teil des Portfolios:")).to_be_visible()
    expect(page.locator(".idea-meta .status")).to_have_text("Im Portfolio")

    page.goto("/portfolio/budget")
    expect(page.locator(".budget-table")).to_contain_text("250.000,00 €")
    assert_accessible(page, "portfolio-budget")


def test_staff_pages_are_accessible(axe_page, reference):
    page = axe_page
    create_user("admin@example.com", roles=("admin",))
    log_in(page, "admin@example.com", second_factor=True)
    page.goto("/portfolio/P19/bearbeiten")
    page.get_by_label("Titel").fill("")
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.get_by_text("Bitte geben Sie dem Projekt einen Titel.").first).to_be_visible()
    assert_accessible(page, "portfolio-edit-errors")
    page.goto("/portfolio/P19/budget/neu")
    page.get_by_label("Budgetposten").fill("Software")
    page.get_by_label("Betrag in Euro").fill("abc")
    page.get_by_role("button", name="Budgetposten speichern").click()
    expect(page.get_by_text("Bitte geben Sie den Betrag als Zahl an").first).to_be_visible()
    assert_accessible(page, "portfolio-budget-line-errors")


def test_staff_import_projects_from_a_csv_file_after_a_preview(axe_page, reference):
    page = axe_page
    create_user("admin@example.com", roles=("admin",), display_name="Administration")
    log_in(page, "admin@example.com", second_factor=True)
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.get_by_role("link", name="Projekte oder Budgetposten aus einer CSV-Datei importieren").click()
    assert_accessible(page, "portfolio-csv-import")

    bad = "Code;Titel;Themenfeld\nP99;Gibt es nicht;Mobilität\n;Bürger-WLAN;Raumfahrt\n"
    page.get_by_label("CSV-Datei").set_input_files({"name": "portfolio.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    page.get_by_role("button", name="Vorschau zeigen").click()
    expect(page.get_by_role("heading", name="Die Datei hat 2 Fehler. Nichts wurde gespeichert.")).to_be_visible()
    page.get_by_role("link", name="Zeile 3: Ein Themenfeld „Raumfahrt“ gibt es nicht.").click()
    expect(page).to_have_url(re.compile(r"#zeile-3$"))
    assert_accessible(page, "portfolio-csv-preview-errors")
    expect(page.get_by_role("button", name="Import bestätigen")).to_have_count(0)

    good = "Code;Titel;Themenfeld;Federführende Kommune\n;Bürger-WLAN in allen Rathäusern;Verwaltung;kreisweit\n"
    page.get_by_label("CSV-Datei").set_input_files({"name": "portfolio.csv", "mimeType": "text/csv", "buffer": good.encode()})
    page.get_by_role("button", name="Vorschau zeigen").click()
    expect(page.get_by_text("1 neu, 0 geändert, 0 unverändert.")).to_be_visible()
    assert_accessible(page, "portfolio-csv-preview")
    page.get_by_role("button", name="Import bestätigen").click()
    expect(page.get_by_text("Importiert: P29.")).to_be_visible()
    expect(page.get_by_role("link", name="P29 Bürger-WLAN in allen Rathäusern")).to_be_visible()

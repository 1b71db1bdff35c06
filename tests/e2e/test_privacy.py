"""Meine Daten in the browser: download one's data, then delete the account; axe on each page."""

import json
import zipfile

from app.privacy import services
from tests.e2e.browser import assert_accessible
from tests.factories import PASSWORD, create_user, make_idea


def test_download_my_data_then_delete_my_account(axe_page, reference):
    page = axe_page
    erika = create_user()
    idea = make_idea(erika, "Erikas Idee für den Browser")
    page.goto("/anmelden")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.com")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.goto("/konto")
    page.get_by_role("link", name="Meine Daten: alles herunterladen").click()
    page.get_by_role("button", name="Meine Daten bereitstellen").click()
    assert "Wir bereiten Ihre Daten vor" in page.text_content("main")
    assert_accessible(page, "a11y-my-data-pending")
    assert services.build_due_exports() == 1  # what `flask worker` does
    page.reload()
    assert_accessible(page, "a11y-my-data-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Herunterladen").click()
    archive = zipfile.ZipFile(download.value.path())
    data = json.loads(archive.read("meine-daten.json"))
    assert data["sections"]["account"][0]["email"] == "erika@example.com"
    assert [i["title"] for i in data["sections"]["ideas"]] == ["Erikas Idee für den Browser"]

    page.get_by_role("link", name="Mein Konto löschen").click()
    page.get_by_role("button", name="Mein Konto endgültig löschen").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "a11y-delete-account-errors")
    page.set_viewport_size({"width": 320, "height": 800})
    sizes = page.eval_on_selector_all("input[type=radio]", "rs => rs.map(r => [r.getBoundingClientRect().width, r.getBoundingClientRect().height])")
    assert len(sizes) == 2 and all(size == [20, 20] for size in sizes), f"radio buttons shrink when their label wraps: {sizes}"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Ihr Passwort").fill(PASSWORD)
    page.get_by_label("Mir ist klar").check()
    page.get_by_role("button", name="Mein Konto endgültig löschen").click()
    assert "Ihr Konto ist gelöscht" in page.text_content("main")
    page.goto(f"/ideen/{idea.id}")
    assert "gelöschtes Konto" in page.text_content("main")
    assert_accessible(page, "a11y-idea-of-a-deleted-account")

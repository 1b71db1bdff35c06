"""Similar ideas while writing a new idea: live with JavaScript, as a step before publishing without."""

from playwright.sync_api import expect

from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user, make_idea


def test_live_suggestions_as_the_title_is_typed(axe_page, reference):
    existing = make_idea(create_user("andere@example.com"), "Bürgerbus mit App buchen", summary="Den Bürgerbus per App buchen.")
    create_user("erika@example.com")
    page = axe_page
    log_in(page, "erika@example.com")
    page.goto("/ideen/neu")
    page.get_by_label("Titel").press_sequentially("Bürgerbus per App", delay=20)
    link = page.locator("#similar-ideas").get_by_role("link", name="Bürgerbus mit App buchen")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", f"/ideen/{existing.id}")
    assert_accessible(page, "idea-new-similar-live")
    page.get_by_label("Titel").fill("Kuhstall")
    expect(page.locator("#similar-ideas")).to_contain_text("Keine ähnlichen Ideen gefunden.")


def _fill_the_card(page) -> None:
    page.get_by_label("Titel").fill("Bürgerbus per App bestellen")
    page.get_by_label("Kurzbeschreibung").fill("Eine App für den Bürgerbus.")
    page.get_by_label("Zentraler Nutzen der Idee").fill("Weniger Telefonate.")
    page.get_by_label("Vermutete Herausforderungen und Schwierigkeiten").fill("Ältere Menschen ohne Smartphone.")
    page.get_by_label("Mobilität").check()
    page.get_by_label("Kommune").select_option(label="Billerbeck")


def test_without_javascript_publishing_shows_similar_ideas_first(browser, live_server, reference):
    make_idea(create_user("andere@example.com"), "Bürgerbus mit App buchen", summary="Den Bürgerbus per App buchen.")
    create_user("erika@example.com")
    context = browser.new_context(base_url=live_server, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    log_in(page, "erika@example.com")
    page.goto("/ideen/neu")
    _fill_the_card(page)
    page.get_by_role("button", name="Veröffentlichen").click()
    gate = page.get_by_role("alert")
    expect(gate).to_contain_text("Es gibt schon ähnliche Ideen")
    expect(gate.get_by_role("link", name="Bürgerbus mit App buchen")).to_be_visible()
    expect(page.get_by_label("Titel")).to_have_value("Bürgerbus per App bestellen")
    gate.get_by_role("button", name="Trotzdem veröffentlichen").click()
    expect(page.get_by_text("Ihre Idee ist veröffentlicht.")).to_be_visible()
    context.close()


def test_the_gate_before_publishing_takes_the_focus_and_offers_to_support_instead(axe_page, reference):
    existing = make_idea(create_user("andere@example.com"), "Bürgerbus mit App buchen", summary="Den Bürgerbus per App buchen.")
    create_user("erika@example.com")
    page = axe_page
    log_in(page, "erika@example.com")
    page.goto("/ideen/neu")
    _fill_the_card(page)
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(page.locator("#similar-gate")).to_be_focused()
    assert_accessible(page, "idea-new-similar-gate")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "idea-new-similar-gate-375")
    page.get_by_role("button", name="Stattdessen diese Idee unterstützen („Bürgerbus mit App buchen“)").click()
    expect(page).to_have_url(f"{page.url.split('/ideen/')[0]}/ideen/{existing.id}#unterstuetzen")
    expect(page.get_by_role("button", name="Unterstützen")).to_be_visible()
    expect(page.get_by_text("Ihr Text ist als privater Entwurf")).to_be_visible()
    page.goto("/ideen/meine")
    expect(page.get_by_role("link", name="Bürgerbus per App bestellen")).to_be_visible()  # the typed card, kept

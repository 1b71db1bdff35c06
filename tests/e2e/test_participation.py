"""Two accounts take part in a real browser; a third report hides a comment."""

import re

from playwright.sync_api import expect

from tests.e2e.browser import log_in, screenshot
from tests.factories import create_user, make_idea


def test_two_accounts_support_discuss_and_report(browser, live_server, reference):
    author = create_user("autorin@example.com", display_name="Autorin")
    idea = make_idea(author, "Mitfahrbank digital", municipality="rosendahl")
    for n in range(2):
        create_user(f"melder{n}@example.com")
    create_user("anna@example.com", display_name="Anna")
    create_user("ben@example.com", display_name="Ben", organisation="Heimatverein Rosendahl")

    anna_ctx = browser.new_context(base_url=live_server, locale="de-DE")
    anna = anna_ctx.new_page()
    log_in(anna, "anna@example.com")
    anna.goto(f"/ideen/{idea.id}")

    # Support in place (JavaScript): the count changes and a status message is announced.
    anna.get_by_role("button", name="Unterstützen").click()
    expect(anna.locator("[data-support-count]")).to_have_text("1 Unterstützung")
    expect(anna.locator("[data-support-status]")).to_have_text("Danke für Ihre Unterstützung! 1 Unterstützung")
    expect(anna.get_by_role("button", name="Unterstützung zurückziehen")).to_be_focused()
    # The support made her follow the idea: the link beside it says so at once, and does what it says.
    expect(anna.get_by_role("button", name="Folgen", exact=True)).to_have_count(0)
    anna.get_by_role("button", name="Nicht mehr folgen").click()
    expect(anna.get_by_role("button", name="Folgen", exact=True)).to_be_visible()
    anna.goto(f"/ideen/{idea.id}")

    anna.get_by_label("Ihr Kommentar").fill("Gute Idee für die Ortsteile!")
    anna.get_by_role("button", name="Kommentar veröffentlichen").click()
    expect(anna.get_by_text("Ihr Kommentar ist veröffentlicht.")).to_be_visible()

    # Ben, without JavaScript: the form posts and the page comes back.
    ben_ctx = browser.new_context(base_url=live_server, locale="de-DE", java_script_enabled=False)
    ben = ben_ctx.new_page()
    log_in(ben, "ben@example.com")
    ben.goto(f"/ideen/{idea.id}")
    ben.get_by_role("button", name="Unterstützen").click()
    expect(ben.get_by_text("Danke für Ihre Unterstützung!")).to_be_visible()
    expect(ben.locator("[data-support-count]")).to_have_text("2 Unterstützungen")
    ben.get_by_text("Antworten").first.click()
    ben.get_by_label("Ihre Antwort").fill("Wir machen mit.")
    ben.get_by_role("button", name="Antwort senden").click()
    expect(ben.get_by_text("Wir machen mit.")).to_be_visible()
    expect(ben.get_by_text("Heimatverein Rosendahl").first).to_be_visible()

    # Anna edits, then deletes her comment; Ben's reply stays.
    anna.goto(f"/ideen/{idea.id}")
    anna.get_by_role("link", name="Bearbeiten").first.click()
    anna.get_by_label("Ihr Kommentar").fill("Gute Idee für alle Ortsteile!")
    anna.get_by_role("button", name="Änderungen speichern").click()
    expect(anna.get_by_text("(bearbeitet)")).to_be_visible()
    screenshot(anna, "idea-with-comments")
    anna.get_by_role("link", name="Löschen").click()
    anna.get_by_role("button", name="Kommentar löschen").click()
    expect(anna.get_by_text("Kommentar gelöscht")).to_be_visible()
    expect(anna.get_by_text("Wir machen mit.")).to_be_visible()
    expect(anna.get_by_role("heading", name="Kommentare (1)")).to_be_visible()

    # Anna reports Ben's reply; two more accounts report it; the third report hides it.
    anna.get_by_role("link", name=re.compile("^Melden.*Ben|^Melden.*Heimatverein")).click()
    anna.get_by_label("Beleidigung").check()
    anna.get_by_role("button", name="Meldung senden").click()
    expect(anna.get_by_text("Danke. Die Moderation sieht sich Ihre Meldung an.")).to_be_visible()
    for n in range(2):
        ctx = browser.new_context(base_url=live_server, locale="de-DE")
        page = ctx.new_page()
        log_in(page, f"melder{n}@example.com")
        page.goto(f"/ideen/{idea.id}")
        page.get_by_role("link", name=re.compile("^Melden.*Heimatverein")).click()
        page.get_by_label("Spam").check()
        page.get_by_role("button", name="Meldung senden").click()
        ctx.close()
    anna.goto(f"/ideen/{idea.id}")
    expect(anna.get_by_text("Wir machen mit.")).to_have_count(0)
    expect(anna.get_by_text("Kommentar bis zur Prüfung ausgeblendet")).to_be_visible()
    expect(anna.get_by_role("heading", name="Kommentare (0)")).to_be_visible()

    # Counts on the list agree with the page.
    anna.goto("/ideen")
    card = anna.locator("article.idea-card", has_text="Mitfahrbank digital")
    expect(card).to_contain_text("2 Unterstützungen")
    expect(card).to_contain_text("0 Kommentare")

    anna.goto("/ideen/meine")
    expect(anna.get_by_role("heading", name="Unterstützt")).to_be_visible()
    expect(anna.locator("#unterstuetzt ~ article, section[aria-labelledby=unterstuetzt] article")).to_have_count(1)
    screenshot(anna, "my-ideas")
    anna_ctx.close()
    ben_ctx.close()

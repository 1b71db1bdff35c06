"""Pictures on an idea in the browser: upload with a description, refusal, the gallery at 1280 and 375 px."""

import re

from playwright.sync_api import expect

from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user, make_idea
from tests.helpers import picture


def test_the_author_adds_a_picture_that_everyone_sees_with_its_description(browser, live_server, axe_page, reference):
    idea = make_idea(create_user("erika@example.com"), "Mitfahrbank in Billerbeck")
    page = axe_page
    log_in(page, "erika@example.com")
    page.goto(f"/ideen/{idea.id}")
    page.get_by_role("link", name="Bilder").click()
    page.get_by_label(re.compile(r"^Bild \(")).set_input_files({"name": "bank.svg", "mimeType": "image/svg+xml", "buffer": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})
    page.get_by_label("Was zeigt das Bild?").fill("Eine Holzbank mit Schild an der Bushaltestelle")
    page.get_by_role("button", name="Bild hinzufügen").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_label("Was zeigt das Bild?")).to_have_value("Eine Holzbank mit Schild an der Bushaltestelle")
    assert_accessible(page, "idea-images-refused")
    page.get_by_label(re.compile(r"^Bild \(")).set_input_files({"name": "bank.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG", size=(1600, 1200))})
    page.get_by_role("button", name="Bild hinzufügen").click()
    expect(page.get_by_text("Das Bild ist hinzugefügt.")).to_be_visible()
    assert_accessible(page, "idea-images")

    for width in (1280, 375):
        context = browser.new_context(base_url=live_server, locale="de-DE", viewport={"width": width, "height": 900}, bypass_csp=True)
        reader = context.new_page()
        reader.goto(f"/ideen/{idea.id}")
        image = reader.get_by_role("img", name="Eine Holzbank mit Schild an der Bushaltestelle")
        expect(image).to_be_visible()
        # Visible is not loaded yet: wait (up to Playwright's timeout) until the browser has decoded it.
        reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert image.bounding_box()["width"] <= width
        assert_accessible(reader, f"idea-with-picture-{width}")
        context.close()

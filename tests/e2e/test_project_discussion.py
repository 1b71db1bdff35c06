"""In Chromium, at 1280 and 375 px: a discussion on P20's page. A citizen comments, another
answers through "Antworten" (a link: no JavaScript needed), the first edits her comment and a
third reports it. (Bad input is tested in tests/web/test_project_comments.py.) axe-core, the HTML
checker and reflow on the page and the forms."""

from playwright.sync_api import expect

from app.extensions import db
from app.models import Notification
from app.notifications import fanout
from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user


def test_a_discussion_on_a_project_page(axe_page, reference):
    page = axe_page
    anna = create_user("anna@example.com", display_name="Anna A.")
    create_user("ben@example.com", display_name="Ben B.")
    create_user("carla@example.com", display_name="Carla C.")
    db.session.commit()

    log_in(page, "anna@example.com")
    page.goto("/portfolio/P20")
    page.get_by_label("Ihr Kommentar").fill("Die App sollte auch ohne Smartphone nutzbar sein, etwa an Haltestellen.")
    page.get_by_role("button", name="Kommentar veröffentlichen").click()
    expect(page.locator(".comments")).to_contain_text("ohne Smartphone")
    expect(page.get_by_text("Sie folgen diesem Projekt.")).to_be_visible()
    assert_accessible(page, "project-discussion")
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "ben@example.com")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/portfolio/P20")
    page.get_by_role("link", name="Antworten (auf den Kommentar von Anna A.)").click()
    page.get_by_label("Ihre Antwort auf den Kommentar von Anna A.").fill("Gute Idee: Anzeigetafeln an den Haltestellen.")
    assert_accessible(page, "project-discussion-reply-375")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(".comment-reply")).to_contain_text("Anzeigetafeln")
    page.get_by_role("button", name="Abmelden").click()
    fanout.fan_out_events()
    db.session.commit()
    assert db.session.scalars(db.select(Notification.kind).where(Notification.user_id == anna.id)).all() == ["comment.reply"]

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "anna@example.com")
    page.goto("/portfolio/P20")
    page.locator(".comment-actions").get_by_role("link", name="Bearbeiten").first.click()
    expect(page.get_by_text("Zum Projekt P20")).to_be_visible()
    page.get_by_label("Ihr Kommentar").fill("Die App sollte auch ohne Smartphone nutzbar sein: an Haltestellen und im Bürgerbüro.")
    assert_accessible(page, "project-comment-edit")
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.locator(".comments")).to_contain_text("im Bürgerbüro")
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "carla@example.com")
    page.goto("/portfolio/P20")
    page.get_by_role("link", name="Melden (Kommentar von Anna A.)").click()
    expect(page.get_by_text("Ein Kommentar von Anna A. zum Projekt P20")).to_be_visible()
    assert_accessible(page, "project-comment-report")
    page.get_by_label("Beleidigung").check()
    page.get_by_role("button", name="Meldung senden").click()
    expect(page.get_by_text("Danke. Die Moderation sieht sich Ihre Meldung an.")).to_be_visible()
    assert page.url.endswith("/portfolio/P20")

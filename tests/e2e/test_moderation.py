"""In Chromium: a moderator logs in with TOTP, reviews, scores, answers and promotes an idea;
the citizen sees the state and the answer. axe-core on the moderation pages."""

import pyotp

from app.extensions import db
from app.moderation import rubric
from app.moderation import services as moderation
from app.participation import services as participation
from tests.e2e.browser import assert_accessible, log_in, screenshot
from tests.factories import PASSWORD, create_user, make_idea


def test_moderator_reviews_scores_answers_and_promotes(page, reference):
    citizen = create_user("buergerin@example.com", display_name="Anna")
    idea = make_idea(citizen, "Digitale Sprechstunde im Bürgerbüro")
    create_user("mod@example.com", roles=("moderator",), display_name="Digitalagentur")

    log_in(page, "mod@example.com", second_factor=True)
    page.get_by_role("link", name="Moderation", exact=True).click()
    page.get_by_role("link", name="Digitale Sprechstunde im Bürgerbüro").click()
    page.get_by_role("button", name="In Prüfung nehmen").click()
    page.get_by_text("Die Idee ist jetzt „In Prüfung“.").wait_for()

    page.get_by_role("link", name="Diese Idee bewerten").click()
    for criterion in rubric.active_criteria():
        page.get_by_role("group", name=criterion.name).get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Bewertung speichern").click()
    page.get_by_text("Ihre Bewertung ist gespeichert.").wait_for()

    page.get_by_role("textbox", name="Offizielle Antwort").fill("Danke! Das Bürgerbüro testet die Sprechstunde ab März.")
    page.get_by_label("Unterzeichnet als").fill("Moderation, Dülmen")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    page.get_by_text("Die offizielle Antwort ist veröffentlicht.").wait_for()

    page.get_by_role("button", name="Zum Kandidaten-Projekt machen").click()
    page.get_by_text("Die Idee ist jetzt „Kandidat“.").wait_for()
    screenshot(page, "moderation-idea")

    page.get_by_role("button", name="Abmelden").click()
    log_in(page, "buergerin@example.com")
    page.goto(f"/ideen/{idea.id}")
    assert page.locator(".idea-meta .status").inner_text() == "Kandidat"
    answer = page.locator(".official-answer")
    assert "Das Bürgerbüro testet die Sprechstunde ab März." in answer.inner_text()
    assert "Moderation, Dülmen" in answer.inner_text()
    assert "In Prüfung" in page.locator(".history").inner_text()
    screenshot(page, "idea-with-official-answer")


def test_moderation_pages_are_accessible(axe_page, reference):
    author = create_user("autor@example.com")
    moderator = create_user("mod@example.com", roles=("moderator",))
    create_user("admin@example.com", roles=("admin",))
    ideas = [make_idea(author, title) for title in ("Smarte Parkplätze", "Schul-WLAN", "Bürgerbus-App", "Offene Daten")]
    for n, idea in enumerate(ideas[:3]):
        moderation.change_status(idea, "in_review", moderator)
        rubric.score_idea(idea, moderator, {c.id: ((n + c.position) % 6, "") for c in rubric.active_criteria()})
    moderation.change_status(ideas[0], "candidate", moderator)
    comment = participation.add_comment(create_user("c@example.com"), ideas[3], "Werbung!")
    participation.report(create_user("r@example.com"), comment, reason="spam")
    db.session.commit()

    log_in(axe_page, "mod@example.com", second_factor=True)
    for name, url in (
        ("a11y-moderation-dashboard", "/moderation"),
        ("a11y-moderation-candidates", "/moderation/kandidaten"),
        ("a11y-moderation-idea", f"/moderation/ideen/{ideas[1].id}"),
        ("a11y-moderation-score", f"/moderation/ideen/{ideas[1].id}/bewertung"),
        ("a11y-moderation-merge", f"/moderation/ideen/{ideas[3].id}/zusammenfuehren"),
    ):
        axe_page.goto(url)
        assert_accessible(axe_page, name)
    axe_page.get_by_role("button", name="Zusammenführen").click()
    assert_accessible(axe_page, "a11y-moderation-merge-errors")
    axe_page.goto(f"/moderation/ideen/{ideas[1].id}/bewertung")
    axe_page.get_by_role("button", name="Bewertung speichern").click()
    assert_accessible(axe_page, "a11y-moderation-score")

    axe_page.get_by_role("button", name="Abmelden").click()
    log_in(axe_page, "admin@example.com", second_factor=True)
    for name, url in (
        ("a11y-admin-accounts", "/verwaltung/konten"),
        ("a11y-admin-account", f"/verwaltung/konten/{author.id}"),
        ("a11y-admin-audit", "/verwaltung/protokoll"),
    ):
        axe_page.goto(url)
        assert_accessible(axe_page, name)


def test_second_factor_pages_are_accessible(axe_page, reference):
    user = create_user("neu@example.com")
    from app.auth import services

    services.grant_role(user, "moderator")
    db.session.commit()
    axe_page.goto("/anmelden")
    axe_page.get_by_label("E-Mail-Adresse").fill("neu@example.com")
    axe_page.get_by_label("Passwort").fill(PASSWORD)
    axe_page.get_by_role("button", name="Anmelden").click()
    assert_accessible(axe_page, "a11y-enrol")
    secret = axe_page.locator(".secret code").inner_text().replace(" ", "")
    axe_page.get_by_label("Code aus der App").fill(pyotp.TOTP(secret).now())
    axe_page.get_by_role("button", name="Aktivieren").click()
    assert_accessible(axe_page, "a11y-recovery-codes")


def test_a_moderator_goes_from_login_to_scoring_with_the_card_in_view(browser, live_server, reference):
    idea = make_idea(create_user("buergerin@example.com"), "Mitfahrbank mit App", benefit="Ältere kommen leichter ins Dorf.")
    make_idea(create_user("zweite@example.com"), "Freies WLAN im Freibad")
    create_user("mod@example.com", roles=("moderator",), display_name="Digitalagentur")
    for width in (375, 1280):  # the phone first, while the queue still holds both ideas
        context = browser.new_context(base_url=live_server, locale="de-DE", viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        log_in(page, "mod@example.com", second_factor=True)
        page.wait_for_url("**/moderation")  # staff land on their dashboard
        assert_accessible(page, f"moderator-dashboard-{width}")
        if width == 375:  # the queue as cards on the phone; the bulk action works there too
            page.get_by_role("checkbox", name="Mitfahrbank mit App").check()
            page.get_by_role("checkbox", name="Freies WLAN im Freibad").check()
            page.get_by_role("button", name="Angekreuzte Ideen in Prüfung nehmen").click()
            page.get_by_text("2 Ideen sind jetzt in Prüfung.").wait_for()
        page.goto(f"/moderation/ideen/{idea.id}/bewertung")
        card = page.get_by_role("complementary", name="Die Ideenkarte")
        assert card.get_by_text("Ältere kommen leichter ins Dorf.").is_visible()
        if width == 1280:  # beside the criteria: the card stays in view while scoring the last one
            page.get_by_role("group", name="Bereitschaft der Verwaltung").scroll_into_view_if_needed()
            assert card.get_by_text("Ältere kommen leichter ins Dorf.").is_visible()
            box = card.bounding_box()
            assert box["y"] >= 0 and box["y"] < 900
        assert_accessible(page, f"moderator-score-{width}")
        context.close()

"""In Chromium, at 1280 and 375 px: a citizen's idea "ergänzt P20" (typed as the number), the
moderation confirms the link with a reason, P20's page lists it, and the Steuerungsgremium adds it
to P20 as a contribution. axe-core, the HTML checker and reflow on each new page."""

from playwright.sync_api import expect

from app.extensions import db
from app.models import Idea, Notification, Project
from app.notifications import fanout
from app.participation import services as participation
from tests.e2e.browser import assert_accessible, log_in
from tests.factories import advance_idea, create_user


def test_an_idea_that_builds_on_p20_becomes_its_contribution(axe_page, reference):
    page = axe_page
    create_user("buergerin@example.com", display_name="Anna B.")
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",))
    fan = create_user("fan@example.com", display_name="Fan von P20")
    participation.follow_project(fan, db.session.scalar(db.select(Project).where(Project.number == 20)))
    db.session.commit()

    log_in(page, "buergerin@example.com")
    page.goto("/ideen/neu")
    page.get_by_label("Titel").fill("Pendler-App mit Bus und Rad")
    page.get_by_label("Kurzbeschreibung").fill("Eine App zeigt Bus, Rad und Mitfahrbank zusammen.")
    page.get_by_label("Zentraler Nutzen der Idee").fill("Weniger Autos am Bahnhof.")
    page.get_by_label("Vermutete Herausforderungen und Schwierigkeiten").fill("Daten der Verkehrsbetriebe.")
    page.get_by_label("Mobilität").check()
    page.get_by_label("Kommune").select_option(label="Dülmen")
    page.get_by_label("Meine Idee ergänzt ein bestehendes Projekt (optional)").fill("P20")
    assert_accessible(page, "idea-new-builds-on")
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    if page.get_by_role("button", name="Trotzdem veröffentlichen").count():
        page.get_by_role("button", name="Trotzdem veröffentlichen").click()
    expect(page.get_by_text("Diese Idee ergänzt das Projekt")).to_be_visible()
    idea_url = page.url
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "mod@example.com", second_factor=True)
    page.goto(idea_url.replace("/ideen/", "/moderation/ideen/"))
    page.get_by_label("Öffentliche Begründung", exact=False).last.fill("Passt genau zu P20.")
    assert_accessible(page, "moderation-idea-project-link")
    page.get_by_role("button", name="Verknüpfung speichern").click()
    expect(page.get_by_text("Nichts geändert.")).to_be_visible()  # the citizen had chosen P20 already
    page.get_by_role("button", name="Abmelden").click()

    page.goto("/portfolio/P20")
    expect(page.locator("#h-origin + p + ul")).to_contain_text("Pendler-App mit Bus und Rad")
    assert_accessible(page, "portfolio-project-with-ideas")

    idea = db.session.scalar(db.select(Idea).where(Idea.title == "Pendler-App mit Bus und Rad"))
    advance_idea(idea, "in_review", "candidate", "shortlisted", moderator=moderator, steering=steering)
    log_in(page, "sg@example.com", second_factor=True)
    page.goto("/portfolio/uebernahme")
    page.get_by_label("Pendler-App mit Bus und Rad (Dülmen)").check()
    page.get_by_label("Die gewählten Ideen als Bausteine zu einem bestehenden Projekt hinzufügen").check()
    page.get_by_label("Bestehendes Projekt (für die dritte Möglichkeit)").select_option(label="P20 – App in die Verkehrswende")
    page.get_by_role("button", name="Weiter").click()
    assert_accessible(page, "portfolio-import-contribution")
    page.get_by_role("button", name="Als Bausteine hinzufügen").click()
    expect(page.get_by_text("Eine Idee als Baustein aufgenommen:")).to_be_visible()
    fanout.fan_out_events()
    db.session.commit()
    heard = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == fan.id)).all()
    assert "project.contribution" in heard, "a follower of P20 hears of its new contribution"

    # Staff plan a milestone and say what happens next; the timeline is an ordered list.
    page.get_by_role("link", name="Meilenstein hinzufügen").click()
    page.locator("#title").fill("Pilot mit Pendlerinnen in Dülmen")
    page.locator("#planned_on").fill("2027-05-01")
    assert_accessible(page, "portfolio-milestone-form")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name="Nächste Schritte beschreiben").click()
    page.get_by_label("Wie geht es weiter?").fill("Im Frühjahr testen wir die App mit 50 Pendlerinnen.")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("ol.timeline-planned")).to_contain_text("Pilot mit Pendlerinnen in Dülmen")
    expect(page.locator("#h-next + .prose")).to_contain_text("50 Pendlerinnen")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "portfolio-project-contribution-375")

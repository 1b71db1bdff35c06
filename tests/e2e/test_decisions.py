"""In Chromium, at 1280 and 375 px: "Wie entschieden wurde" with a departure and a decision
without reason; axe-core, the HTML checker and reflow (the wide table scrolls in its own region)."""

from playwright.sync_api import expect

from app.extensions import db
from app.participation import services as participation
from app.portfolio import services as portfolio
from tests.e2e.browser import assert_accessible
from tests.factories import advance_idea, create_user, make_idea


def test_how_the_committee_decided(axe_page, reference):
    page = axe_page
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",))
    fans = [create_user(f"fan{n}@example.com") for n in range(3)]
    author = create_user("autorin@example.com")
    strong, weak = make_idea(author, "Stark unterstützt"), make_idea(author, "Kaum unterstützt")
    for fan in fans:
        participation.support_idea(fan, strong)
    db.session.commit()
    for idea in (strong, weak):
        advance_idea(idea, "in_review", "candidate", moderator=moderator)
    portfolio.shortlist_idea(weak, steering, "")
    portfolio.decline_idea(strong, steering, "Doppelt zu P20.")
    db.session.commit()

    page.goto("/portfolio")
    page.get_by_role("link", name="Wie entschieden wurde").click()
    expect(page.locator(".row-departs")).to_have_count(2)
    assert_accessible(page, "decisions")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page, "decisions-375")


def test_the_budget_by_raum(axe_page, reference):
    """The seed's own grouping: the chart's long Raum names fit (labels at least 12 px) and the page reflows."""
    from decimal import Decimal

    from sqlalchemy import select

    from app.models import Project, Raum

    steering = create_user("sg@example.com", roles=("steering",))
    for number, slug in ((19, "nachhaltige-mobilitaet"), (23, "partizipative-entwicklung")):
        project = db.session.scalar(select(Project).where(Project.number == number))
        project.raum_id = db.session.scalar(select(Raum.id).where(Raum.slug == slug))
        portfolio.add_budget_line(project, steering, portfolio.BudgetInput("Zeile", 2026, "investiv", Decimal("1000000.00")))
    db.session.commit()
    page = axe_page
    page.goto("/portfolio/budget")
    page.get_by_role("link", name="Nach Raum des Smart-Cities-Aufrufs").click()
    expect(page.locator(".budget-table caption")).to_contain_text("Budget je Raum")
    assert_accessible(page, "budget-by-raum")

"""Real concurrent requests against a served app: one support per account, exact counters."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import ActionField, Idea, Project, Support
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import HttpBrowser, fire_at_once


def _rows(idea_id: int) -> int:
    db.session.rollback()  # end the test's own read transaction: on SQLite (WAL) it is a snapshot
    return db.session.scalar(select(func.count()).select_from(Support).where(Support.idea_id == idea_id))


def _counter(idea_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(Idea.support_count).where(Idea.id == idea_id))




def test_fifty_concurrent_supports_of_one_account_leave_one_row(live_server, reference):
    idea = make_idea(create_user("autorin@example.com"))
    create_user()
    db.session.commit()
    browser = HttpBrowser(live_server)
    browser.login("erika@example.com")
    token = browser.token(f"/ideen/{idea.id}")

    statuses = fire_at_once(50, lambda n: browser.request(f"/ideen/{idea.id}/unterstuetzen", {"csrf_token": token}, accept="application/json")[0])

    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(200) == 50
    assert _rows(idea.id) == 1
    assert _counter(idea.id) == 1


def test_concurrent_supports_and_withdrawals_of_many_accounts_keep_the_count_exact(live_server, reference):
    idea = make_idea(create_user("autorin@example.com"))
    accounts = [create_user(f"person{n}@example.com") for n in range(24)]
    browsers = []
    for account in accounts:
        browser = HttpBrowser(live_server)
        browser.login(account.email)
        browsers.append((browser, browser.token(f"/ideen/{idea.id}")))

    def support_twice_then_maybe_withdraw(n):
        browser, token = browsers[n % len(browsers)]
        path = f"/ideen/{idea.id}/unterstuetzen" if n < 48 else f"/ideen/{idea.id}/unterstuetzung-zurueckziehen"
        return browser.request(path, {"csrf_token": token}, accept="application/json")[0]

    # 48 support requests (each account twice) and then, racing with them, 8 withdrawals.
    statuses = fire_at_once(56, support_twice_then_maybe_withdraw)
    assert all(status < 500 for status in statuses), statuses
    rows = _rows(idea.id)
    assert 24 - 8 <= rows <= 24
    assert _counter(idea.id) == rows


def _import_form(browser: HttpBrowser, idea_id: int, title: str) -> dict:
    field_id = db.session.scalar(select(ActionField.id).where(ActionField.slug == "mobilitaet"))
    town_id = db.session.scalar(select(Idea.municipality_id).where(Idea.id == idea_id))
    return {
        "csrf_token": browser.token("/portfolio/uebernahme"),
        "projects-0-idea_ids": str(idea_id),
        "projects-0-title": title,
        "projects-0-action_field_id": str(field_id),
        "projects-0-municipality_id": str(town_id),
        "projects-0-priority_group": "",
        "projects-0-budget_kind": "investiv",
        "projects-0-budget_rate": "65",
    }


def test_concurrent_imports_get_distinct_codes_and_an_idea_becomes_one_project(live_server, reference):
    author = create_user("autorin@example.com")
    moderator = create_user("mod@example.com", roles=("moderator",))
    members = [create_user(f"sg{n}@example.com", roles=("steering",)) for n in range(4)]
    ideas = [
        advance_idea(make_idea(author, f"Idee {n}"), "in_review", "candidate", "shortlisted", moderator=moderator, steering=members[0])
        for n in range(3)
    ]
    browsers = []
    for member in members:
        browser = HttpBrowser(live_server)
        browser.login_staff(member.email)
        browsers.append(browser)
    # Two members import two different ideas at the same moment; two more race for the third idea.
    forms = [
        _import_form(browsers[0], ideas[0].id, "Projekt A"),
        _import_form(browsers[1], ideas[1].id, "Projekt B"),
        _import_form(browsers[2], ideas[2].id, "Projekt C1"),
        _import_form(browsers[3], ideas[2].id, "Projekt C2"),
    ]
    statuses = fire_at_once(4, lambda n: browsers[n].request("/portfolio/uebernahme", forms[n])[0])

    assert statuses[:2] == [302, 302], statuses
    assert sorted(statuses[2:]) == [302, 422], statuses  # one wins, the other gets a message
    db.session.rollback()
    numbers = sorted(db.session.scalars(select(Project.number).where(Project.number > 28)))
    assert numbers == [29, 30, 31]
    assert db.session.scalar(select(func.count(Project.id)).where(Project.title.like("Projekt C%"))) == 1
    assert all(db.session.get(Idea, i.id).project_id is not None for i in ideas)

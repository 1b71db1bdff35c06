"""Ideas that build on an existing portfolio project: chosen on the card, linked by the moderation,
and taken up by the Steuerungsgremium as contributions (Bausteine) of that project."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.ideas.services import IdeaCard, submit_idea
from app.models import AuditEntry, BudgetLine, Idea, Project, ProjectStatusChange
from app.moderation import services as moderation
from app.portfolio import services
from app.portfolio.services import BudgetInput
from app.reference import find_project, projects
from tests.factories import advance_idea, create_user, make_idea


@pytest.fixture
def people(app, reference):
    return {
        "author": create_user("autorin@example.com", display_name="Autorin"),
        "moderator": create_user("mod@example.com", roles=("moderator",)),
        "steering": create_user("sg@example.com", roles=("steering",)),
    }


def _project(number: int) -> Project:
    return db.session.scalar(select(Project).where(Project.number == number))


def _shortlisted(people, title):
    return advance_idea(make_idea(people["author"], title), "in_review", "candidate", "shortlisted",
                        moderator=people["moderator"], steering=people["steering"])


def test_a_project_is_found_by_its_code_its_choice_or_its_title(app, reference):
    choices = projects()
    twenty = _project(20)
    for typed in ("P20", "p 20", "20", f"P20 – {twenty.title}", twenty.title.upper(), "Verkehrswende"):
        assert find_project(typed, choices) is twenty, typed
    for typed in ("", "P999", "für", "P20x", "Raumschiff"):
        assert find_project(typed, choices) is None, typed  # none, or more than one ("für")


def test_a_card_names_the_project_it_builds_on_and_refuses_an_unknown_one(people):
    idea = make_idea(people["author"], "Radwege-App")
    card = IdeaCard("Mitfahr-App", "Kurz.", "Nutzen.", "Hürden.", idea.municipality_id, [f.id for f in idea.action_fields],
                    project_id=_project(20).id)
    built = submit_idea(people["author"], card, True)
    assert built.project is _project(20) and built.status == "published"
    with pytest.raises(InvalidInput, match="Projekt des Portfolios"):
        submit_idea(people["author"], IdeaCard("X", "K.", "N.", "H.", idea.municipality_id, card.action_field_ids, project_id=987654), True)


def test_the_moderation_links_changes_and_removes_with_a_public_reason(people):
    idea = make_idea(people["author"], "Carsharing-App")
    with pytest.raises(InvalidInput):
        moderation.link_project(idea, people["moderator"], _project(20), "")
    with pytest.raises(NotAllowed):
        moderation.link_project(idea, people["author"], _project(20), "Passt.")
    assert moderation.link_project(idea, people["moderator"], _project(20), "Gehört zu P20.")
    assert not moderation.link_project(idea, people["moderator"], _project(20), "Noch einmal.")
    assert moderation.link_project(idea, people["moderator"], _project(19), "Besser P19.")
    assert moderation.link_project(idea, people["moderator"], None, "Eigenständig.")
    db.session.commit()
    history = [(c.project_link, c.project.code if c.project else None, c.reason, c.to_status) for c in idea.state_changes if c.project_link]
    assert history == [("linked", "P20", "Gehört zu P20.", "published"), ("linked", "P19", "Besser P19.", "published"),
                       ("unlinked", None, "Eigenständig.", "published")]
    assert idea.project is None and idea.status == "published"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == idea.id)).all()
    assert actions.count("idea.project_link") == 3


def test_the_committee_adds_ideas_to_an_existing_project_all_or_nothing(people):
    first, second = _shortlisted(people, "Bürgerbus-App"), _shortlisted(people, "Radwege-Karte")
    candidate = advance_idea(make_idea(people["author"], "Nur Kandidat"), "in_review", "candidate", moderator=people["moderator"])
    p20 = _project(20)
    lines_before = len(p20.budget_lines)
    with pytest.raises(InvalidInput):
        services.add_to_project(people["steering"], p20, [first.id, candidate.id], None)
    db.session.rollback()
    assert db.session.get(Idea, first.id).status == "shortlisted", "nothing changed"
    with pytest.raises(NotAllowed):
        services.add_to_project(people["moderator"], p20, [first.id], None)
    db.session.rollback()
    budget = BudgetInput("App-Entwicklung", 2027, "konsumtiv", Decimal("25000.00"))
    services.add_to_project(people["steering"], p20, [first.id, second.id], budget)
    db.session.commit()
    for idea in (first, second):
        idea = db.session.get(Idea, idea.id)
        assert (idea.status, idea.project_id) == ("in_portfolio", p20.id)
        assert idea.state_changes[-1].reason == "P20"
    entries = db.session.scalars(select(ProjectStatusChange).where(ProjectStatusChange.project_id == p20.id,
                                                                   ProjectStatusChange.idea_id.is_not(None))).all()
    assert sorted(e.idea_id for e in entries) == sorted([first.id, second.id])
    assert all(e.from_status == e.to_status == p20.status for e in entries), "the status stays"
    lines = db.session.scalars(select(BudgetLine).where(BudgetLine.project_id == p20.id)).all()
    assert len(lines) == lines_before + 1 and lines[-1].amount == Decimal("25000.00")
    with pytest.raises(InvalidInput):  # once in the portfolio, not again
        services.add_to_project(people["steering"], p20, [first.id], None)


def test_an_idea_in_the_portfolio_keeps_its_project(people):
    idea = _shortlisted(people, "Bürgerbus-App")
    services.add_to_project(people["steering"], _project(20), [idea.id], None)
    db.session.commit()
    with pytest.raises(InvalidInput, match="gehört zu ihrem Projekt"):
        moderation.link_project(idea, people["moderator"], _project(19), "Anders.")

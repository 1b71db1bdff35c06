"""Portfolio services: shortlist, import (numbers, combining, all or nothing), project edits and budget lines."""

from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from app.errors import InvalidInput, InvalidTransition, NotAllowed
from app.extensions import db
from app.models import ActionField, AuditEntry, BudgetLine, Counter, Idea, Municipality, Project
from app.portfolio import services
from app.portfolio.services import BudgetInput, ProjectData, ProjectPlan
from tests.factories import advance_idea, create_user, make_idea


@pytest.fixture
def people(app, reference):
    return {
        "author": create_user("autorin@example.com", display_name="Autorin"),
        "moderator": create_user("mod@example.com", roles=("moderator",)),
        "steering": create_user("sg@example.com", roles=("steering",)),
        "admin": create_user("admin@example.com", roles=("admin",)),
    }


def _field_id(slug="mobilitaet"):
    return db.session.scalar(select(ActionField.id).where(ActionField.slug == slug))


def _shortlisted(people, title):
    idea = make_idea(people["author"], title)
    return advance_idea(idea, "in_review", "candidate", "shortlisted", moderator=people["moderator"], steering=people["steering"])


def _plan(ideas, title="Neues Projekt", budget=None):
    return ProjectPlan(idea_ids=[i.id for i in ideas], data=ProjectData(title=title, action_field_id=_field_id(), priority_group="II"), budget=budget)


def test_shortlist_with_a_note_and_back(people):
    idea = advance_idea(make_idea(people["author"]), "in_review", "candidate", moderator=people["moderator"])
    services.shortlist_idea(idea, people["steering"], "Starke Unterstützung.")
    db.session.commit()
    assert idea.status == "shortlisted"
    assert idea.state_changes[-1].reason == "Starke Unterstützung."
    with pytest.raises(InvalidInput):
        services.remove_from_shortlist(idea, people["steering"], "")  # going back needs a reason
    services.remove_from_shortlist(idea, people["steering"], "Erst 2028.")
    assert idea.status == "candidate"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.target_id == idea.id, AuditEntry.actor_id == people["steering"].id)).all()
    assert [e.after["status"] for e in entries] == ["shortlisted", "candidate"]


def test_only_the_steering_committee_shortlists_and_imports(people):
    idea = advance_idea(make_idea(people["author"]), "in_review", "candidate", moderator=people["moderator"])
    for who in ("author", "moderator", "admin"):
        with pytest.raises(NotAllowed):
            services.shortlist_idea(idea, people[who], "")
        with pytest.raises(NotAllowed):
            services.import_into_portfolio(people[who], [_plan([idea])])


def test_only_candidates_can_be_shortlisted(people):
    idea = make_idea(people["author"])
    with pytest.raises(InvalidTransition):
        services.shortlist_idea(idea, people["steering"], "")


def test_import_gives_the_next_free_code_and_links_the_ideas(people):
    first = _shortlisted(people, "Bürgerbus-App")
    second = _shortlisted(people, "Radwege-Karte")
    budget = BudgetInput(label="Entwicklung", year=2027, kind="investiv", amount=Decimal("120000.00"))
    projects = services.import_into_portfolio(people["steering"], [_plan([first], "Bürgerbus digital", budget), _plan([second], "Radwege")])
    db.session.commit()
    assert [p.code for p in projects] == ["P29", "P30"]
    assert first.status == second.status == "in_portfolio"
    assert first.project.code == "P29" and second.project.code == "P30"
    p29 = projects[0]
    assert p29.priority_group == "II" and p29.status == "planned"
    assert [(line.label, line.amount, line.funding_rate) for line in p29.budget_lines] == [("Entwicklung", Decimal("120000.00"), Decimal("65.00"))]
    assert [c.to_status for c in p29.status_changes] == ["planned"]
    assert first.state_changes[-1].reason == "P29"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "project")).all()
    assert actions == ["project.import", "project.import"]


def test_several_ideas_combine_into_one_project(people):
    ideas = [_shortlisted(people, t) for t in ("WLAN am Markt", "WLAN im Bus")]
    (project,) = services.import_into_portfolio(people["steering"], [_plan(ideas, "WLAN überall")])
    db.session.commit()
    assert project.code == "P29"
    assert [i.id for i in project.ideas] == [i.id for i in ideas]
    assert all(i.status == "in_portfolio" for i in ideas)


def test_import_is_all_or_nothing(people):
    good = _shortlisted(people, "Gute Idee")
    not_shortlisted = advance_idea(make_idea(people["author"], "Noch Kandidat"), "in_review", "candidate", moderator=people["moderator"])
    with pytest.raises(InvalidInput) as error:
        services.import_into_portfolio(people["steering"], [_plan([good]), _plan([not_shortlisted])])
    assert "Projekt 2" in str(error.value.message)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Project.id)).where(Project.number > 28)) == 0
    assert db.session.get(Idea, good.id).status == "shortlisted"
    assert db.session.get(Idea, good.id).project_id is None
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "project.import")) == 0
    (project,) = services.import_into_portfolio(people["steering"], [_plan([good])])
    assert project.code == "P29"  # the failed import used no number


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": " "}, "Titel"),
        ({"action_field_id": 999999}, "Themenfeld"),
        ({"priority_group": "IV"}, "Prioritätsgruppe"),
        ({"municipality_id": 999999}, "Kommune"),
    ],
)
def test_import_refuses_bad_project_data(people, change, message):
    idea = _shortlisted(people, "Idee")
    plan = _plan([idea])
    for key, value in change.items():
        setattr(plan.data, key, value)
    with pytest.raises(InvalidInput) as error:
        services.import_into_portfolio(people["steering"], [plan])
    assert message in str(error.value.message)


def test_import_refuses_an_idea_twice_and_empty_plans(people):
    idea = _shortlisted(people, "Idee")
    with pytest.raises(InvalidInput):
        services.import_into_portfolio(people["steering"], [_plan([idea]), _plan([idea])])
    with pytest.raises(InvalidInput):
        services.import_into_portfolio(people["steering"], [])
    with pytest.raises(InvalidInput):
        services.import_into_portfolio(people["steering"], [_plan([])])


def test_bad_budget_line_in_an_import_is_refused(people):
    idea = _shortlisted(people, "Idee")
    bad = BudgetInput(label="X", year=1999, kind="investiv", amount=Decimal("1.00"))
    with pytest.raises(InvalidInput) as error:
        services.import_into_portfolio(people["steering"], [_plan([idea], budget=bad)])
    assert "Jahr" in str(error.value.message)


def test_numbers_are_never_reused(people):
    assert services.next_project_number() == 29
    assert services.next_project_number() == 30
    db.session.commit()
    # Even if the counter row were lost, numbers continue after the highest project.
    db.session.add(Project(number=31, title="Handangelegt", action_field_id=_field_id()))
    db.session.execute(delete(Counter))
    assert services.next_project_number() == 32


def test_edit_project_audits_only_what_changed_and_records_the_status(people):
    project = db.session.scalar(select(Project).where(Project.number == 19))
    district = db.session.scalar(select(Municipality.id).where(Municipality.is_district.is_(True)))
    data = ProjectData(title=project.title, action_field_id=project.action_field_id, municipality_id=district, priority_group=None, status="in_progress", goals="Mehr Fahrgäste.")
    assert services.edit_project(project, people["admin"], data, "Start im Januar.")
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "project.edit")).one()
    assert entry.before == {"goals": "", "status": "planned"} and entry.after == {"goals": "Mehr Fahrgäste.", "status": "in_progress"}
    assert [(c.from_status, c.to_status, c.reason) for c in project.status_changes] == [("planned", "in_progress", "Start im Januar.")]
    assert not services.edit_project(project, people["admin"], data)  # nothing changed: no entry
    with pytest.raises(NotAllowed):
        services.edit_project(project, people["moderator"], data)


def test_budget_lines_are_exact_and_audited(people):
    project = db.session.scalar(select(Project).where(Project.number == 1))
    line = services.add_budget_line(project, people["steering"], BudgetInput("Software", 2027, "konsumtiv", Decimal("0.10"), Decimal("65")))
    db.session.commit()
    db.session.expire_all()
    line = db.session.get(BudgetLine, line.id)
    assert line.amount == Decimal("0.10") and line.funding_rate == Decimal("65.00")
    services.edit_budget_line(line, people["steering"], BudgetInput("Software", 2028, "konsumtiv", Decimal("99.99"), Decimal("72.50")))
    services.delete_budget_line(line, people["steering"])
    db.session.commit()
    assert project.budget_lines == []
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "project.budget").order_by(AuditEntry.id)).all()
    assert [(e.before is None, e.after is None) for e in entries] == [(True, False), (False, False), (False, True)]
    assert entries[1].after["amount"] == "99.99"
    with pytest.raises(InvalidInput):
        services.add_budget_line(project, people["steering"], BudgetInput("Zu genau", 2027, "investiv", Decimal("1.001")))
    with pytest.raises(InvalidInput):
        services.add_budget_line(project, people["steering"], BudgetInput("Quote", 2027, "investiv", Decimal("1.00"), Decimal("100.01")))


def test_the_database_refuses_a_third_decimal_place(people):
    project = db.session.scalar(select(Project).where(Project.number == 1))
    db.session.add(BudgetLine(project=project, label="X", year=2027, kind="investiv", amount=Decimal("0.005")))
    with pytest.raises(Exception, match="two decimal places"):
        db.session.flush()

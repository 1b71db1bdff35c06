"""The flask CLI: idempotent seeds and user management."""

from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.models import Criterion, Idea, Municipality, Project, User


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_reference_twice(runner):
    first = runner.invoke(args=["seed", "reference"])
    # 12 municipalities, 5 action fields, 7 Räume, 28 projects, 5 + 7 rubric criteria
    assert first.exit_code == 0 and "64 created, 0 already there" in first.output
    second = runner.invoke(args=["seed", "reference"])
    assert second.exit_code == 0 and "0 created, 64 already there" in second.output
    assert (_count(Municipality), _count(Project), _count(Criterion)) == (12, 28, 12)


def test_seed_demo_prints_one_account_per_role_and_is_idempotent(runner):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    for label in ("Bürger:in", "Unternehmen / Organisation", "Moderation", "Steuerungsgremium", "Administration"):
        assert label in result.output
    assert "demo-passwort-coesfeld" in result.output
    again = runner.invoke(args=["seed", "demo"])
    assert "0 ideas created, 40 already there" in again.output
    assert _count(Idea) == 40
    moderator = db.session.scalar(select(User).where(User.email == "moderation@coesfeld.example"))
    assert moderator.has_role("moderator") and moderator.is_confirmed


def test_seed_demo_walks_the_loop_from_idea_to_project_once(runner):
    from app.models import BudgetLine
    from app.portfolio.queries import budget_overview
    from app.reference import action_fields

    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    states = dict(db.session.execute(select(Idea.status, func.count()).group_by(Idea.status)).tuples().all())
    assert (states["in_review"], states["candidate"], states["shortlisted"], states["in_portfolio"]) == (2, 3, 1, 1)
    p29 = db.session.scalar(select(Project).where(Project.number == 29))
    assert p29.ideas[0].title == "Lokaler Online-Marktplatz für den Einzelhandel"
    assert budget_overview(action_fields(active_only=False)).total.total == Decimal("8200000.00") + Decimal("180000.00")
    runner.invoke(args=["seed", "demo"])
    assert _count(Project) == 29 and _count(BudgetLine) == 15


def test_users_create_and_grant(runner, reference):
    result = runner.invoke(args=["users", "create", "Mod@Example.com", "--role", "moderator", "--password", "ein-langes-passwort"])
    assert result.exit_code == 0 and "Created mod@example.com" in result.output
    again = runner.invoke(args=["users", "create", "mod@example.com", "--role", "moderator", "--role", "admin"])
    assert "exists already" in again.output and "Granted role admin" in again.output
    user = db.session.scalar(select(User).where(User.email == "mod@example.com"))
    db.session.refresh(user)
    assert sorted(r.role for r in user.roles) == ["admin", "moderator"]
    assert runner.invoke(args=["users", "grant", "mod@example.com", "steering"]).exit_code == 0
    missing = runner.invoke(args=["users", "grant", "nobody@example.com", "admin"])
    assert missing.exit_code != 0 and "No account" in missing.output


def test_users_create_refuses_a_short_password(runner, reference):
    result = runner.invoke(args=["users", "create", "x@example.com", "--password", "kurz"])
    assert result.exit_code != 0 and "12 und 128" in result.output
    assert _count(User) == 0


def test_every_command_has_help(runner):
    for args in (["seed", "--help"], ["seed", "reference", "--help"], ["seed", "demo", "--help"], ["users", "create", "--help"], ["users", "grant", "--help"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0 and "Usage" in result.output, args

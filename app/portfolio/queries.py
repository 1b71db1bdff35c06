"""Reading the portfolio: the filtered list by action field, one project, the budget overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.ideas.queries import is_visible
from app.models import (
    ActionField,
    BudgetLine,
    Idea,
    IdeaStateChange,
    Municipality,
    Project,
    ProjectStatusChange,
    Raum,
    Support,
    Trial,
)
from app.models.idea import SHORTLISTED
from app.models.portfolio import FUNDING_CALL_ID, PRIORITY_GROUPS, PROJECT_STATUSES, FundingCall
from app.portfolio import budgets

NO_PRIORITY = "offen"  # the filter value for "nicht festgelegt"
DISTRICT_WIDE = "kreisweit"


@dataclass
class Filters:
    field: str = ""  # action field slug
    priority: str = ""  # I, II, III or NO_PRIORITY
    status: str = ""
    municipality: str = ""  # municipality slug; DISTRICT_WIDE for the district

    @classmethod
    def from_args(cls, args) -> Filters:
        priority = args.get("priority") or ""
        status = args.get("status") or ""
        return cls(
            field=(args.get("field") or "")[:60],
            priority=priority if priority in (*PRIORITY_GROUPS, NO_PRIORITY) else "",
            status=status if status in PROJECT_STATUSES else "",
            municipality=(args.get("municipality") or "")[:60],
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.field or self.priority or self.status or self.municipality)

    def apply(self, stmt: Select) -> Select:
        if self.field:
            stmt = stmt.where(Project.action_field_id.in_(select(ActionField.id).where(ActionField.slug == self.field)))
        if self.priority == NO_PRIORITY:
            stmt = stmt.where(Project.priority_group.is_(None))
        elif self.priority:
            stmt = stmt.where(Project.priority_group == self.priority)
        if self.status:
            stmt = stmt.where(Project.status == self.status)
        if self.municipality == DISTRICT_WIDE:
            stmt = stmt.where(
                (Project.municipality_id.is_(None)) | Project.municipality_id.in_(select(Municipality.id).where(Municipality.is_district.is_(True)))
            )
        elif self.municipality:
            stmt = stmt.where(Project.municipality_id.in_(select(Municipality.id).where(Municipality.slug == self.municipality)))
        return stmt


def _with_origin(stmt: Select) -> Select:
    return stmt.options(
        joinedload(Project.action_field),
        joinedload(Project.municipality),
        selectinload(Project.ideas).joinedload(Idea.author),
    )


@dataclass(frozen=True)
class Participation:
    """What came to a project from the platform: its public ideas (origin and contributions) and
    the people who support them, each person once."""
    ideas: int = 0
    supporters: int = 0


def participation_by_project() -> dict[int, Participation]:
    """Participation of every project that has any, in one query."""
    rows = db.session.execute(
        select(Idea.project_id, func.count(distinct(Idea.id)), func.count(distinct(Support.user_id)))
        .outerjoin(Support, (Support.idea_id == Idea.id) & Support.suspended_at.is_(None))
        .where(Idea.project_id.is_not(None), *is_visible())
        .group_by(Idea.project_id)
    )
    return {project_id: Participation(ideas, supporters) for project_id, ideas, supporters in rows}


def running_trials(today: date, limit: int = 5) -> list[Trial]:
    """The trials under way on `today` (started, not ended), soonest ending first: the start page."""
    return list(db.session.scalars(
        select(Trial).options(joinedload(Trial.project), joinedload(Trial.municipality))
        .where(Trial.starts_on <= today, or_(Trial.ends_on.is_(None), Trial.ends_on >= today))
        .order_by(Trial.ends_on.is_(None), Trial.ends_on, Trial.id).limit(limit)
    ))


def projects_by_field(filters: Filters, fields: list[ActionField]) -> list[tuple[ActionField, list[Project]]]:
    """The filtered projects grouped by action field, in the fields' order; empty groups left out (2 queries)."""
    projects = db.session.scalars(
        filters.apply(select(Project)).options(joinedload(Project.action_field), joinedload(Project.municipality)).order_by(Project.number)
    ).all()
    groups: dict[int, list[Project]] = {f.id: [] for f in fields}
    for project in projects:
        groups.setdefault(project.action_field_id, []).append(project)
    by_id = {f.id: f for f in fields}
    return [(by_id[field_id], items) for field_id, items in groups.items() if items and field_id in by_id]


def projects_with_budgets(filters: Filters | None = None) -> list[Project]:
    """Projects by code with action field, municipality, origin ideas and budget lines (3 queries):
    the export and the JSON API."""
    stmt = select(Project).options(
        joinedload(Project.action_field),
        joinedload(Project.municipality),
        selectinload(Project.ideas),
        selectinload(Project.budget_lines),
    )
    if filters is not None:
        stmt = filters.apply(stmt)
    return list(db.session.scalars(stmt.order_by(Project.number)))


def load_project(number: int) -> Project | None:
    return db.session.scalar(
        _with_origin(select(Project).where(Project.number == number)).options(
            joinedload(Project.raum),
            selectinload(Project.budget_lines),
            selectinload(Project.milestones),
            selectinload(Project.partner_towns),
            selectinload(Project.trials).joinedload(Trial.municipality),
            selectinload(Project.status_changes).joinedload(ProjectStatusChange.actor),
            selectinload(Project.status_changes).joinedload(ProjectStatusChange.idea),
        )
    )


def budget_overview(fields: list[ActionField]) -> budgets.Overview:
    """Budget lines of every project summed per action field and in total (2 queries)."""
    lines = db.session.execute(
        select(ActionField.slug, BudgetLine.kind, BudgetLine.amount, BudgetLine.funding_rate, BudgetLine.third_party)
        .join(BudgetLine.project)
        .join(Project.action_field)
    ).tuples()
    return budgets.overview([(f.slug, f.name) for f in fields], lines)


NO_RAUM = "ohne-raum"


def budget_by_raum(raeume: list[Raum]) -> budgets.Overview:
    """Budget lines of every project summed per Raum of the Smart-Cities call, projects without one
    in a row of their own, and in total (2 queries)."""
    lines = db.session.execute(
        select(func.coalesce(Raum.slug, NO_RAUM), BudgetLine.kind, BudgetLine.amount, BudgetLine.funding_rate, BudgetLine.third_party)
        .join(BudgetLine.project)
        .outerjoin(Raum, Raum.id == Project.raum_id)
    ).tuples()
    return budgets.overview([*((r.slug, r.name) for r in raeume), (NO_RAUM, str(_l("No Raum assigned yet")))], lines)


def project_totals(project: Project) -> budgets.Totals:
    totals = budgets.Totals()
    for line in project.budget_lines:
        totals.add(line.kind, line.amount, line.funding_rate, line.third_party)
    return totals


# The seed's figures, for a database whose row was never written (tests build the schema directly).
CALL_DEFAULTS = budgets.CallLimits(max_amount=Decimal("15000000.00"), max_years=4, funding_rate=Decimal("65.00"),
                                   application_deadline=date(2021, 3, 14), resolutions_deadline=date(2021, 4, 14))


def funding_call() -> FundingCall | None:
    return db.session.get(FundingCall, FUNDING_CALL_ID)


def call_limits() -> budgets.CallLimits:
    """The Smart-Cities call's limits as the administration set them (app/admin: /verwaltung/foerderaufruf)."""
    call = funding_call()
    if call is None:
        return CALL_DEFAULTS
    return budgets.CallLimits(call.max_amount, call.max_years, call.funding_rate, call.application_deadline, call.resolutions_deadline)


def application(today: date) -> budgets.Application:
    """The budget lines of the projects in the funding application, against the call's limits (2 queries)."""
    lines = db.session.execute(
        select(BudgetLine.year, BudgetLine.kind, BudgetLine.amount, BudgetLine.funding_rate, BudgetLine.third_party, BudgetLine.release_status)
        .join(BudgetLine.project).where(Project.in_application.is_(True))
    ).tuples()
    return budgets.check_application((budgets.ApplicationLine(*line) for line in lines), call_limits(), today)


def application_projects() -> list[Project]:
    return list(db.session.scalars(select(Project).where(Project.in_application.is_(True)).order_by(Project.number)))


def shortlist_notes(idea_ids: list[int]) -> dict[int, str]:
    """The steering committee's note when each idea went on the shortlist (its latest such change)."""
    if not idea_ids:
        return {}
    rows = db.session.execute(
        select(IdeaStateChange.idea_id, IdeaStateChange.reason)
        .where(IdeaStateChange.idea_id.in_(idea_ids), IdeaStateChange.to_status == SHORTLISTED)
        .order_by(IdeaStateChange.id)
    )
    return {idea_id: reason for idea_id, reason in rows}

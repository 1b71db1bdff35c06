"""What the portfolio and budget exports contain. Public: no hidden ideas, no personal data."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.exports import Table
from app.extensions import db
from app.models import BudgetLine, Project
from app.portfolio import budgets, labels, queries
from app.templating import local_today


def portfolio_table() -> Table:
    projects = queries.projects_with_budgets()
    table = Table(
        _("Portfolio"),
        [_("Code"), _("Title"), _("Action field"), _("Priority group"), _("Status"), _("Lead municipality"), _("Responsible body"), _("Description"), _("Goals"), _("Origin ideas"), _("Budget in euros")],
    )
    for p in projects:
        origin = ", ".join(f"#{i.id} {i.title}" for i in p.public_ideas)
        municipality = _("District-wide") if p.is_district_wide or p.municipality is None else p.municipality.name
        total = sum((line.amount for line in p.budget_lines), budgets.ZERO)
        table.rows.append(
            [p.code, p.title, p.action_field.name, p.priority_group or "", labels.project_status_label(p.status), municipality, p.responsible_body, p.description, p.goals, origin, total]
        )
    return table


def budget_table() -> Table:
    lines = db.session.scalars(
        select(BudgetLine).join(BudgetLine.project).options(joinedload(BudgetLine.project).joinedload(Project.action_field)).order_by(Project.number, BudgetLine.year, BudgetLine.id)
    ).all()
    table = Table(
        _("Budget"),
        [_("Code"), _("Project"), _("Action field"), _("In the funding application"), _("Budget line"), _("Year"), _("Phase"), _("Release status"),
         _("Kind"), _("Amount in euros"), _("Funding rate in percent"), _("Funding"), _("Third-party money"), _("Own share")],
        notes=[_("Warning: %(text)s", text=warning.message()) for warning in queries.application(local_today()).warnings],
    )
    for line in lines:
        table.rows.append(
            [
                line.project.code, line.project.title, line.project.action_field.name, line.project.in_application, line.label, line.year,
                line.phase, line.release_status, line.kind, line.amount, line.funding_rate,
                budgets.line_funding(line), line.third_party, budgets.line_own_share(line),
            ]
        )
    return table

"""The portfolio: projects P1–P28 and those made from ideas, their budgets, the shortlist and the import."""

from datetime import date
from decimal import Decimal

from flask import url_for

from app import audit
from app.audit import Target
from app.cache import CachedPage, declare
from app.extensions import db
from app.models import BudgetLine, Counter, FundingCall, Milestone, Project, ProjectStatusChange, Trial
from app.portfolio import labels
from app.templating import format_date_short, format_euros, format_percent

PORTFOLIO_PARAMETERS = ("priority", "status", "field", "municipality")

declare(
    pages={"portfolio.index": CachedPage(PORTFOLIO_PARAMETERS), "portfolio.show": CachedPage(personal=("antwort",)), "portfolio.budget": CachedPage(("nach",)), "portfolio.decisions": CachedPage()},
    not_cached={"portfolio.export_portfolio": "a download, built on request", "portfolio.export_budget": "a download, built on request"},
    public=(Project, ProjectStatusChange, BudgetLine, Milestone, Trial, FundingCall),
    private=(Counter,),
)


def _name_project(project_id: int) -> Target | None:
    project = db.session.get(Project, project_id)
    return Target(f"{project.code} {project.title}", url_for("portfolio.show", number=project.number)) if project else None


audit.name_targets("project", _name_project)
audit.name_values("phase", labels.phase_label)
audit.name_values("status", labels.project_status_label, target_type="project")
audit.name_values("release_status", labels.release_label)
audit.name_values("kind", labels.kind_label, target_type="project")
# Money and dates as the pages show them; stored as text ("1000.00", "2027-03-01").
for _key in ("amount", "third_party", "max_amount"):
    audit.name_values(_key, lambda value: format_euros(Decimal(value)))
audit.name_values("funding_rate", lambda value: format_percent(Decimal(value)))
for _key in ("planned_on", "done_on", "starts_on", "ends_on", "application_deadline", "resolutions_deadline"):
    audit.name_values(_key, lambda value: format_date_short(date.fromisoformat(value)))

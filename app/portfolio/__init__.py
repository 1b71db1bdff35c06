"""The portfolio: projects P1–P28 and those made from ideas, their budgets, the shortlist and the import."""

from flask import url_for

from app import audit
from app.audit import Target
from app.cache import CachedPage, declare
from app.extensions import db
from app.models import BudgetLine, Counter, FundingCall, Milestone, Project, ProjectStatusChange, Trial
from app.portfolio import labels

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

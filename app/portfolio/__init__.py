

from app.cache import CachedPage, declare
from app.models import BudgetLine, Counter, Project, ProjectStatusChange

PORTFOLIO_PARAMETERS = ("priority", "status", "field", "municipality")

declare(
    pages={"portfolio.index": CachedPage(PORTFOLIO_PARAMETERS), "portfolio.show": CachedPage(), "portfolio.budget": CachedPage()},
    not_cached={"portfolio.export_portfolio": "a download, built on request", "portfolio.export_budget": "a download, built on request"},
    public=(Project, ProjectStatusChange, BudgetLine),
    private=(Counter,),
)

"""The read-only JSON API under /api/v1: published ideas, action fields, municipalities and
portfolio projects as open data, described by the OpenAPI document at /api/v1/openapi.json."""

from app.cache import CachedPage, declare
from app.ideas import IDEA_LIST_PARAMETERS
from app.portfolio import PORTFOLIO_PARAMETERS

# The API answers the same for everyone (cache.contract.SAME_FOR_EVERYONE): every answer is cached whole.
declare(pages={
    "api.openapi_document": CachedPage(), "api.ideas": CachedPage((*IDEA_LIST_PARAMETERS, "per_page", "after")),
    "api.idea": CachedPage(idea_argument="idea_id"), "api.action_fields": CachedPage(), "api.municipalities": CachedPage(),
    "api.projects": CachedPage(PORTFOLIO_PARAMETERS), "api.project": CachedPage(),
})

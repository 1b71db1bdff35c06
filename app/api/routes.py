"""Read-only JSON API under /api/v1 (see openapi.py for what each route returns).

GET only, no session and no cookies: CSRF does not apply, and any site may read it
(Access-Control-Allow-Origin: *). Errors are JSON too (app/errors.py). Rate-limited per address.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from app import reference
from app.api import openapi, params, resources
from app.errors import json_error
from app.extensions import db
from app.ideas import queries as idea_queries
from app.models import Idea
from app.models.idea import PUBLIC_STATUSES
from app.models.portfolio import PRIORITY_GROUPS, PROJECT_STATUSES
from app.models.user import ACCOUNT_TYPES
from app.portfolio import queries as portfolio_queries
from app.rate_limits import limit_api_reads
from app.security import parse_int
from app.urls import absolute_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
limit_api_reads(bp)  # one budget for the whole API, per address

@bp.after_request
def _open_to_every_site(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Answers may be kept for a minute; errors (400, 404, 429, ...) by nobody.
    response.headers.setdefault("Cache-Control", "public, max-age=60" if response.status_code in (200, 304) else "no-store")
    return response


@bp.errorhandler(params.BadParameter)
def _bad_parameter(error: params.BadParameter):
    return json_error(400, error.message, parameter=error.name)


def _licence() -> dict:
    config = current_app.config
    return {"name": config["OPEN_DATA_LICENCE"], "url": config["OPEN_DATA_LICENCE_URL"], "attribution": config["OPEN_DATA_ATTRIBUTION"]}


def _list(items: list[dict]):
    return jsonify({"data": items, "meta": {"total": len(items), "licence": _licence()}})


@bp.route("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.route("/ideas")
def ideas():
    args = request.args
    filters = idea_queries.IdeaFilters(
        q=params.text(args, "q", idea_queries.QUERY_MAX),
        fields=params.slugs(args, "field"),
        municipality=params.slug(args, "municipality"),
        status=params.choice(args, "status", PUBLIC_STATUSES),
        submitter=params.choice(args, "submitter", ACCOUNT_TYPES),
        sort=params.choice(args, "sort", tuple(idea_queries.SORTS)) or idea_queries.DEFAULT_SORT,
        page=params.integer(args, "page", 1, 1, params.PAGE_MAX),
    )
    per_page = params.integer(args, "per_page", current_app.config["IDEAS_PER_PAGE"], 1, params.PER_PAGE_MAX)
    after = params.integer(args, "after", 0, 1, params.ID_MAX)  # the last idea of the previous page; page is then ignored
    if not after:
        page = idea_queries.list_ideas(filters, per_page)
        items = page.items if page.page == filters.page else []  # past the last page: empty, not the last page again
        total, exact, has_next, number, pages = page.total, page.exact, page.has_next and bool(items), filters.page, page.pages
    else:
        found = idea_queries.ideas_after(filters, after, per_page)
        items, total, exact, has_next, number, pages = found.items, found.total, found.exact, found.has_next, None, None
    idea_queries.load_images(items)

    def link(**changes: str) -> str:
        query = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("page", "after")}
        query.update(per_page=[str(per_page)], **{k: [v] for k, v in changes.items()})
        return absolute_url("api.ideas", **query)

    meta = {
        "total": total,
        "total_exact": exact,
        "page": number,
        "per_page": per_page,
        "pages": pages,
        "next": link(after=str(items[-1].id)) if has_next else None,  # keyset: as cheap deep down as at the start
        "prev": link(page=str(min(filters.page - 1, pages or filters.page))) if number is not None and number > 1 else None,
        "licence": _licence(),
    }
    return jsonify({"data": [resources.idea(i) for i in items], "meta": meta})


@bp.route("/ideas/<int:idea_id>")
def idea(idea_id: int):
    item = db.session.scalar(idea_queries.visible_ideas().where(Idea.id == idea_id))
    if item is None:
        abort(404)
    return jsonify(resources.idea(item))


@bp.route("/action-fields")
def action_fields():
    return _list([resources.action_field(f, count) for f, count in idea_queries.action_fields_with_counts(active_only=False)])


@bp.route("/municipalities")
def municipalities():
    return _list([resources.municipality(m) for m in reference.municipalities()])


@bp.route("/projects")
def projects():
    args = request.args
    filters = portfolio_queries.Filters(
        field=params.slug(args, "field"),
        priority=params.choice(args, "priority", (*PRIORITY_GROUPS, portfolio_queries.NO_PRIORITY)),
        status=params.choice(args, "status", PROJECT_STATUSES),
        municipality=params.slug(args, "municipality"),
    )
    return _list([resources.project(p) for p in portfolio_queries.projects_with_budgets(filters)])


@bp.route("/projects/<code>")
def project(code: str):
    number = parse_int(code[1:], minimum=1) if code.startswith("P") and not code.startswith("P0") else None
    if number is None:
        abort(404)
    item = portfolio_queries.load_project(number)
    if item is None:
        abort(404)
    return jsonify(resources.project(item, detail=True))

"""The request hooks: answer a GET from the cache when its entry is current, store what was rendered."""

from __future__ import annotations

from time import time

from flask import current_app, g, request, session
from flask_login import current_user

from app.cache import contract, layers
from app.cache.keys import LAYER, PAGE, cache_key
from app.cache.store import Entry
from app.cache.versions import CHANGED_AT
from app.security import signed_out

BODY_MAX = 1024 * 1024
CACHED_MIMETYPES = ("text/html", "application/json")
# Says whether the cache answered (hit) or the page was rendered for it (miss): for operators and bench/mixed.lua.
ANSWER_HEADER = "X-Page-Cache"


def serve_from_cache():
    endpoint = request.endpoint or ""
    if request.method != "GET" or endpoint not in contract.CACHED_ENDPOINTS:
        return None
    read_with_account = layers.READ_WITH_ACCOUNT.get(endpoint)
    if read_with_account is not None and not signed_out():
        read_with_account(request.view_args or {})  # before current_user below loads the account
    if endpoint.startswith(contract.SAME_FOR_EVERYONE):
        kind, audience = PAGE, "everyone"  # no account is even loaded
    elif (signed_out() or not current_user.is_authenticated) and not session.get("_flashes"):
        kind, audience = PAGE, "anonymous"
    else:
        kind, audience = LAYER, layers.audience(current_user)
    key = cache_key(kind, audience)
    if key is None:
        return None
    idea_argument = contract.PAGES_OF_AN_IDEA.get(endpoint)
    idea_id = (request.view_args or {}).get(idea_argument) if idea_argument else None
    version, entry = current_app.extensions["page_cache"].lookup(
        key, idea_id, in_session=kind == LAYER and current_user.is_authenticated, changed_at=_changed_at(),
    )
    if version is None:
        return None
    if entry is None or entry.version != version:
        g.page_cache_key = (kind, key, version)
        return None
    body = entry.body
    if kind == LAYER:
        parts = layers.cached_page_parts(endpoint, request.view_args or {})
        if parts is None:
            return None  # no longer public: the view renders it in full (and does not store it)
        body = entry.shared_page().fill(parts)
    response = current_app.response_class(body, mimetype=entry.mimetype)
    response.headers[ANSWER_HEADER] = "hit"
    return response


def _changed_at() -> float:
    """When this reader last changed public content (their session's CHANGED_AT), 0 if never."""
    changed = session.get(CHANGED_AT)
    return float(changed) if isinstance(changed, (int, float)) else 0.0


def store_in_cache(response):
    kind, key, version = g.pop("page_cache_key", (None, None, None))
    if key is None or response.status_code != 200:
        return response
    response.headers[ANSWER_HEADER] = "miss"
    entry = None
    if kind == PAGE:
        if response.mimetype in CACHED_MIMETYPES and "Set-Cookie" not in response.headers:
            entry = Entry(version, response.mimetype, response.get_data(), time())
    else:
        shared_page = g.pop("shared_page", None)  # set by layers.render_page for a public page
        if shared_page is not None:
            entry = Entry(version, "text/html", shared_page.encode(), time())
    if entry is not None and len(entry.body) <= BODY_MAX:
        current_app.extensions["page_cache"].store(key, entry)
    return response

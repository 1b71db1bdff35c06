"""Page cache: whole pages for anonymous readers and the API, shared layers for signed-in readers.

Reading is most of the traffic. The start, list, idea and portfolio pages and the JSON API's
answers are the same for everyone, or, for a signed-in reader, the same apart from a few parts of
their own (app/layers.py). They are rendered once and served from a cache (Redis when REDIS_URL is
set, otherwise a cache in each worker process), as one of two kinds of entry:

- **page**: the whole answer, for anonymous readers without a pending flash message and for the
  API (the same for every reader, so no account is even loaded for it);
- **layer**: the shared layer of a page for everyone else, keyed by audience (app/layers.py:
  signed in or not, address confirmed, roles); the reader's parts are filled in per request.

Every entry is stored under the current `content_versions.version`. That number grows in the same
transaction as any change to public content (ideas, their state, supports, comments, reference
data, projects), caught here by session events for ORM flushes and for bulk UPDATE/DELETE
statements such as the counters' `count = count + 1`. A page is therefore never older than the
data it shows: the counts readers see are exact.

Pages are cached only for GETs, only with status 200, a page only when rendering set no cookie, a
layer only when its view called it public (never a draft, never a hidden idea shown to staff).
Neither holds a session-bound CSRF token (see the language form in templates/parts/language.html).

The key is built from the query parameters the page reads (CACHED_ENDPOINTS; those only the
reader's layer reads, PERSONAL_PARAMETERS, are left out of a layer's key), normalised (sorted,
trimmed); a request with any other parameter, or a very long value, is rendered without the cache,
so junk URLs cannot fill it. In Redis the cache has its own key prefix (and, with
PAGE_CACHE_REDIS_URL, its own database) and at most PAGE_CACHE_ITEMS entries: the oldest go first.
"""

from __future__ import annotations

from time import time
from urllib.parse import urlencode

from cachelib import BaseCache, NullCache, SimpleCache
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app import layers
from app.extensions import db
from app.models import (
    ActionField,
    Announcement,
    BudgetLine,
    Comment,
    ContentVersion,
    Idea,
    IdeaImage,
    IdeaStateChange,
    LegalText,
    Municipality,
    OfficialAnswer,
    Project,
    ProjectStatusChange,
    Support,
)

# Each cached endpoint with the query parameters it reads.
_IDEA_LIST = ("q", "status", "submitter", "sort", "field", "municipality", "page")
_PORTFOLIO = ("priority", "status", "field", "municipality")
CACHED_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "main.index": (), "main.open_data": (), "notifications.news": (), "legal.show": (), "ideas.index": _IDEA_LIST, "ideas.show": (),
    "portfolio.index": _PORTFOLIO, "portfolio.show": (), "portfolio.budget": (),
    "api.openapi_document": (), "api.ideas": (*_IDEA_LIST, "per_page"), "api.idea": (), "api.action_fields": (),
    "api.municipalities": (), "api.projects": _PORTFOLIO, "api.project": (),
}
VALUE_MAX = 100  # longer values (a search of a whole paragraph) are not cached
VALUES_MAX = 10
BODY_MAX = 1024 * 1024
CACHED_MIMETYPES = ("text/html", "application/json")
# Query parameters only the reader's layer reads: not part of the shared layer's key.
PERSONAL_PARAMETERS: dict[str, tuple[str, ...]] = {"ideas.show": ("antwort",)}
# The JSON API answers the same for everyone, signed in or not.
SAME_FOR_EVERYONE = "api."
PAGE, LAYER = "page", "layer"  # a whole page (anonymous readers, the API) or a shared layer (app/layers.py)
PUBLIC_CONTENT = (
    Idea, IdeaStateChange, IdeaImage, Support, Comment, ActionField, Municipality, Project, ProjectStatusChange, BudgetLine, OfficialAnswer,
    Announcement, LegalText,
)
_FLAG = "public_content_changed"


def _listen_to_sessions() -> None:
    """The invalidation hooks below, on every ORM session, registered once per process."""
    hooks = (("before_flush", _mark_flush), ("do_orm_execute", _mark_bulk), ("before_commit", _bump_version), ("after_soft_rollback", _forget))
    for name, hook in hooks:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def init_app(app: Flask) -> None:
    _listen_to_sessions()
    if not app.config["PAGE_CACHE_ENABLED"]:
        app.extensions["page_cache"] = NullCache()
        return
    redis_url = app.config.get("PAGE_CACHE_REDIS_URL") or app.config.get("REDIS_URL")
    if redis_url:
        import redis

        backend: BaseCache | BoundedRedisCache = BoundedRedisCache(
            redis.Redis.from_url(redis_url), items=app.config["PAGE_CACHE_ITEMS"], timeout=app.config["PAGE_CACHE_TIMEOUT"]
        )
    else:
        backend = SimpleCache(threshold=app.config["PAGE_CACHE_ITEMS"], default_timeout=app.config["PAGE_CACHE_TIMEOUT"])
    app.extensions["page_cache"] = backend
    app.before_request(_serve_from_cache)
    app.after_request(_store_in_cache)


def current_version(*, in_session: bool = False) -> int | None:
    """Read outside the request's session: no transaction to open and roll back (one round trip).
    A signed-in reader's request has one open already (their account was read): one statement more in it."""
    if in_session:
        return db.session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))


def cache_key(version: int, kind: str, audience: str) -> str | None:
    """The key of this request's page (or shared layer), or None if the request must not use the cache."""
    endpoint = request.endpoint or ""
    allowed = CACHED_ENDPOINTS[endpoint]
    personal = PERSONAL_PARAMETERS.get(endpoint, ())
    parameters = []
    for name in sorted(request.args):
        if name in personal and kind == LAYER:
            continue  # only the reader's layer reads it
        if name not in allowed and name not in personal:
            return None
        values = sorted(value.strip() for value in request.args.getlist(name))
        if len(values) > VALUES_MAX or any(len(value) > VALUE_MAX for value in values):
            return None
        parameters += [(name, value) for value in values]
    return f"{version}:{get_locale()}:{kind}:{audience}:{request.path}?{urlencode(parameters)}"


def _serve_from_cache():
    endpoint = request.endpoint or ""
    if request.method != "GET" or endpoint not in CACHED_ENDPOINTS:
        return None
    if endpoint.startswith(SAME_FOR_EVERYONE):
        kind, audience = PAGE, "everyone"  # no account is even loaded
    elif not current_user.is_authenticated and not session.get("_flashes"):
        kind, audience = PAGE, "anonymous"
    else:
        kind, audience = LAYER, layers.audience(current_user)
    version = current_version(in_session=kind == LAYER and current_user.is_authenticated)
    key = cache_key(version, kind, audience) if version is not None else None
    if key is None:
        return None
    cached = current_app.extensions["page_cache"].get(key)
    if not isinstance(cached, tuple):
        g.page_cache_key = (kind, key)
        return None
    mimetype, body = cached
    if kind == LAYER:
        parts = layers.cached_page_parts(endpoint, request.view_args or {})
        if parts is None:
            return None  # no longer public: the view renders it in full (and does not store it)
        body = layers.fill(body, parts)
    return current_app.response_class(body, mimetype=mimetype)


def _store_in_cache(response):
    kind, key = g.pop("page_cache_key", (None, None))
    if key is None or response.status_code != 200:
        return response
    if kind == PAGE:
        if response.mimetype in CACHED_MIMETYPES and "Set-Cookie" not in response.headers:
            body = response.get_data(as_text=True)
            if len(body) <= BODY_MAX:
                current_app.extensions["page_cache"].set(key, (response.mimetype, body))
    else:
        shared_page = g.pop("shared_page", None)  # set by layers.render_page for a public page
        if shared_page is not None and len(shared_page) <= BODY_MAX:
            current_app.extensions["page_cache"].set(key, ("text/html", shared_page))
    return response


class BoundedRedisCache:
    """Pages in Redis under their own prefix, at most `items` of them (the oldest are evicted first)."""

    PREFIX = "ideen:page:"
    INDEX = "ideen:page-index"

    def __init__(self, client, *, items: int, timeout: int):
        self.client = client
        self.items = items
        self.timeout = timeout

    def get(self, key: str):
        raw = self.client.get(self.PREFIX + key)
        if raw is None:
            return None
        mimetype, _, body = raw.decode("utf-8").partition("\n")
        return mimetype, body

    def set(self, key: str, value: tuple[str, str]) -> None:
        mimetype, body = value
        pipe = self.client.pipeline()
        pipe.set(self.PREFIX + key, f"{mimetype}\n{body}".encode("utf-8"), ex=self.timeout)
        pipe.zadd(self.INDEX, {key: time()})
        pipe.zcard(self.INDEX)
        size = pipe.execute()[-1]
        if size > self.items:
            oldest = [k.decode("utf-8") for k, _score in self.client.zpopmin(self.INDEX, size - self.items)]
            if oldest:
                self.client.delete(*[self.PREFIX + k for k in oldest])

    def clear(self) -> None:
        keys = [self.PREFIX + k.decode("utf-8") for k in self.client.zrange(self.INDEX, 0, -1)]
        if keys:
            self.client.delete(*keys)
        self.client.delete(self.INDEX)


# Invalidation: mark the session when public content changes; bump the version before commit.

def public_content_changed() -> None:
    """For a change the session events cannot see as public (an author's account emptied on deletion)."""
    db.session.info[_FLAG] = True


def _mark_flush(session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PUBLIC_CONTENT):
            session.info[_FLAG] = True
            return


def _mark_bulk(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        if issubclass(state.bind_mapper.class_, PUBLIC_CONTENT):
            state.session.info[_FLAG] = True


def _bump_version(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released. Bumping there would lock the
    # version row before rows the transaction locks later (deadlocks on PostgreSQL); so the
    # bump waits for the outermost commit, where every writer takes this lock last.
    if session.in_nested_transaction():
        return
    session.flush()  # let before_flush see pending changes first
    if session.info.pop(_FLAG, False):
        session.execute(update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1))


def _forget(session, previous_transaction) -> None:
    # Only a rollback of the whole transaction discards its changes; a savepoint's does not.
    if previous_transaction.parent is None:
        session.info.pop(_FLAG, None)

"""Whole-page cache for anonymous readers, invalidated exactly.

Reading is most of the traffic, and most readers are not signed in. Their
start, list, idea and portfolio pages (and the JSON API's answers) are the same for everyone, so they are rendered
once and served from a cache (Redis when REDIS_URL is set, otherwise a cache
in each worker process).

Every cached page is stored under the current `content_versions.version`.
That number grows in the same transaction as any change to public content
(ideas, their state, supports, comments, reference data, projects), caught
here by session events for ORM flushes and for bulk UPDATE/DELETE statements
such as the counters' `count = count + 1`. A page is therefore never older
than the data it shows: the counts anonymous readers see are exact.

Pages are cached only for anonymous GETs with no pending flash message, only
with status 200, and only when rendering set no cookie; these pages carry no
session-bound CSRF token (see the language form in base.html).
"""

from __future__ import annotations

from cachelib import NullCache, RedisCache, SimpleCache
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    ActionField,
    BudgetLine,
    Comment,
    ContentVersion,
    Idea,
    IdeaStateChange,
    Municipality,
    OfficialAnswer,
    Project,
    ProjectStatusChange,
    Support,
)

CACHED_ENDPOINTS = frozenset(
    {
        "main.index", "main.open_data", "ideas.index", "ideas.show", "portfolio.index", "portfolio.show", "portfolio.budget",
        "api.openapi_document", "api.ideas", "api.idea", "api.action_fields", "api.municipalities", "api.projects", "api.project",
    }
)
CACHED_MIMETYPES = ("text/html", "application/json")
PUBLIC_CONTENT = (
    Idea, IdeaStateChange, Support, Comment, ActionField, Municipality, Project, ProjectStatusChange, BudgetLine, OfficialAnswer
)
_FLAG = "public_content_changed"


def init_app(app: Flask) -> None:
    if not app.config["PAGE_CACHE_ENABLED"]:
        app.extensions["page_cache"] = NullCache()
        return
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        import redis

        backend = RedisCache(host=redis.Redis.from_url(redis_url), key_prefix="ideen:page:", default_timeout=app.config["PAGE_CACHE_TIMEOUT"])
    else:
        backend = SimpleCache(threshold=app.config["PAGE_CACHE_ITEMS"], default_timeout=app.config["PAGE_CACHE_TIMEOUT"])
    app.extensions["page_cache"] = backend
    app.before_request(_serve_from_cache)
    app.after_request(_store_in_cache)


def _cacheable() -> bool:
    return (
        request.method == "GET"
        and request.endpoint in CACHED_ENDPOINTS
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def current_version() -> int | None:
    """Read outside the request's session: no transaction to open and roll back (one round trip)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))


def _serve_from_cache():
    if not _cacheable():
        return None
    version = current_version()
    if version is None:
        return None
    key = f"{version}:{get_locale()}:{request.full_path}"
    cached = current_app.extensions["page_cache"].get(key)
    if isinstance(cached, tuple):
        mimetype, body = cached
        return current_app.response_class(body, mimetype=mimetype)
    g.page_cache_key = key
    return None


def _store_in_cache(response):
    key = g.pop("page_cache_key", None)
    if key and response.status_code == 200 and response.mimetype in CACHED_MIMETYPES and "Set-Cookie" not in response.headers:
        current_app.extensions["page_cache"].set(key, (response.mimetype, response.get_data(as_text=True)))
    return response


# Invalidation: mark the session when public content changes; bump the version before commit.

@event.listens_for(Session, "before_flush")
def _mark_flush(session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PUBLIC_CONTENT):
            session.info[_FLAG] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _mark_bulk(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        if issubclass(state.bind_mapper.class_, PUBLIC_CONTENT):
            state.session.info[_FLAG] = True


@event.listens_for(Session, "before_commit")
def _bump_version(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released. Bumping there would lock the
    # version row before rows the transaction locks later (deadlocks on PostgreSQL); so the
    # bump waits for the outermost commit, where every writer takes this lock last.
    if session.in_nested_transaction():
        return
    session.flush()  # let before_flush see pending changes first
    if session.info.pop(_FLAG, False):
        session.execute(update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction) -> None:
    # Only a rollback of the whole transaction discards its changes; a savepoint's does not.
    if previous_transaction.parent is None:
        session.info.pop(_FLAG, None)

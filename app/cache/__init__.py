"""Page cache: whole pages for anonymous readers and the API, shared layers for signed-in readers.

Reading is most of the traffic. The start, list, idea and portfolio pages and the JSON API's
answers are the same for everyone, or, for a signed-in reader, the same apart from a few parts of
their own (app/cache/layers.py). They are rendered once and served from a cache (Redis when REDIS_URL is
set, otherwise a cache in each worker process), as one of two kinds of entry:

- **page**: the whole answer, for anonymous readers without a pending flash message and for the
  API (the same for every reader, so no account is even loaded for it);
- **layer**: the shared layer of a page for everyone else, keyed by audience (app/cache/layers.py:
  signed in or not, address confirmed, roles); the reader's parts are filled in per request.

Every entry carries the versions it was rendered at and is served only while they are current,
so that a change shows at once where it matters:

- `content_versions.version`, the site's version, grows in the same transaction as any change to
  public content (ideas, their state, reference data, projects, answers, legal texts), caught here
  by session events for ORM flushes and bulk UPDATE/DELETE statements;
- an idea's own `ideas.page_version` grows with each comment of that idea (a row the write locks
  anyway): the idea's page and its API answer are keyed by both, so a comment shows at once there,
  while the other pages keep their entries.

A support changes a count and nothing else, and bumps no version at all: a signed-in reader's
support box is their own part of the page, read with their marks on every request, so whoever
supports (or withdraws) sees the new count at once, and so does every other signed-in reader. The
answers the same for everyone (the idea's page for anonymous readers, the API, the cards of the
lists and the order "most supported") show counts up to PAGE_CACHE_TIMEOUT (60 s) old. So a
support neither empties the cache nor makes every write wait for one row, and it costs no
page a new rendering.

Where the current versions come from: without Redis, from the database on every lookup (one round
trip over a connection each worker keeps open, VersionReader); with Redis, from a copy next to the
pages, read in the same MGET as the page, published by each committing transaction and re-read
from the database after PAGE_CACHE_VERSION_SECONDS (BoundedRedisCache). Each worker keeps its own
copies of the entries it served last (Copies, PAGE_CACHE_LOCAL_MB): as UTF-8, a layer cut at its
markers once (layers.SharedPage); a hit on a copy then reads only the versions from Redis. A copy
is used only while its version is current and no longer than its entry lives. A worker trusts the
versions it read or published itself in the last PAGE_CACHE_RECENT_SECONDS (1 s, RecentVersions):
a hit on a copy then asks nobody at all, and a change another process committed reaches the reader
up to that much later. A reader's own change shows on their next page whichever worker (or
machine) serves it: the commit marks their session (CHANGED_AT), and a version a worker saw before
the mark (+ CLOCK_SKEW_SECONDS) does not count for them, so their lookups ask Redis until the
worker has seen the versions again. Every answer that asked the cache says so in X-Page-Cache
(hit or miss).

Pages are cached only for GETs, only with status 200, a page only when rendering set no cookie, a
layer only when its view called it public (never a draft, never a hidden idea shown to staff).
Neither holds a session-bound CSRF token (see the language form in templates/parts/language.html).

The key is built from the query parameters the page reads (CACHED_ENDPOINTS; those only the
reader's layer reads, PERSONAL_PARAMETERS, are left out of a layer's key), normalised (sorted,
trimmed); a request with any other parameter, or a very long value, is rendered without the cache,
so junk URLs cannot fill it. In Redis the cache has its own key prefix (and, with
PAGE_CACHE_REDIS_URL, its own database) and at most PAGE_CACHE_ITEMS entries: the oldest go first.

The package: contract.py (what each area declares: its cached pages, and whether its models are
public, idea-scoped or private), keys.py, versions.py, store.py, invalidation.py, hooks.py and
layers.py. docs/page-cache.md has the table of who sees which change how late, and the rule for a
new feature.
"""

from __future__ import annotations

from flask import Flask

from app.cache import hooks, invalidation
from app.cache.contract import CachedPage, declare
from app.cache.invalidation import bump_idea, bump_idea_page, idea_scoped, public_content_changed
from app.cache.store import REDIS_TIMEOUT, BoundedRedisCache, Copies, LocalPages, NullPages
from app.cache.versions import CHANGED_AT, RecentVersions, VersionReader, current_version

__all__ = ["CHANGED_AT", "CachedPage", "bump_idea", "bump_idea_page", "current_version", "declare", "idea_scoped", "init_app",
           "public_content_changed"]


def init_app(app: Flask) -> None:
    invalidation.listen_to_sessions()
    app.extensions["page_cache_versions"] = VersionReader()
    if not app.config["PAGE_CACHE_ENABLED"]:
        app.extensions["page_cache"] = NullPages()
        return
    redis_url = app.config.get("PAGE_CACHE_REDIS_URL") or app.config.get("REDIS_URL")
    if redis_url:
        import redis

        copies = Copies(items=app.config["PAGE_CACHE_ITEMS"], max_bytes=app.config["PAGE_CACHE_LOCAL_MB"] * 1024 * 1024,
                        timeout=app.config["PAGE_CACHE_TIMEOUT"])
        recent = RecentVersions(seconds=app.config["PAGE_CACHE_RECENT_SECONDS"], items=app.config["PAGE_CACHE_ITEMS"])
        backend: LocalPages | BoundedRedisCache = BoundedRedisCache(
            redis.Redis.from_url(redis_url, socket_timeout=REDIS_TIMEOUT), items=app.config["PAGE_CACHE_ITEMS"],
            timeout=app.config["PAGE_CACHE_TIMEOUT"], version_seconds=app.config["PAGE_CACHE_VERSION_SECONDS"], copies=copies,
            recent=recent,
        )
    else:
        backend = LocalPages(items=app.config["PAGE_CACHE_ITEMS"], timeout=app.config["PAGE_CACHE_TIMEOUT"],
                             max_bytes=app.config["PAGE_CACHE_LOCAL_MB"] * 1024 * 1024)
    app.extensions["page_cache"] = backend
    app.before_request(hooks.serve_from_cache)
    app.after_request(hooks.store_in_cache)

"""Page cache: whole pages for anonymous readers and the API, shared layers for signed-in readers.

Reading is most of the traffic. The start, list, idea and portfolio pages and the JSON API's
answers are the same for everyone, or, for a signed-in reader, the same apart from a few parts of
their own (app/layers.py). They are rendered once and served from a cache (Redis when REDIS_URL is
set, otherwise a cache in each worker process), as one of two kinds of entry:

- **page**: the whole answer, for anonymous readers without a pending flash message and for the
  API (the same for every reader, so no account is even loaded for it);
- **layer**: the shared layer of a page for everyone else, keyed by audience (app/layers.py:
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
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from time import monotonic, time
from typing import TypeVar
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import Executable, bindparam, event, select, update
from sqlalchemy.exc import DBAPIError

from app import database, layers
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
from app.security import signed_out

# Each cached endpoint with the query parameters it reads.
_IDEA_LIST = ("q", "status", "submitter", "sort", "field", "municipality", "page")
_PORTFOLIO = ("priority", "status", "field", "municipality")
CACHED_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "main.index": (), "main.open_data": (), "notifications.news": (), "legal.show": (), "ideas.index": _IDEA_LIST, "ideas.show": (),
    "portfolio.index": _PORTFOLIO, "portfolio.show": (), "portfolio.budget": (),
    "api.openapi_document": (), "api.ideas": (*_IDEA_LIST, "per_page", "after"), "api.idea": (), "api.action_fields": (),
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
# Says whether the cache answered (hit) or the page was rendered for it (miss): for operators and bench/mixed.lua.
ANSWER_HEADER = "X-Page-Cache"
PAGE, LAYER = "page", "layer"  # a whole page (anonymous readers, the API) or a shared layer (app/layers.py)
PUBLIC_CONTENT = (
    Idea, IdeaStateChange, IdeaImage, Support, Comment, ActionField, Municipality, Project, ProjectStatusChange, BudgetLine, OfficialAnswer,
    Announcement, LegalText,
)
# Changes of these bump only their idea's page version (Support.idea_id, Comment.idea_id), when
# flushed through the ORM; the participation services' own statements say what they change (idea_scoped).
IDEA_CONTENT = (Support, Comment)
# The pages of one idea, keyed by its page version too (the view argument that names it).
PAGES_OF_AN_IDEA = {"ideas.show": "idea_id", "api.idea": "idea_id"}
# A statement with this execution option changed only what its idea's page version covers (see idea_scoped).
IDEA_SCOPED = "page_cache_idea_scoped"
_FLAG = "public_content_changed"
_IDEAS = "idea_pages_changed"
_PUBLISH = "page_versions_to_publish"
_BUMPED = "idea_pages_bumped"
REDIS_TIMEOUT = 1.0  # seconds: a page renders without the cache rather than wait for Redis longer
# After Redis failed to answer, this worker leaves it alone for this long (pages are rendered
# without the cache meanwhile): a hung Redis costs one request REDIS_TIMEOUT, not every request.
REDIS_PAUSE_SECONDS = 5.0
# The session's mark of a reader's own change of public content (the time of the commit that published it).
CHANGED_AT = "changed_at"
# How far the clocks of two machines behind one proxy may differ (CHANGED_AT is compared on another).
CLOCK_SKEW_SECONDS = 2
log = logging.getLogger(__name__)
_Statement = TypeVar("_Statement", bound=Executable)


def _listen_to_sessions() -> None:
    """The invalidation hooks below, on every ORM session, registered once per process."""
    database.listen_to_sessions((("before_flush", _mark_flush), ("do_orm_execute", _mark_bulk), ("before_commit", _bump_version),
                                 ("after_commit", _publish), ("after_soft_rollback", _forget)))


def init_app(app: Flask) -> None:
    _listen_to_sessions()
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
    app.before_request(_serve_from_cache)
    app.after_request(_store_in_cache)


_SITE_VERSION = select(ContentVersion.version).where(ContentVersion.id == 1)
_SITE_AND_IDEA_VERSION = select(
    ContentVersion.version, select(Idea.page_version).where(Idea.id == bindparam("idea_id")).scalar_subquery()
).where(ContentVersion.id == 1)


def current_version(*, in_session: bool = False, idea_id: int | None = None) -> str | None:
    """The site's version, and with `idea_id` that idea's page version too ("12" or "12.3"), in one statement.
    Read over this process's own open connection (VersionReader): one round trip. A signed-in
    reader's request has a transaction open already (their account was read): one statement more in it."""
    statement, parameters = (_SITE_VERSION, {}) if idea_id is None else (_SITE_AND_IDEA_VERSION, {"idea_id": idea_id})
    if in_session:
        row = db.session.execute(statement, parameters).first()
    else:
        row = current_app.extensions["page_cache_versions"].read(statement, parameters)
    return None if row is None else ".".join(str(value) for value in row)


class VersionReader:
    """One autocommit connection per worker process, kept open for the versions a cached page is
    checked against: a hit then costs one round trip to the database, not a pool checkout and the
    connection's reset. Threads of one process (a threaded server) take turns on it, so it stays one
    connection however many threads come and go. A connection the database dropped (a restart) is
    replaced once; any other error is raised as it would be from the pool. It closes with its engine."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: tuple | None = None  # (process id, engine, connection)

    def read(self, statement, parameters: dict):
        with self._lock:
            for attempt in (1, 2):
                connection = self._connection()
                try:
                    return connection.execute(statement, parameters).first()
                except DBAPIError as error:
                    self._drop()
                    if attempt == 2 or not error.connection_invalidated:
                        raise
        return None  # not reached: the second attempt returns or raises

    def _connection(self):
        held = self._held
        if held is None or held[0] != os.getpid() or held[1] is not db.engine:  # forked, or another app's engine
            engine = db.engine
            if held is not None and held[0] == os.getpid():
                held[2].close()
            held = self._held = (os.getpid(), engine, engine.connect().execution_options(isolation_level="AUTOCOMMIT"))
            if not event.contains(engine, "engine_disposed", self._engine_disposed):
                event.listen(engine, "engine_disposed", self._engine_disposed)
        return held[2]

    def _engine_disposed(self, engine) -> None:
        held = self._held
        if held is not None and held[1] is engine:
            self._held = None
            if held[0] == os.getpid():
                held[2].close()

    def _drop(self) -> None:
        held, self._held = self._held, None
        if held is not None and held[0] == os.getpid():
            held[2].invalidate()


def cache_key(kind: str, audience: str) -> str | None:
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
    return f"{get_locale()}:{kind}:{audience}:{request.path}?{urlencode(parameters)}"


def _serve_from_cache():
    endpoint = request.endpoint or ""
    if request.method != "GET" or endpoint not in CACHED_ENDPOINTS:
        return None
    if endpoint.startswith(SAME_FOR_EVERYONE):
        kind, audience = PAGE, "everyone"  # no account is even loaded
    elif (signed_out() or not current_user.is_authenticated) and not session.get("_flashes"):
        kind, audience = PAGE, "anonymous"
    else:
        kind, audience = LAYER, layers.audience(current_user)
    key = cache_key(kind, audience)
    if key is None:
        return None
    idea_argument = PAGES_OF_AN_IDEA.get(endpoint)
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


def _store_in_cache(response):
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


class Entry:
    """A cached page (or shared layer) as UTF-8, the version it was rendered at ("12" or "12.3")
    and when (a time() in seconds): it is served for at most PAGE_CACHE_TIMEOUT from then."""

    __slots__ = ("version", "mimetype", "body", "stored_at", "_shared")

    def __init__(self, version: str, mimetype: str, body: bytes, stored_at: float):
        self.version, self.mimetype, self.body, self.stored_at = version, mimetype, body, stored_at
        self._shared: layers.SharedPage | None = None

    def shared_page(self) -> layers.SharedPage:
        """A layer cut at its markers: once per entry (the worker's copy keeps it)."""
        if self._shared is None:
            self._shared = layers.SharedPage(self.body)  # the same bytes, not a copy
        return self._shared

    def encode(self) -> bytes:
        return f"{self.version}\n{self.mimetype}\n{self.stored_at!r}\n".encode() + self.body

    @classmethod
    def decode(cls, raw: bytes) -> Entry | None:
        """The entry `encode` wrote; None for anything else (an entry of an earlier release)."""
        try:
            version, mimetype, stored_at, body = raw.split(b"\n", 3)
            return cls(version.decode(), mimetype.decode(), body, float(stored_at))
        except ValueError:
            return None


class Copies:
    """This worker's copies of cached entries, the most recently used kept, at most `items` of them
    and `max_bytes` in all: a hit on a copy reads only the versions from Redis, not the page, and
    a layer is cut at its markers once (Entry.shared_page). A copy is used while its version is
    current and it is younger than `timeout`, the same as the entry it copies."""

    def __init__(self, *, items: int, max_bytes: int, timeout: int):
        self.items, self.max_bytes, self.timeout = items, max_bytes, timeout
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0

    def get(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time() - entry.stored_at >= self.timeout:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        if key in self._entries:
            self._drop(key)
        if len(entry.body) > self.max_bytes or time() - entry.stored_at >= self.timeout:
            return
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while len(self._entries) > self.items or self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        self._bytes -= len(self._entries.pop(key).body)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


class RecentVersions:
    """The versions this worker read from Redis or the database, or published, in the last `seconds`,
    each key with the greatest number it saw (versions only grow), and when. A reader is answered
    from a current copy with them, without a round trip: a change committed elsewhere reaches them
    up to `seconds` later, one this worker committed at once. Their own change reaches them at
    once: a version seen before it (`seen_after`) does not count. At most `items` keys are kept;
    then the memo starts over."""

    def __init__(self, *, seconds: float, items: int):
        self.seconds, self.items = seconds, items
        self._seen: dict[str, tuple[int, float]] = {}

    def get(self, keys: list[str], *, seen_after: float = 0.0) -> str | None:
        """The version of these keys ("12" or "12.3") if every one was seen recently enough (and
        after `seen_after`), else None."""
        if self.seconds <= 0:
            return None
        now, numbers = time(), []
        for key in keys:
            seen = self._seen.get(key)
            if seen is None or now - seen[1] >= self.seconds or seen[1] <= seen_after:
                return None
            numbers.append(str(seen[0]))
        return ".".join(numbers)

    def note(self, versions) -> None:
        """(key, number) pairs just read or published."""
        if self.seconds <= 0:
            return
        if len(self._seen) > self.items:
            self._seen = {}
        now = time()
        for key, value in versions:
            number = int(value)
            held = self._seen.get(key)
            if held is None or held[0] <= number:
                self._seen[key] = (number, now)

    def clear(self) -> None:
        self._seen = {}


class NullPages:
    """PAGE_CACHE_ENABLED off: nothing is kept (the hooks that read it are not even registered)."""

    def publish(self, site: int | None, ideas: Mapping[int, int]) -> None:
        pass

    def clear(self) -> None:
        pass


class LocalPages(NullPages):
    """Without Redis: pages in each worker process; the versions are read from the database on every lookup."""

    def __init__(self, *, items: int, timeout: int, max_bytes: int):
        self.pages = Copies(items=items, max_bytes=max_bytes, timeout=timeout)

    def lookup(self, key: str, idea_id: int | None, *, in_session: bool, changed_at: float = 0.0) -> tuple[str | None, Entry | None]:
        return current_version(in_session=in_session, idea_id=idea_id), self.pages.get(key)

    def store(self, key: str, entry: Entry) -> None:
        self.pages.put(key, entry)

    def clear(self) -> None:
        self.pages.clear()


# Sets a version key unless it holds a greater number already: publishing and refilling from the
# database may race, and the greater number is always the newer one.
_SET_IF_GREATER = """
local held = redis.call('GET', KEYS[1])
if (not held) or tonumber(held) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
"""


class BoundedRedisCache:
    """Pages in Redis under their own prefix, at most `items` of them (the oldest are evicted first),
    next to a copy of the versions they are checked against: a hit is one round trip to Redis (MGET
    of the versions, and of the page unless this worker has a current copy) and none to the database.

    The database's versions are the truth. The transaction that bumps them publishes the new numbers
    after its commit (`publish`), before its answer leaves, so the writer's next page is fresh. A copy
    lives VERSION_SECONDS only; a lookup that finds none reads the database and sets it. So a change
    committed by a process that could not publish (Redis briefly unreachable, another configuration)
    shows after at most that long. If Redis does not answer, pages are rendered as if uncached.
    """

    PREFIX = "ideen:page:"
    INDEX = "ideen:page-index"
    SITE_VERSION = "ideen:version:site"
    IDEA_VERSION = "ideen:version:idea:"

    def __init__(self, client, *, items: int, timeout: int, version_seconds: int, copies: Copies, recent: RecentVersions):
        self.client = client
        self.items = items
        self.timeout = timeout
        self.version_seconds = version_seconds
        self.copies = copies
        self.recent = recent
        self.set_if_greater = client.register_script(_SET_IF_GREATER)
        self.paused_until = 0.0  # monotonic time until which Redis is left alone after a failure

    def _redis_answers(self) -> bool:
        return monotonic() >= self.paused_until

    def _failed(self, doing: str, error: RedisError) -> None:
        self.paused_until = monotonic() + REDIS_PAUSE_SECONDS
        log.warning("page cache: Redis does not answer (%s) while %s; pages render without it for %d s", error, doing,
                    REDIS_PAUSE_SECONDS)

    def lookup(self, key: str, idea_id: int | None, *, in_session: bool, changed_at: float = 0.0) -> tuple[str | None, Entry | None]:
        """The current version and the entry under `key` (None if there is none). The versions this
        worker saw in the last PAGE_CACHE_RECENT_SECONDS will do, if it saw them after the reader's
        own last change (`changed_at`, CHANGED_AT) was published, give or take CLOCK_SKEW_SECONDS."""
        version_keys = [self.SITE_VERSION] if idea_id is None else [self.SITE_VERSION, f"{self.IDEA_VERSION}{idea_id}"]
        copy = self.copies.get(key)
        if copy is not None and copy.version == self.recent.get(version_keys, seen_after=changed_at + CLOCK_SKEW_SECONDS):
            return copy.version, copy
        if not self._redis_answers():
            return None, None
        try:
            values = self.client.mget(version_keys if copy else [*version_keys, self.PREFIX + key])
            versions = values[:len(version_keys)]
            version = self._version(versions, version_keys, idea_id, in_session=in_session)
            if copy is not None:
                if copy.version == version:
                    return version, copy
                raw = self.client.get(self.PREFIX + key)  # another worker may have rendered it anew
            else:
                raw = values[-1]
        except RedisError as error:
            self._failed("looking a page up", error)
            return None, None
        entry = Entry.decode(raw) if raw is not None else None
        if entry is None:
            return version, None
        if entry.version == version:
            self.copies.put(key, entry)
        return version, entry

    def _version(self, versions: list, version_keys: list[str], idea_id: int | None, *, in_session: bool) -> str | None:
        version: str | None
        if all(value is not None for value in versions):
            version = ".".join(value.decode() for value in versions)
            self.recent.note(zip(version_keys, versions, strict=True))
        else:
            version = current_version(in_session=in_session, idea_id=idea_id)
            if version is not None:  # (an idea that does not exist has no page version: "12.None")
                known = [(k, v) for k, v in zip(version_keys, version.split("."), strict=True) if v.isdigit()]
                self._set_versions(known)
                self.recent.note(known)
        return version

    def store(self, key: str, entry: Entry) -> None:
        self.copies.put(key, entry)
        if not self._redis_answers():
            return
        try:
            pipe = self.client.pipeline()
            pipe.set(self.PREFIX + key, entry.encode(), ex=self.timeout)
            pipe.zadd(self.INDEX, {key: time()})
            pipe.zcard(self.INDEX)
            size = pipe.execute()[-1]
            if size > self.items:
                oldest = [k.decode("utf-8") for k, _score in self.client.zpopmin(self.INDEX, size - self.items)]
                if oldest:
                    self.client.delete(*[self.PREFIX + k for k in oldest])
        except RedisError as error:
            self._failed("storing a page", error)

    def publish(self, site: int | None, ideas: Mapping[int, int]) -> None:
        versions = ([(self.SITE_VERSION, site)] if site is not None else []) + [(f"{self.IDEA_VERSION}{i}", v) for i, v in ideas.items()]
        self.recent.note(versions)  # this worker's next answer shows its own change, Redis or not
        if not self._redis_answers():
            return  # the other workers read the database's versions within VERSION_SECONDS
        try:
            self._set_versions(versions)
        except RedisError as error:
            self._failed(f"publishing new versions (they show within {self.version_seconds} s)", error)

    def _set_versions(self, versions) -> None:
        pipe = self.client.pipeline()
        for key, value in versions:
            self.set_if_greater(keys=[key], args=[value, self.version_seconds], client=pipe)
        pipe.execute()

    def clear(self) -> None:
        self.copies.clear()
        self.recent.clear()
        self.paused_until = 0.0
        keys = [self.PREFIX + k.decode("utf-8") for k in self.client.zrange(self.INDEX, 0, -1)]
        self.client.delete(*keys, self.INDEX, self.SITE_VERSION, *self.client.keys(self.IDEA_VERSION + "*"))


# Invalidation: mark the session when public content changes; bump the versions before commit.

def public_content_changed() -> None:
    """For a change the session events cannot see as public (an author's account emptied on deletion)."""
    db.session.info[_FLAG] = True


def idea_scoped(statement: _Statement) -> _Statement:
    """Mark a statement that changes only what an idea's page version covers (a counter, a support),
    not the site: the caller bumps that idea's page version itself where the page shows the change
    (bump_idea, with the comment counter), or not at all (a support count, see above)."""
    return statement.execution_options(**{IDEA_SCOPED: True})


def bump_idea(statement, idea_id: int, column):
    """Run an UPDATE of one idea's counter `column` that bumps its page version in the same statement
    (instead of a second one at commit); the counter's new value, or None if there is no such idea."""
    row = db.session.execute(
        idea_scoped(statement.values(page_version=Idea.page_version + 1).returning(Idea.page_version, column))
    ).first()
    if row is None:
        return None
    db.session.info.setdefault(_BUMPED, {})[idea_id] = row[0]
    return row[1]


def bump_idea_page(idea_id: int) -> None:
    """Bump one idea's page version now, for a change of one of its comments: its row is locked
    before the comment's, in the order of every counter change (app/participation/services.py)."""
    bump_idea(update(Idea).where(Idea.id == idea_id), idea_id, Idea.page_version)


def _mark_flush(session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, IDEA_CONTENT):
            session.info.setdefault(_IDEAS, set()).add(obj.idea_id)
        elif isinstance(obj, PUBLIC_CONTENT):
            session.info[_FLAG] = True


def _mark_bulk(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        if not state.execution_options.get(IDEA_SCOPED) and issubclass(state.bind_mapper.class_, PUBLIC_CONTENT):
            state.session.info[_FLAG] = True


def _bump_version(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released. Bumping there would lock the
    # version row before rows the transaction locks later (deadlocks on PostgreSQL); so the
    # bump waits for the outermost commit, where every writer takes this lock last.
    if session.in_nested_transaction():
        return
    session.flush()  # let before_flush see pending changes first
    bumped: dict[int, int] = session.info.pop(_BUMPED, {})  # by bump_idea, in this transaction already
    ideas = session.info.pop(_IDEAS, set()) - bumped.keys()
    site = None
    if session.info.pop(_FLAG, False):
        site = session.execute(
            update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1).returning(ContentVersion.version)
        ).scalar_one()
    elif ideas:
        # In id order, like every other statement that locks several ideas (no deadlock in a circle).
        bumped.update(session.execute(idea_scoped(
            update(Idea).where(Idea.id.in_(sorted(ideas))).values(page_version=Idea.page_version + 1).returning(Idea.id, Idea.page_version)
        )).tuples().all())
    if site is not None or bumped:
        session.info[_PUBLISH] = (site, bumped)


def _publish(orm_session) -> None:
    """After the commit: tell the other workers (through Redis) the versions this transaction made."""
    site, ideas = orm_session.info.pop(_PUBLISH, (None, {}))
    if (site is not None or ideas) and has_app_context():
        current_app.extensions["page_cache"].publish(site, ideas)
        if has_request_context():
            session[CHANGED_AT] = round(time(), 3)  # after publishing: what Redis has from now on includes it


def _forget(session, previous_transaction) -> None:
    # Only a rollback of the whole transaction discards its changes; a savepoint's does not.
    if previous_transaction.parent is None:
        session.info.pop(_FLAG, None)
        session.info.pop(_IDEAS, None)
        session.info.pop(_PUBLISH, None)
        session.info.pop(_BUMPED, None)

"""Where entries are kept: an Entry (a page or a shared layer with its version), in the worker
(LocalPages, Copies) or in Redis (BoundedRedisCache); NullPages when the cache is off."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from time import monotonic, time

from redis.exceptions import RedisError

from app.cache import layers
from app.cache.versions import CLOCK_SKEW_SECONDS, RecentVersions, current_version

log = logging.getLogger("app.cache")

REDIS_TIMEOUT = 1.0  # seconds: a page renders without the cache rather than wait for Redis longer
# After Redis failed to answer, this worker leaves it alone for this long (pages are rendered
# without the cache meanwhile): a hung Redis costs one request REDIS_TIMEOUT, not every request.
REDIS_PAUSE_SECONDS = 5.0


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


# Stores an entry, notes it in the index (by time) and evicts the oldest beyond the bound, in one
# round trip (three when done from here: the set, then popping the oldest, then deleting them).
# The evicted pages' keys are built in the script from the prefix: fine on one Redis server, which
# is what the platform uses (not a Redis Cluster, where a script may touch only the keys it is given).
_STORE_BOUNDED = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do redis.call('DEL', ARGV[6] .. oldest[i]) end
end
"""


class BoundedRedisCache:
    """Pages in Redis under their own prefix, at most `items` of them (the oldest are evicted first),
    next to a copy of the versions they are checked against: a hit is one round trip to Redis (MGET
    of the versions, and of the page unless this worker has a current copy) and none to the database.

    The database's versions are the truth. The transaction that bumps them publishes the new numbers
    after its commit (`publish`), before its answer leaves, so the writer's next page is fresh. A copy
    lives VERSION_SECONDS only; a lookup that finds none reads the database (and sets it, when there
    is an entry to check against it: `_version`). So a change committed by a process that could not
    publish (Redis briefly unreachable, another configuration) shows after at most that long. If
    Redis does not answer, pages are rendered as if uncached.
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
        self.store_bounded = client.register_script(_STORE_BOUNDED)
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
            version = self._version(versions, version_keys, idea_id, in_session=in_session,
                                    share=copy is not None or values[-1] is not None)
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

    def _version(self, versions: list, version_keys: list[str], idea_id: int | None, *, in_session: bool, share: bool) -> str | None:
        """The versions from Redis, or else from the database; those are `share`d in Redis (for the
        other workers' lookups) only if there is an entry to check against them: a page no one has
        stored (an idea of the long tail, read once) costs no round trip for it. Its next reader,
        finding the entry, shares them."""
        version: str | None
        if all(value is not None for value in versions):
            version = ".".join(value.decode() for value in versions)
            self.recent.note(zip(version_keys, versions, strict=True))
        else:
            version = current_version(in_session=in_session, idea_id=idea_id)
            if version is not None:  # (an idea that does not exist has no page version: "12.None")
                known = [(k, v) for k, v in zip(version_keys, version.split("."), strict=True) if v.isdigit()]
                if share:
                    self._set_versions(known)
                self.recent.note(known)
        return version

    def store(self, key: str, entry: Entry) -> None:
        self.copies.put(key, entry)
        if not self._redis_answers():
            return
        try:
            self.store_bounded(keys=[self.PREFIX + key, self.INDEX], args=[entry.encode(), self.timeout, time(), key, self.items, self.PREFIX])
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

"""The content versions an entry is checked against: read from the database (VersionReader, one
open connection per worker), remembered for a moment (RecentVersions), and the session's mark of a
reader's own change (CHANGED_AT)."""

from __future__ import annotations

import os
import threading
from time import time

from flask import current_app
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import ContentVersion, Idea

# The session's mark of a reader's own change of public content (the time of the commit that published it).
CHANGED_AT = "changed_at"
# How far the clocks of two machines behind one proxy may differ (CHANGED_AT is compared on another).
CLOCK_SKEW_SECONDS = 2


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

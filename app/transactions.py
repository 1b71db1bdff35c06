"""When work writes, and how a request that only reads talks to the database.

Write intent is explicit. A request that is not GET/HEAD/OPTIONS writes; other work writes inside
`with writing():` (the worker's tasks, CLI commands, a GET's bookkeeping such as the session's
last-seen time). app/database.py turns that into SQLite's BEGIN IMMEDIATE.

A request that only reads (`only_reads()`) runs on PostgreSQL without a transaction: `db.session`
(the `Session` below) takes its connection in autocommit mode, so its statements are sent as they
are, with no BEGIN before them and no COMMIT after them: two of a signed-in page's four round trips
(a cached idea page: 3.1 → 2.8 ms in-process). What it reads is the same: in READ COMMITTED, each
statement of a transaction sees its own snapshot anyway. Its prepared statements stay (psycopg
forgets them on a ROLLBACK it sends, and in autocommit mode it sends none), and there is nothing
to end: app/database.py lets Flask-SQLAlchemy hand the connection back without the session's
COMMIT, which costs no round trip here but expires every object the page loaded (a tenth of a
millisecond on a cached page, more on a rendered one).

So that nothing a GET does is committed by accident, such a request may not write at all: an
INSERT, UPDATE or DELETE (ORM flush, bulk statement or text) outside `writing()` raises
`WriteInReadOnlyRequest` before it reaches the database, on both databases. Inside `writing()`
the session takes an ordinary connection for it, in a transaction, committed or rolled back as
usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from weakref import WeakKeyDictionary

from flask import g, has_request_context, request
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Engine, TextClause
from sqlalchemy.orm import ORMExecuteState

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_WRITES: ContextVar[bool] = ContextVar("database_writes", default=False)
_AUTOCOMMIT: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()
READ_IN_AUTOCOMMIT = "read_in_autocommit"  # Session.info: this transaction's reads took the autocommit connection


class WriteInReadOnlyRequest(RuntimeError):
    """A GET (HEAD, OPTIONS) request wrote outside `writing()`: a bug (no state change on GET)."""


@contextmanager
def writing() -> Iterator[None]:
    """Work inside writes: SQLite's write lock at once, and in a GET request an ordinary transaction."""
    token = _WRITES.set(True)
    try:
        yield
    finally:
        _WRITES.reset(token)


def writes() -> bool:
    """This work writes: inside `writing()`, or a request that is not GET/HEAD/OPTIONS."""
    return _WRITES.get() or (has_request_context() and request.method not in SAFE_METHODS)


def mark_request() -> None:
    """The app's first before_request: is this request one that only reads? (Set for requests the
    app serves, not for a request context made to build links, as the worker's mails do.)"""
    g._only_reads = request.method in SAFE_METHODS


def only_reads() -> bool:
    """Serving a GET/HEAD/OPTIONS request, outside `writing()`."""
    return not _WRITES.get() and has_request_context() and g.get("_only_reads", False)


def _autocommit(engine: Engine) -> Engine:
    """The engine's autocommit twin (same pool; SQLAlchemy resets the connection when it goes back)."""
    twin = _AUTOCOMMIT.get(engine)
    if twin is None:
        twin = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return twin


class Session(FlaskSession):
    """db.session: on PostgreSQL, a request that only reads gets its connection in autocommit mode."""

    def get_bind(self, mapper: Any | None = None, clause: Any | None = None, bind: Any | None = None, **kwargs: Any) -> Any:
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is None and isinstance(engine, Engine) and engine.dialect.name == "postgresql" and only_reads():
            self.info[READ_IN_AUTOCOMMIT] = True
            return _autocommit(engine)
        return engine


def _is_write(state: ORMExecuteState) -> bool:
    if isinstance(state.statement, TextClause):
        return state.statement.text.lstrip()[:6].upper() != "SELECT"
    return state.is_insert or state.is_update or state.is_delete


def refuse_write_statement(state: ORMExecuteState) -> None:
    """Session event do_orm_execute: runs before the statement is sent."""
    if only_reads() and _is_write(state):
        raise WriteInReadOnlyRequest(f"{request.method} {request.path} wrote outside writing(): {str(state.statement)[:80]}")


def refuse_flush(session: Any, flush_context: Any, instances: Any) -> None:
    """Session event before_flush."""
    if only_reads():
        raise WriteInReadOnlyRequest(f"{request.method} {request.path} flushed changes outside writing()")

"""The database connection rules, in one place: SQLite pragmas, when a transaction takes the write lock,
and how the pool sees that a PostgreSQL connection died.

On PostgreSQL, a connection the pool hands out is checked without a round trip (`_alive_on_checkout`):
pool_pre_ping would send `SELECT 1` before every request's first statement. An idle connection has
nothing to read; if its socket is readable, the server closed it (a restart, pg_terminate_backend)
and the pool opens a new one instead (SQLAlchemy's documented "pessimistic" custom check). Its
cursors build their `description` only when read (app/pg_cursor.py).

On SQLite (the embedded default):
- foreign keys on, WAL, a 15 s busy timeout so concurrent writers wait instead of failing;
- a transaction that will write starts with BEGIN IMMEDIATE. A deferred transaction that reads
  and then writes cannot wait for a concurrent writer in WAL mode (SQLITE_BUSY_SNAPSHOT fails
  at once); BEGIN IMMEDIATE waits (busy_timeout) and then sees the latest data.

Write intent is explicit (app/transactions.py: `with writing():`, or a request that is not
GET/HEAD/OPTIONS); there too, why a request that only reads runs on PostgreSQL without a
transaction, and why it may not write.

A request whose transaction only read ends it with COMMIT, not ROLLBACK (`_end_read_only_transaction`):
for the database the two are the same when nothing was written, but psycopg forgets every prepared
statement on a ROLLBACK, so with a rollback at the end of each request PostgreSQL planned every
statement again in every request (half of a signed-in idea page's SQL time in a profile: 2.2 ms,
now 1.1). A transaction that wrote anything (a flush, an UPDATE/INSERT/DELETE or any statement
that is not a SELECT) or holds unflushed changes is rolled back as before: what a view did not
commit is never committed for it. (A GET on PostgreSQL reads in autocommit mode and has no
transaction to end: no COMMIT at all, app/transactions.py.)
A migration that changes a table while the app runs can fail a prepared statement once ("cached
plan must not change result type"): stop the app for `flask db upgrade` (docs/deployment.md, "Updating").

`insert_unless_exists(model)` is the one INSERT ... ON CONFLICT DO NOTHING (a support, a follow, a
report, rows carried over by a merge): the same SQL on both databases, and compiled once per process.
The dialects' own `insert().on_conflict_do_nothing()` is never cached by SQLAlchemy 2.0 (its Insert
sets inherit_cache = False; sqlalchemy#10445): a support compiled its two INSERTs anew in every
request, about a tenth of the request's time in a profile.
"""

from __future__ import annotations

import os
import select as readiness
import socket
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from flask import Flask
from sqlalchemy import (
    ClauseElement,
    ColumnElement,
    Connection,
    CursorResult,
    Executable,
    Insert,
    Select,
    event,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from app import transactions
from app.extensions import db

_WROTE = "transaction_wrote"  # Session.info: this transaction flushed or ran a statement that is not a SELECT


def skip_locked(stmt: Select[Any], **options: Any) -> Select[Any]:
    """SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, so concurrent workers take different rows; SQLite
    has no row locks (a worker's write transaction holds the whole database) and gets the statement as it is."""
    if db.engine.dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True, **options)
    return stmt


def claim_rows(model: Any, *, due: Iterable[ColumnElement[bool]], still_due: ColumnElement[bool], order_by: Iterable[Any], limit: int,
               now: datetime, lease: timedelta, **values: Any) -> list[Any]:
    """Lease up to `limit` rows of `model` (with claimed_by/claimed_until columns) to this call: rows
    that are `due` and not leased by someone else, or whose lease expired. `still_due` is checked
    again in the UPDATE; `values` are set with the lease. Commits the claim; returns the rows.
    Used by every queue the worker drains (mail, data exports), so two workers never take one row."""
    claim = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"
    ids = skip_locked(
        select(model.id)
        .where(*due, or_(model.claimed_until.is_(None), model.claimed_until < now))
        .order_by(*order_by)
        .limit(limit)
    )
    db.session.execute(
        update(model)
        .where(model.id.in_(ids), still_due)
        .values(claimed_by=claim, claimed_until=now + lease, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(db.session.scalars(select(model).where(model.claimed_by == claim).order_by(model.id)))


def give_up_after(model: Any, row_id: int, attempts: int, now: datetime) -> None:
    """After a failed turn on a row claimed by claim_rows: mark it failed (failed_at) once it has
    been tried `attempts` times; before that it is tried again when its lease ends. Commits. The
    data downloads and the reports give up this way."""
    db.session.execute(update(model).where(model.id == row_id, model.attempts >= attempts).values(failed_at=now))
    db.session.commit()


def committed_in_get(change: Callable[[], Any]) -> bool:
    """A GET's own write (app/transactions.py: inside `writing()`): `change()`, then commit. False,
    rolled back, when the database is busy: beyond the busy timeout, or on SQLite at once when this
    GET's read began before another process committed (SQLITE_BUSY_SNAPSHOT; two workers noting the
    same visit). Bookkeeping then goes without; a write that must happen tries again, in a
    transaction of its own, which starts with BEGIN IMMEDIATE and so waits its turn."""
    with transactions.writing():
        try:
            change()
            db.session.commit()
            return True
        except OperationalError:
            db.session.rollback()
            return False


class _OnConflictDoNothing(ClauseElement):
    """ON CONFLICT DO NOTHING without a conflict target: always the same SQL, so it can be cached."""

    __visit_name__ = "on_conflict_do_nothing_anywhere"
    inherit_cache = True
    _traverse_internals: list[Any] = []


@compiles(_OnConflictDoNothing)
def _compile_do_nothing(element: _OnConflictDoNothing, compiler: Any, **kw: Any) -> str:
    return "ON CONFLICT DO NOTHING"


class InsertUnlessExists(Insert):
    """An INSERT that skips rows a unique constraint already has (PostgreSQL and SQLite alike)."""

    inherit_cache = True

    def __init__(self, table: Any) -> None:
        super().__init__(table)
        self._post_values_clause = _OnConflictDoNothing()


def insert_unless_exists(model: Any) -> InsertUnlessExists:
    """INSERT ... ON CONFLICT DO NOTHING into `model`'s table; with `.returning(...)`, a row comes
    back only for what was inserted."""
    return InsertUnlessExists(model)


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session and say how many rows it changed (typed: the session
    answers a Result, whose rowcount only the cursor result behind it has)."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """pysqlite's own transaction handling is switched off; `_sqlite_begin` starts transactions."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if transactions.writes() else "BEGIN")


def _lazy_descriptions(dbapi_connection: Any, connection_record: Any) -> None:
    """A new PostgreSQL connection's cursors build `description` only when it is read (app/pg_cursor.py)."""
    from app.pg_cursor import Cursor

    dbapi_connection.cursor_factory = Cursor


def _alive_on_checkout(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    """A pooled PostgreSQL connection, checked before use: closed, broken or with something to read
    while idle (the server's goodbye) means dead; DisconnectionError makes the pool replace it."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("connection closed")
    readable, _, _ = readiness.select([dbapi_connection.fileno()], [], [], 0)
    if readable:
        raise DisconnectionError("the server closed the connection while it was idle")


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(transactions.READ_IN_AUTOCOMMIT, None)


def _flushed(session: Session, flush_context: Any) -> None:
    session.info[_WROTE] = True


def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info[_WROTE] = True


def listen_to_sessions(hooks: Iterable[tuple[str, Callable[..., None]]]) -> None:
    """Session event hooks (name, function) on every ORM session, registered once per process
    (create_app runs more than once in a process: the tests build several apps)."""
    for name, hook in hooks:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def only_read(session: Session) -> bool:
    """True if the session's transaction has read and nothing else: COMMIT and ROLLBACK would do the same."""
    return (session.in_transaction() and not session.info.get(_WROTE)
            and not (session.new or session.dirty or session.deleted))


def _end_read_only_transaction(error: BaseException | None) -> None:
    """Runs before Flask-SQLAlchemy's teardown, which rolls back whatever is still open."""
    if not db.session.registry.has():
        return  # the request never used a session (a page from the cache, a static file)
    session = db.session()
    if error is None and only_read(session):
        if session.info.get(transactions.READ_IN_AUTOCOMMIT):
            return  # no transaction to end (app/transactions.py): Flask-SQLAlchemy's teardown hands the connection back
        try:
            session.commit()
        except SQLAlchemyError:
            session.rollback()


def init_app(app: Flask) -> None:
    """Register the connection rules on this app's engine (after db.init_app: its teardown runs after ours)."""
    listen_to_sessions((("after_transaction_end", _ended), ("after_flush", _flushed), ("do_orm_execute", _executed),
                        ("do_orm_execute", transactions.refuse_write_statement), ("before_flush", transactions.refuse_flush)))
    app.teardown_appcontext(_end_read_only_transaction)
    app.before_request(transactions.mark_request)  # the first before_request (create_app)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _lazy_descriptions)
        event.listen(engine, "checkout", _alive_on_checkout)
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)

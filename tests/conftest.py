"""Test harness.

The database is chosen by DATABASE_URL (PostgreSQL in CI's second run),
otherwise a SQLite file in a temporary folder. The schema is built once per
session by the Alembic migrations, never by create_all; after each test every
table is emptied, so tests see a clean database on both engines.

Under pytest-xdist (`make test` runs two workers) each worker has its own
database (PostgreSQL: DATABASE_URL's name with the worker's suffix, e.g.
test_gw1, created when missing) and its own Redis databases (redis_url()).
"""

from __future__ import annotations

import contextvars
import functools
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import Table, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url

from app import cache, create_app
from app.config import TestConfig, normalise_database_url
from app.extensions import db, limiter
from app.models import Base, User
from app.seed.reference import load_reference_data
from tests.factories import create_user
from tests.helpers import Auth


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_root / 'test.sqlite3'}"
    url = make_url(normalise_database_url(url))
    database = url.database or ""
    if "test" not in database:
        raise pytest.UsageError(f"Refusing to run tests against database {database!r}: its name must contain 'test'.")
    if "PYTEST_XDIST_WORKER" in os.environ:
        name = f"{database}_{os.environ['PYTEST_XDIST_WORKER']}"
        _create_database(url, name)
        url = url.set(database=name)
    return url.render_as_string(hide_password=False)


def _create_database(configured, name: str) -> None:
    """The worker's own database `name`, made once through the configured one (which must exist)."""
    base = create_engine(configured, isolation_level="AUTOCOMMIT")
    with base.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    base.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def outbox_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("outbox")


def make_config(database_url: str, outbox: Path, **overrides):
    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX": str(outbox), "EXPORT_DIR": str(outbox.parent / "exports"),
             "UPLOAD_DIR": str(outbox.parent / "uploads"), **overrides}
    return type("PerTestConfig", (TestConfig,), attrs)


@pytest.fixture(scope="session")
def migrated(database_url, outbox_root) -> str:
    app = create_app(make_config(database_url, outbox_root))
    with app.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"))
        db.engine.dispose()
    return database_url


KEEP_TABLES = {"content_versions"}  # one row made by the migration; its number only grows


def empty_all_tables() -> None:
    """DELETE in dependency order and restart the ids (on PostgreSQL a quarter of TRUNCATE's time,
    and all of it in one round trip: a hundred statements one by one cost 30 ms a test)."""
    if db.engine.dialect.name == "postgresql":
        db.session.connection().exec_driver_sql(_emptying_postgresql())
    else:
        for table in _emptied_tables():
            db.session.execute(table.delete())
        if _has_sqlite_sequence():
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


def _emptied_tables() -> list[Table]:
    """Every table but KEEP_TABLES, children before their parents."""
    return [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]


@functools.cache
def _emptying_postgresql() -> str:
    """empty_all_tables' statements on PostgreSQL as one string (psycopg sends it as one query)."""
    sequences = db.session.scalars(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")).all()
    return "".join(f"DELETE FROM {t.name};" for t in _emptied_tables()) + "".join(f"ALTER SEQUENCE {s} RESTART;" for s in sequences)


def _has_sqlite_sequence() -> bool:
    return bool(db.session.execute(text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first())


@pytest.fixture
def app_config_overrides() -> dict:
    """Override in a test module to change settings (e.g. CSRF or rate limits on)."""
    return {}


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, as a real server does.

    The test itself holds an app context (so it can use db.session); without
    this, requests would share its `g` (where Flask-Login caches the user) and
    its database session. After each request the test's session ends its
    transaction, so it sees what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if _cv_app.get(None) is not None:
            db.session.commit()
        return response


class AppPool:
    """One app per set of overrides for the whole session: building one costs about 70 ms (Werkzeug
    compiles a hundred routes), more than most tests.

    Before each test the app's config is restored to what it was when it was built (with this test's
    folders for mail, exports and uploads) and its in-memory page cache and rate-limit counters are
    emptied. Flask-Limiter is a module-level object that keeps the storage and switch of the app it
    saw last; an app is reused only while that is still its own, otherwise it is built again.
    """

    def __init__(self):
        self._apps: dict[str, tuple[Flask, dict, tuple]] = {}

    @staticmethod
    def _limiter_state() -> tuple:
        return (limiter.enabled, id(limiter._storage))

    def get(self, database_url: str, tmp_path: Path, overrides: dict) -> Flask:
        key = repr(sorted(overrides.items()))
        folders = {"MAIL_OUTBOX": str(tmp_path / "outbox"), "EXPORT_DIR": str(tmp_path / "exports"), "UPLOAD_DIR": str(tmp_path / "uploads")}
        held = self._apps.get(key)
        if held is None or held[2] != self._limiter_state():
            if held is not None:
                with held[0].app_context():
                    db.engine.dispose()
            app = create_app(make_config(database_url, tmp_path / "outbox", **overrides))
            app.test_client_class = IsolatedClient
            held = self._apps[key] = (app, dict(app.config), self._limiter_state())
        app, config, _ = held
        app.config.clear()
        app.config.update(config, **folders)
        try:
            app.extensions["page_cache"].clear()
            if app.config["RATELIMIT_ENABLED"]:
                with app.app_context():
                    limiter.reset()
        except redis.RedisError:
            pass  # a test of Redis being away (tests/web/test_redis_outage.py): nothing to empty
        return app


_pool = AppPool()


@pytest.fixture
def app(migrated, tmp_path, app_config_overrides):
    app = _pool.get(migrated, tmp_path, app_config_overrides)
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def make_app(app):
    """Another app on this test's database and outbox with other settings: make_app(SETTING=value)."""
    made = []

    def make(**overrides):
        other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.config["MAIL_OUTBOX"]), **overrides))
        other.test_client_class = IsolatedClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def reference(app):
    _REFERENCE.load()
    db.session.commit()


class ReferenceRows:
    """load_reference_data's rows, written by the function itself in a process's first test and
    copied back in one INSERT per table afterwards (the function's many small queries cost 22 ms a
    test on PostgreSQL; the copy a few). Whatever tables it filled are copied, with their ids, so
    each id sequence is set past them."""

    def __init__(self):
        self._rows: list[tuple[Table, list[dict]]] | None = None

    def load(self) -> None:
        if self._rows is None:
            parents_first = list(reversed(_emptied_tables()))
            # Only rows the function wrote are kept: not those of a fixture that ran before it, nor
            # the rows a migration wrote, which the first test of a process still finds.
            empty = not any(db.session.execute(select(t).limit(1)).first() for t in parents_first)
            load_reference_data()
            db.session.flush()
            if empty:
                self._rows = [(t, rows) for t in parents_first if (rows := [dict(r._mapping) for r in db.session.execute(select(t))])]
            return
        for table, rows in self._rows:
            db.session.execute(insert(table), rows)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT " + ", ".join(  # noqa: S608 (names from our own metadata)
                f"setval(pg_get_serial_sequence('{t.name}', 'id'), (SELECT max(id) FROM {t.name}))" for t, _ in self._rows if "id" in t.c)))
        cache.public_content_changed()  # as the function's own inserts would


_REFERENCE = ReferenceRows()


@pytest.fixture
def outbox(app) -> "Outbox":
    return Outbox(Path(app.config["MAIL_OUTBOX"]))


class Outbox:
    """The .eml files the app wrote in this test."""

    def __init__(self, path: Path):
        self.path = path

    def messages(self) -> list[str]:
        """Delivers what is queued first, as the worker would (app/mail.py), then reads the files."""
        from app import mail

        mail.deliver_pending()
        if not self.path.exists():
            return []
        import email
        from email import policy

        result = []
        for file in sorted(self.path.glob("*.eml")):
            message = email.message_from_bytes(file.read_bytes(), policy=policy.default)
            result.append(message)
        return result

    def last_link(self, path_prefix: str) -> str:
        for message in reversed(self.messages()):
            body = message.get_body(("plain",)).get_content()
            match = re.search(r"https?://\S*(" + re.escape(path_prefix) + r"\S+)", body)
            if match:
                return match.group(1)
        raise AssertionError(f"no link to {path_prefix} in the outbox")


@pytest.fixture
def user(app, reference) -> User:
    return create_user()


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def another_process_commits():
    """SQLite only: `with another_process_commits("UPDATE users"):` makes a second connection (as
    another worker would) commit a change just before the first such statement is sent, so the
    request's reading transaction is stale when it wants to write (SQLITE_BUSY_SNAPSHOT)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("a stale snapshot refuses the write lock on SQLite only; PostgreSQL waits for the row")

    @contextmanager
    def before(statement_start: str):
        done = []

        def commit_elsewhere(connection, cursor, statement, parameters, context, executemany):
            if not done and statement.lstrip().upper().startswith(statement_start.upper()):
                done.append(True)
                other = sqlite3.connect(db.engine.url.database)
                other.execute("UPDATE municipalities SET position = position + 1")  # a real change (an equal value writes nothing)
                other.commit()
                other.close()

        with _before_each_statement(commit_elsewhere):
            yield done

    return before


@contextmanager
def _before_each_statement(listener):
    """`listener` sees every statement sent (SQLAlchemy's before_cursor_execute) while inside."""
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


class QueryCounter:
    """Counts SQL statements; transaction control (SQLite's explicit BEGIN, savepoints) is not a query."""

    CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

    def __init__(self):
        self.sent: list[tuple[str, Any]] = []  # each statement with its parameters

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(self.CONTROL):
            self.sent.append((statement, parameters))

    @property
    def statements(self) -> list[str]:
        return [statement for statement, _ in self.sent]

    @property
    def count(self) -> int:
        return len(self.sent)


@pytest.fixture
def count_queries(app):
    """Usage: with count_queries() as counter: ...; counter.count"""

    @contextmanager
    def counting():
        counter = QueryCounter()
        with _before_each_statement(counter):
            yield counter

    return counting


@pytest.fixture
def live_server(app):
    """The app served over HTTP (threaded) on a free port, sharing the test's database and folders.

    CSRF is on, as in production. Like the test's own app, it is built once and reused (AppPool).
    """
    import threading

    from werkzeug.serving import make_server

    served = _pool.get(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.config["MAIL_OUTBOX"]).parent, {"WTF_CSRF_ENABLED": True})
    server = make_server("127.0.0.1", 0, served, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    served.config["PUBLIC_BASE_URL"] = base
    # shutdown() waits for the loop's next poll: socketserver's 0.5 s default cost every browser test half a second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=5)


def pytest_collection_modifyitems(items):
    """Tests that use no app (and so no database) are marked `pure`: `make test-pure` runs them in
    seconds, a loop for rules and helpers."""
    for item in items:
        if "app" not in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pure)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The files that take longest (setup, call and teardown of all their tests), so the suite's time
    is visible in every CI log: `make test` also prints pytest's 15 slowest tests."""
    totals: dict[str, float] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid, duration = getattr(report, "nodeid", ""), getattr(report, "duration", None)
            if nodeid and duration is not None:
                path = nodeid.split("::", 1)[0]
                totals[path] = totals.get(path, 0.0) + duration
    if not totals:
        return
    terminalreporter.write_sep("-", f"time per file (the 15 longest of {len(totals)}; {sum(totals.values()):.0f} s in all, over every worker)")
    for path, seconds in sorted(totals.items(), key=lambda item: -item[1])[:15]:
        terminalreporter.write_line(f"{seconds:7.1f} s  {path}")

"""The pool replaces a PostgreSQL connection the server closed, without a ping per request (app/database.py)."""

import time

import pytest
from sqlalchemy import text

from app.extensions import db


def _backend_pid() -> int:
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    db.session.rollback()  # back to the pool
    return pid


def test_a_connection_the_server_ended_is_replaced_on_checkout(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL ends connections (pg_terminate_backend); SQLite has none to lose")
    db.engine.dispose()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as other:  # held: not the one handed out below
        first = _backend_pid()
        assert _backend_pid() == first  # the pool gives the same idle connection back
        assert other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        for _ in range(100):  # the signal is asynchronous: wait until that backend has gone
            if not other.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": first}):
                break
            time.sleep(0.05)
        replaced = _backend_pid()  # would fail with "terminating connection due to administrator command"
    assert replaced != first


def test_no_ping_is_sent_before_a_request_s_statements(app, count_queries):
    """pool_pre_ping would add a `SELECT 1` round trip to every request."""
    assert not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping")
    with count_queries() as counter:
        db.session.execute(text("SELECT 2")).scalar()
    assert counter.count == 1

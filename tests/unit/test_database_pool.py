"""The pool replaces a PostgreSQL connection the server closed, without a ping per request (app/database.py);
its cursors build `description` only when read (app/pg_cursor.py)."""

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


def _columns(description) -> list[tuple]:
    return [(column.name, column.type_code, column.internal_size) for column in description]


def test_cursors_describe_their_result_only_when_read(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the lazy description is psycopg's cursor's (SQLite's sqlite3 builds plain tuples)")
    import psycopg

    from app.pg_cursor import Cursor, Description

    raw = db.session.connection().connection.dbapi_connection
    query = "SELECT 1 AS id, 'Radweg'::text AS title, now() AS at, NULL::numeric(12, 2) AS budget"
    cursor, plain = raw.cursor(), psycopg.Cursor(raw)
    assert isinstance(cursor, Cursor)
    cursor.execute(query)
    plain.execute(query)
    description = cursor.description
    assert isinstance(description, Description) and description._columns is None  # nothing built yet
    assert len(description) == 4
    assert _columns(description) == _columns(plain.description)
    assert _columns(description[1:3]) == _columns(plain.description[1:3])
    assert description[-1].name == "budget"
    # Built late, it still describes the result it was asked for, not the cursor's next one.
    later = cursor.execute(query).description
    cursor.execute("SELECT 2 AS other")
    assert [column.name for column in later] == ["id", "title", "at", "budget"]
    cursor.execute("SET LOCAL work_mem = '4MB'")
    assert cursor.description is None and plain.execute("SET LOCAL work_mem = '4MB'").description is None
    db.session.rollback()


def test_orm_results_keep_their_columns_with_lazy_descriptions(app):
    """SQLAlchemy reads a statement's columns from the first description and keeps them: the same
    statement run again (from its cache) still names its columns right."""
    statement = text("SELECT 7 AS seven, 'acht' AS eight")
    for _ in range(3):
        row = db.session.execute(statement).one()
        assert row._mapping == {"seven": 7, "eight": "acht"}
    db.session.rollback()

"""How the database answers the start page's statements (issue #36): through indexes, never by
reading every idea. Asked of the planner itself (EXPLAIN), with sequential scans made as dear as it
allows, so a statement that can only be answered by reading the whole table shows as such even on
the few rows a test has; at 100,000 ideas the difference is 99 ms against 0.6 ms (docs/performance.md)."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from app.extensions import db
from app.ideas import queries
from tests.factories import create_user, make_idea


@pytest.fixture
def ideas(app, reference):
    anna = create_user("anna@example.com")
    return [make_idea(anna, f"Idee Nummer {number}", fields=("mobilitaet",)) for number in range(3)]


@contextmanager
def statements():
    """The SELECTs sent while inside, with their parameters."""
    sent: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def plan(statement: str, parameters) -> str:
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return "\n".join(row[0] for row in rows)
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(row[-1] for row in rows)


def reads_every_idea(plan_text: str) -> bool:
    return "Seq Scan on ideas" in plan_text or any(
        line.strip().startswith("SCAN ideas") and "USING" not in line for line in plan_text.splitlines())


def test_the_start_pages_ideas_are_found_through_indexes(ideas):
    with statements() as sent:
        newest, supported = queries.start_page_ideas(5)
    assert {idea.id for idea in newest} == {idea.id for idea in ideas} == {idea.id for idea in supported}
    plans = [plan(*one) for one in sent]
    assert plans and not any(reads_every_idea(p) for p in plans), plans


def test_the_action_fields_are_counted_without_reading_every_idea(ideas):
    with statements() as sent:
        counts = dict((field.slug, count.number) for field, count in queries.action_fields_with_counts())
    assert counts["mobilitaet"] == 3
    (counted,) = [plan(*one) for one in sent]
    assert not reads_every_idea(counted), counted
    if db.engine.dialect.name == "postgresql":  # SQLite looks each idea up by its rowid, as cheap
        assert "Index Only Scan using ix_ideas_listed" in counted, counted

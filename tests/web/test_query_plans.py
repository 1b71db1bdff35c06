"""How the database answers the start page's statements (issue #36): through indexes, never by
reading every idea. Asked of the planner itself (EXPLAIN), with sequential scans made as dear as it
allows and, on PostgreSQL, 3,000 ideas more, so that reading them all is not the cheapest way (on a
few rows it is); at 100,000 ideas the top ideas' statement took 99 ms against 0.6 ms (commit 60b9961),
the start page's whole SQL 139 ms against 9–12 ms (docs/performance.md)."""

import pytest
from sqlalchemy import text

from app.extensions import db
from app.ideas import queries
from app.models import Idea
from tests.factories import create_user, make_idea

COPIES = 3000  # on PostgreSQL: enough rows that reading them all costs more than finding a few


@pytest.fixture
def ideas(app, reference):
    anna = create_user("anna@example.com")
    made = [make_idea(anna, f"Idee Nummer {number}", fields=("mobilitaet",)) for number in range(3)]
    if db.engine.dialect.name == "postgresql":  # on a few rows, reading them all is the planner's best choice
        columns = ", ".join(c.name for c in Idea.__table__.columns if c.name not in ("id", "published_at"))
        db.session.execute(text(
            f"INSERT INTO ideas ({columns}, published_at) SELECT {columns}, published_at - interval '1 day' "
            "FROM ideas, generate_series(1, :copies) WHERE ideas.id = :first"), {"copies": COPIES, "first": made[0].id})
        db.session.execute(text(
            "INSERT INTO idea_action_fields (idea_id, action_field_id) SELECT ideas.id, fields.action_field_id "
            "FROM ideas JOIN idea_action_fields AS fields ON fields.idea_id = :first WHERE ideas.id > :last"),
            {"first": made[0].id, "last": made[-1].id})
        db.session.commit()
    return made


def plan(statement: str, parameters) -> dict | str:
    """PostgreSQL's plan as its JSON tree, SQLite's as the lines of EXPLAIN QUERY PLAN."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("ANALYZE ideas, idea_action_fields"))  # the statistics of this test's rows, not of earlier tests'
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        return connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()[0]["Plan"]
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(row[-1] for row in rows)


def reads_every_idea(found: dict | str, limited: bool = False) -> bool:
    """Whether a plan reads the ideas table through and through: a sequential scan, or an index read
    from end to end (no condition on it) with no LIMIT above that stops it early."""
    if isinstance(found, str):  # SQLite: a SCAN of the table (with an index named, it is a read in its order)
        return any(line.strip().startswith("SCAN ideas") and "USING" not in line for line in found.splitlines())
    limited = limited or found["Node Type"] == "Limit"
    if found.get("Relation Name") == "ideas" and (
            found["Node Type"] == "Seq Scan" or (not limited and "Index Cond" not in found and "Recheck Cond" not in found)):
        return True
    return any(reads_every_idea(child, limited) for child in found.get("Plans", ()))


def test_the_start_pages_ideas_are_found_through_indexes(ideas, count_queries):
    with count_queries() as counter:
        newest, supported = queries.start_page_ideas(5)
    assert {idea.id for idea in ideas} <= {idea.id for idea in newest} & {idea.id for idea in supported}
    plans = [plan(*one) for one in counter.sent]
    assert plans and not any(reads_every_idea(p) for p in plans), plans


def test_the_action_fields_are_counted_without_reading_every_idea(ideas, count_queries):
    with count_queries() as counter:
        counts = dict((field.slug, count.number) for field, count in queries.action_fields_with_counts())
    assert counts["mobilitaet"] >= 3
    (counted,) = [plan(*one) for one in counter.sent]
    assert not reads_every_idea(counted), counted
    # Whether PostgreSQL reads ix_ideas_listed for it depends on the table's size and state (index-only
    # once VACUUM has marked the pages): measured at 100,000 ideas (docs/performance.md), not asserted here.

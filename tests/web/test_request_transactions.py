"""How a request ends its transaction (app/database.py): COMMIT when it only read, so PostgreSQL's
prepared statements survive; ROLLBACK when it wrote anything it did not commit itself."""

import pytest
from sqlalchemy import event, select, text, update

from app.extensions import db
from app.models import Municipality, User
from tests.factories import create_user


@pytest.fixture
def transaction_ends(app):
    """The COMMITs and ROLLBACKs the app's connections send, in order."""
    ends: list[str] = []

    def commit(conn):
        ends.append("commit")

    def rollback(conn):
        ends.append("rollback")

    event.listen(db.engine, "commit", commit)
    event.listen(db.engine, "rollback", rollback)
    yield ends
    event.remove(db.engine, "commit", commit)
    event.remove(db.engine, "rollback", rollback)


def test_a_request_that_only_read_ends_with_commit(app, client, transaction_ends):
    create_user("leserin@example.com")
    db.session.commit()
    transaction_ends.clear()
    client.get("/ideen")  # IsolatedClient: the request in its own context, then the test's session commits
    assert transaction_ends[0] == "commit"
    assert "rollback" not in transaction_ends


def _writes_without_commit(how: str) -> None:
    if how == "flushed":
        db.session.add(Municipality(name="Neustadt", slug="neustadt"))
        db.session.flush()
    elif how == "pending":
        db.session.add(Municipality(name="Neustadt", slug="neustadt"))
    elif how == "changed object":
        db.session.scalars(select(User)).one().display_name = "Geändert"
    elif how == "bulk update":
        db.session.execute(update(User).values(display_name="Geändert"))
    elif how == "text statement":
        db.session.execute(text("UPDATE users SET display_name = 'Geändert'"))


@pytest.mark.parametrize("how", ["flushed", "pending", "changed object", "bulk update", "text statement"])
def test_what_a_request_wrote_and_did_not_commit_is_rolled_back(app, make_app, how):
    create_user("autorin@example.com", display_name="Original")
    db.session.commit()
    other = make_app()

    @other.get("/test-schreibt")
    def writes():
        _writes_without_commit(how)
        return "ok"

    assert other.test_client().get("/test-schreibt").status_code == 200
    db.session.commit()  # the test's own transaction: see the latest data
    assert db.session.scalar(select(User.display_name)) == "Original"
    assert db.session.scalar(select(Municipality).where(Municipality.slug == "neustadt")) is None


def test_prepared_statements_outlive_the_request(app, make_app):
    """psycopg prepares a statement run five times on a connection and forgets all on ROLLBACK."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_size": 1, "max_overflow": 0}  # every request on one connection
    other = make_app(SQLALCHEMY_ENGINE_OPTIONS=options, PAGE_CACHE_ENABLED=False)
    client = other.test_client()
    for _ in range(8):
        assert client.get("/ideen").status_code == 200
    with other.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        db.session.rollback()
    assert prepared > 0

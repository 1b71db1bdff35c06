"""How a request talks to the database (app/database.py, app/transactions.py): a GET only reads
(on PostgreSQL without a transaction; a write outside `writing()` is refused before it is sent);
a reading transaction ends with COMMIT, so PostgreSQL's prepared statements survive; what a
request wrote and did not commit itself is rolled back."""

import pytest
from sqlalchemy import event, select, text, update

from app.extensions import db
from app.models import Municipality, User
from app.transactions import WriteInReadOnlyRequest, writing
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
    if db.engine.dialect.name == "postgresql":
        pytest.skip("a GET on PostgreSQL has no transaction to end (the next test)")
    create_user("leserin@example.com")
    db.session.commit()
    transaction_ends.clear()
    client.get("/ideen")  # IsolatedClient: the request in its own context, then the test's session commits
    assert transaction_ends[0] == "commit"
    assert "rollback" not in transaction_ends


def test_a_get_on_postgresql_ends_without_the_session_s_commit(app, make_app):
    """Reading in autocommit mode, the request has nothing to commit: the session's COMMIT (which
    expires every object the page loaded) is left out; what the session ends with then sends
    nothing to the server, so the prepared statements stay (test_prepared_statements_outlive_the_request)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("on SQLite a GET reads in a transaction, ended with COMMIT (the test before)")
    other = make_app(PAGE_CACHE_ENABLED=False)

    def page_after_reading():
        db.session.scalar(select(User.id))
        db.session.scalar(select(Municipality.id))
        return "gelesen"

    other.get("/test-read")(page_after_reading)
    commits: list[str] = []
    with other.app_context():
        engine = db.engine  # the other app's
    event.listen(engine, "commit", lambda conn: commits.append("commit"))
    assert other.test_client().get("/test-read").get_data(as_text=True) == "gelesen"
    assert not commits


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


def _nothing_written() -> None:
    db.session.commit()  # the test's own transaction: see the latest data
    assert db.session.scalar(select(User.display_name)) == "Original"
    assert db.session.scalar(select(Municipality).where(Municipality.slug == "neustadt")) is None


@pytest.mark.parametrize("how", ["flushed", "pending", "changed object", "bulk update", "text statement"])
def test_what_a_request_wrote_and_did_not_commit_is_rolled_back(app, make_app, how):
    create_user("autorin@example.com", display_name="Original")
    db.session.commit()
    other = make_app()

    @other.post("/test-schreibt")
    def writes():
        _writes_without_commit(how)
        return "ok"

    @other.get("/test-schreibt-in-writing")
    def writes_in_writing():
        with writing():
            _writes_without_commit(how)
        return "ok"

    assert other.test_client().post("/test-schreibt").status_code == 200
    _nothing_written()
    assert other.test_client().get("/test-schreibt-in-writing").status_code == 200
    _nothing_written()


@pytest.mark.parametrize("how", ["flushed", "changed object", "bulk update", "text statement"])
def test_a_get_that_writes_outside_writing_is_refused_before_the_database_sees_it(app, make_app, how):
    create_user("autorin@example.com", display_name="Original")
    db.session.commit()
    other = make_app()

    @other.get("/test-schreibt")
    def writes():
        _writes_without_commit(how)
        db.session.commit()
        return "ok"

    refused = []
    other.register_error_handler(WriteInReadOnlyRequest, lambda error: (refused.append(error), ("refused", 500))[1])
    assert other.test_client().get("/test-schreibt").status_code == 500
    assert refused, "refused by the guard, not by something else"
    _nothing_written()


def test_a_get_may_write_inside_writing_in_a_transaction_of_its_own(app, make_app):
    create_user("autorin@example.com", display_name="Original")
    db.session.commit()
    other = make_app()

    @other.get("/test-notiert")
    def bookkeeping():
        assert db.session.scalar(select(User.display_name)) == "Original"
        with writing():
            db.session.execute(update(User).values(display_name="Notiert"))
            db.session.commit()
        return db.session.scalar(select(User.display_name))

    assert other.test_client().get("/test-notiert").get_data(as_text=True) == "Notiert"
    db.session.commit()
    assert db.session.scalar(select(User.display_name)) == "Notiert"


def test_a_get_on_postgresql_runs_without_a_transaction_and_a_post_in_one(app, make_app):
    """No BEGIN and no COMMIT for a request that only reads: the server has no transaction open after its SELECT."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's transactions cost no round trip")
    from psycopg.pq import TransactionStatus

    other = make_app()

    def server_side_status() -> str:
        db.session.scalar(select(User.id))
        return db.session.connection().connection.dbapi_connection.info.transaction_status.name

    other.get("/test-status")(server_side_status)
    other.post("/test-status")(server_side_status)
    client = other.test_client()
    assert client.get("/test-status").get_data(as_text=True) == TransactionStatus.IDLE.name
    assert client.post("/test-status").get_data(as_text=True) == TransactionStatus.INTRANS.name


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

"""Test harness.

The database is chosen by DATABASE_URL (PostgreSQL in CI's second run),
otherwise a SQLite file in a temporary folder. The schema is built once per
session by the Alembic migrations, never by create_all; after each test every
table is emptied, so tests see a clean database on both engines.
"""

from __future__ import annotations

import contextvars
import os
import re
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestConfig, normalise_database_url
from app.extensions import db
from app.models import Base, User
from app.seed.reference import load_reference_data

PASSWORD = "ein-sicheres-passwort"


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_root / 'test.sqlite3'}"
    url = normalise_database_url(url)
    database = make_url(url).database or ""
    if "test" not in database:
        raise pytest.UsageError(f"Refusing to run tests against database {database!r}: its name must contain 'test'.")
    return url


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
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
        db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence() else None
    db.session.commit()


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


@pytest.fixture
def app(migrated, tmp_path, app_config_overrides):
    app = create_app(make_config(migrated, tmp_path / "outbox", **app_config_overrides))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


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
    load_reference_data()
    db.session.commit()


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


def create_user(
    email: str = "erika@example.com",
    *,
    confirmed: bool = True,
    roles: tuple[str, ...] = (),
    display_name: str = "Erika M.",
    organisation: str | None = None,
) -> User:
    from app.auth import services
    from app.legal import services as legal
    from app.models import utcnow

    user = services.register_account(
        email=email,
        password=PASSWORD,
        display_name=display_name,
        account_type="organisation" if organisation else "citizen",
        organisation_name=organisation,
    ).user
    if confirmed:
        user.confirmed_at = utcnow()
    legal.record_acceptance(user)  # as the sign-up form does
    for role in roles:
        services.grant_role(user, role)
    if roles:
        # Staff have a second factor; Auth.login answers it with totp_now().
        user.totp_secret = TOTP_SECRET
        user.totp_enrolled_at = utcnow()
    db.session.commit()
    return user


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_now(secret: str = TOTP_SECRET) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


@pytest.fixture
def user(app, reference) -> User:
    return create_user()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email: str = "erika@example.com", password: str = PASSWORD):
        """Log in; for staff, also answer the second factor (a TOTP code may be used once,
        so the replay guard is reset first: tests log in more often than every 30 s)."""
        response = self.client.post("/anmelden", data={"email": email, "password": password})
        if response.status_code == 302 and response.headers["Location"].endswith("/anmelden/code"):
            from sqlalchemy import update

            db.session.execute(update(User).where(User.email == email).values(totp_last_step=None))
            db.session.commit()
            response = self.client.post("/anmelden/code", data={"code": totp_now()})
        return response

    def logout(self):
        return self.client.post("/abmelden")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


class QueryCounter:
    """Counts SQL statements; transaction control (SQLite's explicit BEGIN, savepoints) is not a query."""

    CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(self.CONTROL):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Usage: with count_queries() as counter: ...; counter.count"""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


def make_idea(author: User, title: str = "Sichere Radwege zur Schule", *, publish: bool = True, **card_values):
    """An idea through the real service, committed."""
    from sqlalchemy import select

    from app.ideas.services import IdeaCard, submit_idea
    from app.models import ActionField, Municipality

    fields = card_values.pop("fields", ["mobilitaet"])
    town = card_values.pop("municipality", "coesfeld")
    field_ids = list(db.session.scalars(select(ActionField.id).where(ActionField.slug.in_(fields))))
    municipality_id = db.session.scalar(select(Municipality.id).where(Municipality.slug == town))
    card = IdeaCard(
        title=title,
        summary=card_values.pop("summary", "Kurz gesagt: eine Idee."),
        benefit=card_values.pop("benefit", "Der Nutzen ist groß."),
        challenges=card_values.pop("challenges", "Es gibt Hürden."),
        municipality_id=municipality_id,
        action_field_ids=field_ids,
        partners=card_values.pop("partners", ""),
    )
    assert not card_values, f"unknown card values {card_values}"
    idea = submit_idea(author, card, publish=publish)
    db.session.commit()
    return idea


@pytest.fixture
def live_server(app):
    """The app served over HTTP (threaded) on a free port, sharing the test's database and outbox.

    CSRF is on, as in production.
    """
    import threading

    from werkzeug.serving import make_server

    served = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.config["MAIL_OUTBOX"]), WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    served.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=5)
    with served.app_context():
        db.engine.dispose()


def advance_idea(idea, *to_states: str, moderator: User | None = None, steering: User | None = None):
    """Move an idea through moderation (in_review, candidate) and the steering committee (shortlisted). Commits."""
    from app.moderation import services as moderation
    from app.portfolio import services as portfolio

    for state in to_states:
        if state == "shortlisted":
            portfolio.shortlist_idea(idea, steering, "Passt zur Strategie.")
        else:
            moderation.change_status(idea, state, moderator)
    db.session.commit()
    return idea

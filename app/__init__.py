"""Application factory."""

from __future__ import annotations

import logging
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import check_production, config_from_env
from app.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: type | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_from_env())
    check_production(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "ideen.sqlite3")
    if not app.config["MAIL_OUTBOX"]:
        app.config["MAIL_OUTBOX"] = os.path.join(app.instance_path, "outbox")
    logging.basicConfig(level=logging.INFO)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import i18n
    from app.auth import sessions
    from app.security import set_security_headers

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    sessions.init_login_manager(login_manager)
    app.after_request(set_security_headers)


def register_blueprints(app: Flask) -> None:
    from app.auth.routes import bp as auth_bp
    from app.ideas.routes import bp as ideas_bp
    from app.main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(ideas_bp)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app import templating

    templating.register(app)


def register_commands(app: Flask) -> None:
    from app.commands import seed_cli, users_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(users_cli)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL and a busy timeout so concurrent writers wait instead of failing."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

"""Application factory."""

from __future__ import annotations

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import check_production, config_from_env, unreadable_dates
from app.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: type | None = None) -> Flask:
    from app.security import CleanRequest, DatabaseIntegerConverter

    app = Flask(__name__, instance_relative_config=True)
    app.request_class = CleanRequest
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # the default provider has it
    app.config.from_object(config or config_from_env())
    check_production(app.config)
    if app.config["TRUSTED_PROXIES"]:
        # Behind TRUSTED_PROXIES reverse proxies: the visitor's address, scheme and host from their headers.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "ideen.sqlite3")
    if not app.config["MAIL_OUTBOX"]:
        app.config["MAIL_OUTBOX"] = os.path.join(app.instance_path, "outbox")
    if not app.config["EXPORT_DIR"]:
        app.config["EXPORT_DIR"] = os.path.join(app.instance_path, "exports")
    if not app.config["UPLOAD_DIR"]:
        app.config["UPLOAD_DIR"] = os.path.join(app.instance_path, "uploads")
    logging.basicConfig(level=logging.INFO)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config.get("ENV_NAME") == "production":
        warn_of_unfinished_legal_texts(app)
    if unreadable := unreadable_dates(app.config["UPCOMING_DATES"]):
        logging.getLogger(__name__).warning("UPCOMING_DATES: left out, not 'YYYY-MM-DD words': %s", "; ".join(unreadable))
    return app


def warn_of_unfinished_legal_texts(app: Flask) -> None:
    """Production start-up names the legal texts that still hold placeholders (hidden from the public
    until they are complete; /health and every staff page say so too)."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.legal import services as legal

    with app.app_context():
        try:
            unfinished = legal.unfinished()
        except SQLAlchemyError as error:  # the database not yet there: /health will say so
            logging.getLogger(__name__).warning("Could not check the legal texts at start-up (%s)", type(error).__name__)
            return
        finally:
            db.session.remove()
    if unfinished:
        logging.getLogger(__name__).warning(
            "Legal texts incomplete (placeholders, not shown to the public): %s. Complete them under /verwaltung or the pages "
            "themselves (Administration).", ", ".join(unfinished))


def register_extensions(app: Flask) -> None:
    from app import cache, database, i18n, operations
    from app.auth import sessions
    from app.rate_limits import check_limits_only_where_they_can_apply
    from app.security import set_security_headers

    db.init_app(app)
    database.init_app(app)  # first: its before_request says whether the request only reads (app/transactions.py)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.install_template_gettext(app)
    limiter.init_app(app)
    check_limits_only_where_they_can_apply(app)
    login_manager.init_app(app)
    sessions.init_login_manager(login_manager)
    app.after_request(set_security_headers)
    operations.init_app(app)  # before the page cache: cached answers are logged too
    cache.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.admin.routes import bp as admin_bp
    from app.api.routes import bp as api_bp
    from app.auth.routes import bp as auth_bp
    from app.capture.routes import bp as capture_bp
    from app.ideas.routes import bp as ideas_bp
    from app.legal.routes import bp as legal_bp
    from app.main.routes import bp as main_bp
    from app.meetings.routes import bp as meetings_bp
    from app.moderation.routes import bp as moderation_bp
    from app.notifications.routes import bp as notifications_bp
    from app.operations import bp as operations_bp
    from app.participation.routes import bp as participation_bp
    from app.portfolio.routes import bp as portfolio_bp
    from app.privacy.routes import bp as privacy_bp
    from app.reports.routes import bp as reports_bp
    from app.towns.routes import bp as towns_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(participation_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(legal_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(towns_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(capture_bp)
    app.register_blueprint(reports_bp)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from app import templating
    from app.cache import layers

    layers.init_app(app)

    templating.register(app)


def register_commands(app: Flask) -> None:
    from app.commands import mail_cli, seed_cli, users_cli, worker_command

    app.cli.add_command(seed_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(worker_command)

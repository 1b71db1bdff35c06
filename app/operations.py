"""What running the platform needs from the app: a health check for the proxy, one log line per request,
and the app made ready for gunicorn's forked workers (prepare_for_workers, drop_connections: deploy/gunicorn.conf.py).

`GET /health` answers 200 "ok" when the database and every configured Redis answer; 200
"degraded" when only Redis is away (the rate limits count per worker, pages are rendered
without the cache; the body lists what is degraded); 503 "failing" when the database is away. nginx and
monitoring poll it. It is never cached and sets no cookie.

Every request is logged once, on the logger `app.requests`:

    request id=5f0c… method=GET route=/ideen/<int:idea_id> status=200 duration_ms=12.3

The route is the URL rule, never the path or the query: no search words, no tokens from mail
links, no addresses (the proxy's access log has those, under its own retention). The request id
comes from the proxy's X-Request-ID header when it sends a plausible one (deploy/nginx.conf does),
otherwise it is made here; the response carries it back, so a report from a person can be matched
to the line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.cache import declare
from app.extensions import db

log = logging.getLogger("app.requests")
bp = Blueprint("operations", __name__)
declare(not_cached={"operations.health": "it checks the database and Redis at each call"})
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
REDIS_TIMEOUT = 1.0  # seconds: a health check must answer faster than the proxy gives up


def init_app(app: Flask) -> None:
    """Register the request log (before the page cache, so cached answers are logged too)."""
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    route = request.url_rule.rule if request.url_rule is not None else "-"
    level = logging.DEBUG if request.endpoint == "operations.health" else logging.INFO
    log.log(level, "request id=%s method=%s route=%s status=%d duration_ms=%.1f", request_id, request.method, route,
            response.status_code, duration)
    return response


def prepare_for_workers(app: Flask) -> None:
    """Make `app` ready to be forked into workers (gunicorn --preload: deploy/gunicorn.conf.py).

    gunicorn's master then loads wsgi:app once and forks every worker from it, also each one that
    replaces a worker after --max-requests. A worker started on its own imported and built the app
    (1.1 s of CPU) and compiled the templates of its first pages (0.4 s more): every 5,000 requests,
    a third of a millisecond on each (decision 0031). What forked workers share is done here once:
    every template compiled, each language's catalogue read, the URL map built. No connection may
    pass from the master to the workers (two processes on one socket): the database's pools are
    emptied here (Redis's clients start anew in a new process by themselves)."""
    from flask_babel import force_locale, get_translations

    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    with app.test_request_context():  # (binding it builds the URL map)
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                get_translations()
    drop_connections(app)


def drop_connections(app: Flask) -> None:
    """Close the connections the database's pools hold (the page cache's version reader closes
    its own with them); the next request, if any, opens new ones."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def redis_urls(config: Any) -> list[str]:
    """Every Redis the app uses (rate limits, page cache), once each."""
    candidates = [config.get("REDIS_URL"), config.get("PAGE_CACHE_REDIS_URL"), config.get("RATELIMIT_STORAGE_URI")]
    return list(dict.fromkeys(url for url in candidates if url and url.startswith(("redis://", "rediss://", "unix://"))))


def check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError as error:
        log.warning("health: database unreachable: %s", type(error).__name__)
        return "failing"
    finally:
        db.session.rollback()  # a health check holds no transaction open


def check_redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        client.ping()
        client.close()
    except redis.RedisError as error:
        log.warning("health: Redis unreachable: %s", type(error).__name__)
        return "failing"
    return "ok"


@bp.route("/health")
def health() -> tuple[Response, int, dict[str, str]]:
    checks: dict[str, Any] = {"database": check_database()}
    config = current_app.config
    urls = redis_urls(config)
    failing = {url for url in urls if check_redis(url) != "ok"}
    checks["redis"] = "not used" if not urls else ("failing" if failing else "ok")
    degraded = [part for part, url in (("rate limits: counted per worker", config.get("RATELIMIT_STORAGE_URI")),
                                       ("page cache: pages rendered each time", config.get("PAGE_CACHE_REDIS_URL") or config.get("REDIS_URL")))
                if url in failing]
    if checks["database"] == "failing":
        status, code = "failing", 503
    elif degraded:
        # Without Redis the platform works on (docs/deployment.md "When a part is away"): the proxy
        # keeps sending requests, monitoring sees the status and what is degraded.
        status, code = "degraded", 200
        checks["degraded"] = degraded
    else:
        status, code = "ok", 200
    if checks["database"] == "ok":
        unfinished = unfinished_legal_texts()
        if unfinished:
            checks["legal_texts_incomplete"] = unfinished  # hidden from the public until complete
    return jsonify(status=status, **checks), code, {"Cache-Control": "no-store"}


def unfinished_legal_texts() -> list[str]:
    from app.legal import services as legal  # (an area; /health is the operators' page over all of them)

    try:
        return legal.unfinished()
    finally:
        db.session.rollback()

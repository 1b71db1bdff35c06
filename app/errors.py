"""Domain errors (raised by services, carrying a German message) and the HTTP error pages."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db, limiter

log = logging.getLogger(__name__)
ErrorAnswer = tuple[Any, int, dict[str, str]]


class DomainError(Exception):
    """A rule of the domain refused an action. `message` is shown to the person."""

    default_message = _l("This action is not possible.")

    def __init__(self, message: str | LazyString | None = None) -> None:
        self.message: str | LazyString = message or self.default_message
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    default_message = _l("You are not allowed to do that.")


class InvalidTransition(DomainError):
    default_message = _l("This change of state is not possible.")


class InvalidInput(DomainError):
    default_message = _l("Please check your input.")


ERROR_PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You are not allowed to open this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is not public (any more).")),
    405: (_l("Not allowed"), _l("This address cannot be used this way.")),
    413: (
        _l("Too much data"),
        _l(
            "You sent more than 1 MB, far more than any form here takes, so it could not be read. Go back with your "
            "browser's back button, where your text usually still is, and shorten it."
        ),
    ),
    429: (_l("Too many requests"), _l("You have tried this too often. Please wait a little and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. We have been notified; please try again later.")),
}


FORM_EXPIRED = _l("The form had expired (it was open for a long time or sent again from another tab).")
TOO_OFTEN = _l("You have sent this too often in a short time. Please wait a few minutes before you send it again.")

API_PREFIX = "/api/"


def _seconds_to_wait() -> float | None:
    """How long until the limit this request hit lets the next one through; None if none was hit."""
    current = limiter.current_limit
    return None if current is None else current.reset_at - time.time()


def too_often() -> str:
    """The 429 message, with when to try again (from the limit that was hit)."""
    seconds = _seconds_to_wait()
    if seconds is None:
        return str(TOO_OFTEN)
    minutes = max(1, round(seconds / 60))
    if minutes > 1:
        return str(_("You have tried this too often in a short time. Please try again in %(minutes)d minutes.", minutes=minutes))
    return str(_("You have tried this too often in a short time. Please try again in a minute."))


def retry_after() -> dict[str, str]:
    """Retry-After for a 429: the seconds until the limit that was hit lets the next one through."""
    seconds = _seconds_to_wait()
    return {} if seconds is None else {"Retry-After": str(max(1, int(seconds)))}


def json_error(code: int, message: object, parameter: str | None = None, headers: dict[str, str] | None = None) -> ErrorAnswer:
    """An error of the JSON API, in the shape its OpenAPI document calls Error."""
    return jsonify({"error": {"status": code, "message": str(message), "parameter": parameter}}), code, headers or {}


def render_error(code: int, message: object = None, headers: dict[str, str] | None = None) -> ErrorAnswer:
    """The German error page; for the JSON API (/api/...) the same message as JSON."""
    title, text = ERROR_PAGES.get(code, ERROR_PAGES[500])
    if request.path.startswith(API_PREFIX):
        return json_error(code, message or text, headers=headers)
    return render_template("errors/error.html", code=code, title=title, text=message or text), code, headers or {}


def register(app: Flask) -> None:
    from app.resubmit import resubmit_page

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return resubmit_page(400, FORM_EXPIRED) or render_error(
            400, _l("Your form has expired or was sent from another page. Please reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        # keep what the client needs to go on: Allow (405), Retry-After (429)
        kept = {k: v for k, v in error.get_headers() if k in ("Allow", "Retry-After")}
        if error.code == 429:
            kept = {**retry_after(), **kept}
            message = too_often()
            page = resubmit_page(429, message)
            if page is not None:
                return page[0], 429, kept
            return render_error(429, message, headers=kept)
        if error.code in ERROR_PAGES:
            return render_error(error.code, headers=kept)
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> ResponseReturnValue:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)

"""Language and time zone selection. German is the default; English is selectable."""

from __future__ import annotations

from flask import current_app, has_request_context, session

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


def select_locale() -> str:
    chosen = session.get("lang") if has_request_context() else None
    if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def is_supported(lang: str | None) -> bool:
    return lang in current_app.config["LANGUAGES"]


__all__ = ["LANGUAGE_NAMES", "select_locale", "select_timezone", "is_supported"]

"""Language and time zone selection. German is the default; English is selectable."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import current_app, has_request_context, session
from wtforms.i18n import messages_path

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


@lru_cache(maxsize=8)
def wtforms_translations(locale: str) -> support.NullTranslations:
    """WTForms' own messages in one language, read from disk once per process: Flask-WTF reads the
    file again in every request that builds a form (a reader's comment form on a cached idea page).
    The request offers them (app.security.CleanRequest.wtforms_translations), where Flask-WTF looks."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


__all__ = ["LANGUAGE_NAMES", "select_locale", "select_timezone", "is_supported", "wtforms_translations"]

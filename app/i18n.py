"""Language and time zone selection. German is the default; English is selectable."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import get_locale, get_translations
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


def template_translations() -> support.NullTranslations:
    """The catalogue the templates' _() and ngettext() read, looked up once per request and language.
    Flask-Babel's own template callables look it up again for every text (about 15 µs each: a
    page's parts have twenty texts, a whole idea page hundreds). A different language inside the
    request (flask_babel.force_locale, e.g. for an import report) is a different Locale object in
    Flask-Babel's request namespace, and gets its own lookup."""
    babel_context = g.get("_flask_babel")
    locale = getattr(babel_context, "babel_locale", None)
    held = g.get("_template_translations")
    if held is not None and locale is not None and held[0] is locale:
        return held[1]
    translations = get_translations()
    g._template_translations = (get_locale(), translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """Replace Flask-Babel's template callables (after babel.init_app) with ones that use template_translations."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext=lambda s: template_translations().ugettext(s),
        ngettext=lambda s, p, n: template_translations().ungettext(s, p, n),
        pgettext=lambda c, s: template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: template_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


__all__ = ["LANGUAGE_NAMES", "select_locale", "select_timezone", "is_supported", "wtforms_translations", "template_translations",
           "install_template_gettext"]

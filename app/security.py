"""The one place that sanitises HTML, checks redirect targets, sets security headers and
cleans what comes in (no NUL characters in text, ids within the database's integer range)."""

from __future__ import annotations

import hashlib
import re
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

import nh3
from flask import Request, current_app, request, session
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from app.i18n import wtforms_translations

# A small Markdown subset: paragraphs, line breaks, emphasis, lists, links.
_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "list", "link", "autolink", "newline"]
)

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def sanitise_html(html: str) -> Markup:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # The output of the allow-list sanitiser above: the one place user text becomes markup.
    return Markup(cleaned)  # noqa: S704  # nosec B704


def render_markdown(text: str | None) -> Markup:
    """User-written long text -> safe HTML.

    The result depends on the text alone, so each worker keeps the last MARKDOWN_CACHE results:
    an idea page with 100 comments renders each only once, not on every view (13 % of that page's
    time before). A change of the rules above takes effect at the next start of the workers."""
    if not text:
        return Markup("")
    return _render_markdown(text)


MARKDOWN_CACHE = 4096  # texts per worker process (a comment is at most 2,000 characters: at most ~16 MB)


@lru_cache(maxsize=MARKDOWN_CACHE)
def _render_markdown(text: str) -> Markup:
    return sanitise_html(_markdown.render(text))


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site relative paths: no scheme, no host, no protocol-relative tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


NEXT_MAX = 300  # a place to come back to is a path of this site, not a document


def safe_next(target: str | None) -> str:
    """A place to return to after signing up or in ("next"), carried through forms, the session and
    mail links: a same-site path of at most NEXT_MAX characters, else ""."""
    return target if target and len(target) <= NEXT_MAX and is_safe_redirect(target) else ""


def safe_redirect_target(target: str | None, fallback: str) -> str:
    return target if target is not None and is_safe_redirect(target) else fallback


def is_same_origin_request(request) -> bool:
    """CSRF defence by standard headers (OWASP): the Origin, or else the Referer, must be this site.

    Used only where a form must not carry a session-bound token (the language
    switch on cached anonymous pages). Browsers send Origin on every POST.
    """
    own = f"{request.scheme}://{request.host}"
    origin = request.headers.get("Origin")
    if origin:
        return origin == own
    referer = request.headers.get("Referer", "")
    return referer == own or referer.startswith(own + "/")


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def signed_out() -> bool:
    """Nobody can be signed in on this request: Flask-Login keeps the account's id in the session
    under "_user_id" (app/auth/sessions.py takes no remember cookie). Unlike current_user, this loads
    no account; where it says False, current_user tells whether the session still holds one."""
    return "_user_id" not in session


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    max_age = current_app.config["HSTS_MAX_AGE"]
    if max_age:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    if request.endpoint != "static" and not signed_out():
        # A signed-in page may show what only this person may see: no browser or proxy keeps it.
        headers["Cache-Control"] = "no-store"
    return response


# Input hygiene ------------------------------------------------------------------

# C0 control characters except tab, LF and CR. Nobody types them; PostgreSQL refuses NUL,
# Excel files cannot hold any of them, and mails and logs would carry them on.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_control_characters(value):
    """Text without C0 control characters (tab, LF and CR stay); other values unchanged."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def one_line(value: str) -> str:
    """Text as one line: every run of whitespace (line breaks included) becomes one space, none at
    the ends. For titles and for every mail header built from stored text: a line break there
    would make the mail impossible to build."""
    return " ".join(value.split())


class TextParameters(ImmutableMultiDict):
    """Query and form values without C0 control characters (tab, LF and CR stay).

    No text anyone types contains one, PostgreSQL refuses NUL, SQLite would keep
    them invisibly and an Excel export cannot hold them; so they are dropped on the
    way in, for every form and filter. Uploaded files are left as they are.
    """

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        pairs = mapping.items(multi=True) if hasattr(mapping, "getlist") else (mapping.items() if isinstance(mapping, dict) else mapping)
        super().__init__([(strip_control_characters(key), strip_control_characters(value)) for key, value in pairs])


# The endpoints that take a file, and the largest multipart request each accepts; every other
# request (and these without a file: URL-encoded) keeps MAX_CONTENT_LENGTH (1 MiB). A picture may
# have 10 MB (app/ideas/images.py), plus the form around it; each text field of a multipart form
# stays within MAX_FORM_MEMORY_SIZE (1 MiB).
UPLOAD_ENDPOINTS = {"ideas.images": 10 * 1024 * 1024 + 256 * 1024, "ideas.new": 10 * 1024 * 1024 + 256 * 1024}


class CleanRequest(Request):
    parameter_storage_class = TextParameters

    @property  # type: ignore[misc]  # Werkzeug's is settable; ours is computed per endpoint
    def max_content_length(self) -> int | None:  # type: ignore[override]
        limit = UPLOAD_ENDPOINTS.get(self.endpoint or "") if self.mimetype == "multipart/form-data" else None
        return limit if limit is not None else super().max_content_length

    @cached_property
    def wtforms_translations(self):
        """Where Flask-WTF looks for WTForms' messages (flask_wtf.i18n): the process's copy."""
        return wtforms_translations(str(get_locale()))


DATABASE_INT_MAX = 2**31 - 1  # ids and numbers are 32-bit integers in the database
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


def token_hash(token: str) -> str:
    """What the database keeps of a secret token (a session's, a claim link's): its SHA-256 in hex.
    A token is long and random, so no salt or slow hash is needed; a stolen table opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def parse_int(text, *, minimum: int = 0, maximum: int = DATABASE_INT_MAX) -> int | None:
    """The one reader of whole numbers from forms and query strings: ASCII digits only
    (not "²" or Arabic-Indic digits, which str.isdigit and int accept), within the
    database's range. None for anything else."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


class DatabaseIntegerConverter(IntegerConverter):
    """<int:...> in routes: ids and numbers are 32-bit in the database, so a larger one matches
    no route (404) instead of reaching the database (PostgreSQL: integer out of range)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)

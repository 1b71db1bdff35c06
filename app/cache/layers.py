"""A public page in two layers: the shared page, the same for everyone in an audience, and the reader's own parts.

The start page, the idea lists, an idea's page, the portfolio and the other public pages are
mostly the same for everyone. What is a reader's own is small: the navigation (their name,
unread notifications, log-out form), the notices and flash messages, the language form, and on
an idea's page the support box, the author's actions, the comment form, the one reply form and
the links to edit or delete their own comments. `render_page` renders the shared page with
markers where those parts go, then fills them in for this reader; app/cache/ keeps the shared
page per content version, so for a signed-in reader a cached page costs only their parts.

Markers (HTML comments; what readers write can never produce one: text is escaped and the
Markdown sanitiser drops comments):

- a **slot** `<!--slot:nav-->` is empty in the shared page and always filled in (`slot(name)`);
- a **region** `<!--region:c12-->…<!--/region:c12-->` holds what most of the audience sees
  (the "Report" link under a comment) and is replaced where a reader's parts name it (that
  reader's own comment: "Edit", "Delete");
- a parts template (templates/parts/) writes each part after `<!--part:name-->`.

The shared page depends on its `audience` only (signed in or not, e-mail confirmed, roles): never
on the person. While it is rendered, current_user is an `Audience`, which raises on anything else. It holds no CSRF token: there, a template's `csrf_token()` writes the slot
`<!--slot:csrf-->`, which `fill` replaces (every one of them) with the reader's token. So a form the
same for the whole audience (the empty comment form) is part of the shared page; a real token in
it is refused (`render_shared`), so none can slip in another way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, g, get_flashed_messages, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

SLOT, REGION, END_REGION, PART = "<!--slot:{}-->", "<!--region:{}-->", "<!--/region:{}-->", "<!--part:"
NAME = re.compile(r"[a-z0-9-]+")
CSRF_SLOT = SLOT.format("csrf")
# A CSRF field whose value is not the slot: a person's token.
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="(?!' + re.escape(CSRF_SLOT) + '")')
NAVIGATION = "parts/nav.html"
NOTICE = "parts/notice.html"
FLASHES = "parts/flashes.html"
LANGUAGE_FORM = "parts/language.html"
RENDERED_KEPT = 4096  # navigations, language forms and readers' parts a worker keeps, each (rendered_once)

Parts = dict[str, str]
Kept = TypeVar("Kept", str, Parts)
# The reader's parts of a page served from the cache (endpoint → function of the URL's view
# arguments); None means "render this page in full" (e.g. the idea is no longer public).
PARTS_OF_ENDPOINT: dict[str, Callable[[Mapping[str, Any]], Parts | None]] = {}
# What those parts read, asked for before the account is loaded, so that the query that loads it
# reads that too (endpoint → function of the URL's view arguments; app/auth/sessions.py read_with_account).
READ_WITH_ACCOUNT: dict[str, Callable[[Mapping[str, Any]], None]] = {}


class SharedPageError(RuntimeError):
    """A template put a person's data into a shared page (a CSRF token, or anything of current_user
    but the audience): a bug, never cached."""


def init_app(app: Flask) -> None:
    app.add_template_global(is_shared, "shared_layer")
    app.add_template_global(slot, "slot")
    app.add_template_global(region, "region")
    app.add_template_global(end_region, "end_region")
    app.add_template_global(part, "part")
    app.add_template_global(navigation, "navigation")
    app.add_template_global(language_form, "language_form")
    # Replaces Flask-WTF's csrf_token (a global and a context processor; ours run after its).
    app.add_template_global(csrf_token, "csrf_token")
    app.context_processor(lambda: {"csrf_token": csrf_token})


def audience(user) -> str:
    """Who a shared page is for: everything in it may depend on this and nothing else of the reader."""
    return Audience.of(user).key


class Audience:
    """All a shared page may know of its reader: signed in or not, e-mail confirmed, roles (an
    unconfirmed account's roles do not count). While a shared page is rendered, this stands in for
    `current_user` (in templates and in any code they call): asking it for anything else, a name or
    an id, raises SharedPageError, since the page is kept for everyone in the audience."""

    __slots__ = ("is_authenticated", "is_confirmed", "roles")

    def __init__(self, is_authenticated: bool, is_confirmed: bool, roles: frozenset[str]) -> None:
        self.is_authenticated, self.is_confirmed, self.roles = is_authenticated, is_confirmed, roles

    @classmethod
    def of(cls, user) -> Audience:
        if user is None or not user.is_authenticated:
            return cls(False, False, frozenset())
        if not user.is_confirmed:
            return cls(True, False, frozenset())
        return cls(True, True, frozenset(r.role for r in user.roles))

    @property
    def key(self) -> str:
        if not self.is_authenticated:
            return "anonymous"
        if not self.is_confirmed:
            return "unconfirmed"
        return f"member:{','.join(sorted(self.roles))}" if self.roles else "member"

    @property
    def is_anonymous(self) -> bool:
        return not self.is_authenticated

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def __getattr__(self, name: str):
        raise SharedPageError(f"a shared page asked for current_user.{name}: that is the person's, not the audience's "
                              "(render it in the reader's parts, templates/parts/)")


@contextmanager
def audience_only() -> Iterator[Audience]:
    """Inside, Flask-Login's current_user is the reader's Audience (its user loader keeps the
    account in g._login_user and answers from there)."""
    reader = current_user._get_current_object() if current_user else None  # loads the account if not yet loaded
    stand_in = Audience.of(reader)
    g._login_user = stand_in
    try:
        yield stand_in
    finally:
        g._login_user = reader


def is_shared() -> bool:
    return bool(g.get("_shared_layer", False))


@contextmanager
def shared() -> Iterator[None]:
    """Templates rendered inside write markers instead of the reader's parts."""
    was_shared, g._shared_layer = is_shared(), True
    try:
        yield
    finally:
        g._shared_layer = was_shared


def _marker(pattern: str, name: Any) -> Markup:
    name = str(name)
    if not NAME.fullmatch(name):
        raise ValueError(f"not a part's name: {name!r}")
    return Markup(pattern.format(name))  # noqa: S704  # nosec B704 - a fixed pattern, a checked name


def slot(name: str) -> Markup:
    return _marker(SLOT, name)


def region(name: Any) -> Markup:
    return _marker(REGION, name)


def end_region(name: Any) -> Markup:
    return _marker(END_REGION, name)


def part(name: Any) -> Markup:
    return _marker(PART + "{}-->", name)


def csrf_token() -> str:
    """The templates' csrf_token(): the reader's token, or in a shared page the slot `fill` puts it in."""
    return slot("csrf") if is_shared() else generate_csrf()


def split_parts(html: str) -> Parts:
    """A parts template's output, by part name."""
    parts = {}
    for chunk in html.split(PART)[1:]:
        name, _, content = chunk.partition("-->")
        parts[name] = content.strip()
    return parts


def render_parts(template: str, **context) -> Parts:
    """The reader's parts every page has (base_parts) and those of `template`."""
    return {**base_parts(), **split_parts(render_template(template, **context))}


def base_parts() -> Parts:
    """The reader's parts every page has: the navigation, the notice, the flash messages and the
    language form. Most requests have no notice (templates/parts/notice.html: an unconfirmed
    address, staff's unfinished legal texts) and no flash message: those are rendered only when
    there is one (a template rendered for nothing cost about a tenth of a signed-in reader's cached page)."""
    user = current_user
    needs_notice = user.is_authenticated and (not user.is_confirmed or user.is_staff)
    return {
        "nav": str(navigation()).strip(),
        "notice": render_template(NOTICE).strip() if needs_notice else "",
        "flashes": render_template(FLASHES).strip() if get_flashed_messages() else "",
        "language": str(language_form()).strip(),
    }


def navigation() -> Markup:
    """The reader's navigation (templates/parts/nav.html), the part "nav" (base_parts).

    It is the same on every page of a section for the same reader, so each worker renders it once
    per key below and fills in only the request's CSRF token: a signed-in page's largest part
    (about a tenth of a cached idea page's time). The key names everything the template reads; a
    change of any of it (a new unread notification, a new name or role) is a new key. (Not the
    audience: it leaves out an unconfirmed account's roles.)"""
    user = current_user
    reader = None if not user.is_authenticated else (
        user.id, user.public_name, user.unread_notifications, tuple(sorted(r.role for r in user.roles)))
    key = (str(get_locale()), request.script_root, request.endpoint, request.blueprint, reader)
    # (Only a signed-in reader's has a form: an anonymous reader gets no token, no session.)
    html = _with_token(rendered_once("navigations", key, lambda: _in_shared_mode(NAVIGATION)))
    return Markup(html)  # noqa: S704  # nosec B704 - rendered by our template; a token is URL-safe


def language_form() -> Markup:
    """The language form (templates/parts/language.html), the part "language" (base_parts).

    It holds no token and nothing of the reader: only the language and the URL to come back to. So
    each worker renders it once per language and URL and keeps it, like the navigation (rendering
    it was about a twentieth of a signed-in reader's cached page)."""
    key = (str(get_locale()), request.script_root, request.full_path if request.query_string else request.path)
    return Markup(rendered_once("language_forms", key, lambda: render_template(LANGUAGE_FORM)))  # noqa: S704  # nosec B704 - rendered by our template


def _in_shared_mode(template: str, **context) -> str:
    """`template` rendered with the slot in place of every CSRF token (_with_token fills it in)."""
    with shared():
        return render_template(template, **context)


def _with_token(html: str) -> str:
    """HTML kept with the CSRF slot (_in_shared_mode), with this request's token in it."""
    return html.replace(CSRF_SLOT, generate_csrf()) if CSRF_SLOT in html else html


def parts_rendered_once(template: str, key: tuple, **context) -> Parts:
    """Like render_parts, but `template`'s parts are rendered once per worker for everything `key`
    names, like the navigation: the caller's key must name everything the template reads of the
    reader and the content (the language and the script root are added here). Forms get the
    request's CSRF token; the base parts are the request's own."""
    full_key = (template, str(get_locale()), request.script_root, *key)
    kept = rendered_once("reader_parts", full_key, lambda: split_parts(_in_shared_mode(template, **context)))
    return {**base_parts(), **{name: _with_token(html) for name, html in kept.items()}}


def rendered_once(kept_in: str, key: tuple, render: Callable[[], Kept], *, limit: int = RENDERED_KEPT) -> Kept:
    """`render()`'s HTML for `key`, rendered once per worker and kept in app.extensions[kept_in]
    (at most `limit`; then it starts over: cheaper than tracking which one was used last, and
    a crawler's many URLs cannot grow it)."""
    rendered: dict[tuple, Kept] = current_app.extensions.setdefault(kept_in, {})
    html = rendered.get(key)
    if html is None:
        html = render()
        if len(rendered) >= limit:
            rendered.clear()
        rendered[key] = html
    return html


MARKER = re.compile(rb"<!--(slot|region|/region):([a-z0-9-]+)-->")  # in a page's bytes (SharedPage)


class SharedPage:
    """A shared page cut at its markers once, as UTF-8: filling it in for a reader copies the bytes
    between the markers that reader has parts for, whatever the page's size.

    app/cache/ keeps one per cached layer in each worker, so a hit neither searches the page
    (100 KB with 100 comments) for its markers nor decodes and encodes it again. `page` is the
    shared page as bytes; `places` says, for each part's name, where its slots and regions are
    in it (start, end): a slot is its marker, a region runs from its opening to the end of its
    closing marker. A region opened and never closed is text, as is an end without a beginning.
    A reader's page is then the page with each of their parts in place of what stood there (a
    region they have their own part for, with everything inside it), in order: with 100 comments,
    a dozen copies instead of a walk over 400 pieces.
    """

    __slots__ = ("page", "places", "has_csrf")

    def __init__(self, page: bytes):
        places: dict[str, list[tuple[int, int]]] = {}
        opened: dict[str, list[int]] = {}  # a region's name → where its openings not yet closed start
        # Searched as bytes: a marker is ASCII, and no byte of a multi-byte UTF-8 character is.
        for match in MARKER.finditer(page):
            kind, name = match.group(1), match.group(2).decode()
            if kind == b"slot":
                places.setdefault(name, []).append(match.span())
            elif kind == b"region":
                opened.setdefault(name, []).append(match.start())
            elif opened.get(name):
                places.setdefault(name, []).append((opened[name].pop(), match.end()))
        self.page = page
        self.places = places
        self.has_csrf = CSRF_SLOT.encode() in page

    def fill(self, parts: Mapping[str, str]) -> bytes:
        """The page with this reader's parts in their slots and regions, and their CSRF token."""
        encoded = {name: html.encode() for name, html in parts.items()}
        if self.has_csrf:
            encoded["csrf"] = generate_csrf().encode()
        places = self.places
        filled = sorted((start, end, name) for name in encoded if name in places for start, end in places[name])
        page = memoryview(self.page)
        pieces: list[Any] = []
        done = 0
        for start, end, name in filled:
            if start < done:
                continue  # inside a region this reader's part replaced
            pieces += (page[done:start], encoded[name])
            done = end
        pieces.append(page[done:])
        return b"".join(pieces)


def fill(body: str, parts: Mapping[str, str]) -> str:
    """The shared page with this reader's parts in their slots and regions (SharedPage)."""
    return SharedPage(body.encode()).fill(parts).decode()


def cached_page_parts(endpoint: str, view_args: Mapping[str, Any]) -> Parts | None:
    """The reader's parts for a shared page served from the cache (the base parts unless the
    endpoint registered its own in PARTS_OF_ENDPOINT); None: render the page in full instead."""
    parts_of = PARTS_OF_ENDPOINT.get(endpoint)
    return parts_of(view_args) if parts_of else base_parts()


def render_shared(template: str, **context) -> str:
    """The shared page: rendered with the reader's Audience in place of current_user, and refused if
    a person's CSRF token got into it."""
    with shared(), audience_only():
        body = render_template(template, **context)
    return refuse_tokens(body, template)


def refuse_tokens(body: str, template: str) -> str:
    """The shared page as it is, or SharedPageError if a CSRF field in it holds a token (not the slot)."""
    if CSRF_TOKEN.search(body):
        raise SharedPageError(f"{template} put a CSRF token into a shared page")
    return body


def render_page(template: str, *, parts: Callable[[], Parts] = base_parts, public: bool = True, **context) -> str:
    """Render a page in two layers. A `public` page's shared layer is handed to the page cache
    (app/cache/ stores it if this request may use the cache); a private one (an author's draft)
    is composed the same way and never stored."""
    body = render_shared(template, **context)
    if public:
        g.shared_page = body
    return fill(body, parts())

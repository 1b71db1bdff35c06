"""A public page in two layers: the shared page, the same for everyone in an audience, and the reader's own parts.

The start page, the idea lists, an idea's page, the portfolio and the other public pages are
mostly the same for everyone. What is a reader's own is small: the navigation (their name,
unread notifications, log-out form), the notices and flash messages, the language form, and on
an idea's page the support box, the author's actions, the comment form, the one reply form and
the links to edit or delete their own comments. `render_page` renders the shared page with
markers where those parts go, then fills them in for this reader; app/cache.py keeps the shared
page per content version, so for a signed-in reader a cached page costs only their parts.

Markers (HTML comments; what readers write can never produce one: text is escaped and the
Markdown sanitiser drops comments):

- a **slot** `<!--slot:nav-->` is empty in the shared page and always filled in (`slot(name)`);
- a **region** `<!--region:c12-->…<!--/region:c12-->` holds what most of the audience sees
  (the "Report" link under a comment) and is replaced where a reader's parts name it (that
  reader's own comment: "Edit", "Delete");
- a parts template (templates/parts/) writes each part after `<!--part:name-->`.

The shared page depends on its `audience` only (signed in or not, e-mail confirmed, roles): never
on the person. It holds no CSRF token: there, a template's `csrf_token()` writes the slot
`<!--slot:csrf-->`, which `fill` replaces (every one of them) with the reader's token. So a form the
same for the whole audience (the empty comment form) is part of the shared page; a real token in
it is refused (`render_shared`), so none can slip in another way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Flask, g, render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

SLOT, REGION, END_REGION, PART = "<!--slot:{}-->", "<!--region:{}-->", "<!--/region:{}-->", "<!--part:"
NAME = re.compile(r"[a-z0-9-]+")
CSRF_SLOT = SLOT.format("csrf")
# A CSRF field whose value is not the slot: a person's token.
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="(?!' + re.escape(CSRF_SLOT) + '")')
BASE_PARTS = "parts/base.html"

Parts = dict[str, str]
# The reader's parts of a page served from the cache (endpoint → function of the URL's view
# arguments); None means "render this page in full" (e.g. the idea is no longer public).
PARTS_OF_ENDPOINT: dict[str, Callable[[Mapping[str, Any]], Parts | None]] = {}


class SharedPageError(RuntimeError):
    """A template put a person's data (a CSRF token) into a shared page: a bug, never cached."""


def init_app(app: Flask) -> None:
    app.add_template_global(is_shared, "shared_layer")
    app.add_template_global(slot, "slot")
    app.add_template_global(region, "region")
    app.add_template_global(end_region, "end_region")
    app.add_template_global(part, "part")
    # Replaces Flask-WTF's csrf_token (a global and a context processor; ours run after its).
    app.add_template_global(csrf_token, "csrf_token")
    app.context_processor(lambda: {"csrf_token": csrf_token})


def audience(user) -> str:
    """Who a shared page is for: everything in it may depend on this and nothing else of the reader."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    if not user.is_confirmed:
        return "unconfirmed"
    roles = ",".join(sorted(r.role for r in user.roles))
    return f"member:{roles}" if roles else "member"


def is_shared() -> bool:
    return bool(g.get("_shared_layer", False))


@contextmanager
def shared() -> Iterator[None]:
    """Templates rendered inside write markers instead of the reader's parts."""
    g._shared_layer = True
    try:
        yield
    finally:
        g._shared_layer = False


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
    return split_parts(render_template(template, **context))


def base_parts() -> Parts:
    """The reader's parts every page has (templates/parts/base.html)."""
    return render_parts(BASE_PARTS)


MARKER = re.compile(r"<!--(slot|region|/region):([a-z0-9-]+)-->")


class SharedPage:
    """A shared page cut at its markers once, as UTF-8: filling it in for a reader joins bytes.

    app/cache.py keeps one per cached layer in each worker, so a hit neither searches the page
    (100 KB with 100 comments) for its markers nor decodes and encodes it again. `items` are the
    literal pieces (bytes) and the markers: a slot as (name, its marker, None), a region as (name,
    raw, index after its end), where raw is the whole region when nothing inside it is filled in
    (most of them: a comment's "Report" link) and otherwise its opening marker, followed by its items.
    """

    __slots__ = ("items", "has_csrf")

    def __init__(self, body: str):
        items: list[Any] = []
        opened: dict[str, list[int]] = {}  # a region's name → the indices of its openings not yet closed
        done = 0
        for match in MARKER.finditer(body):
            kind, name = match.groups()
            if match.start() > done:
                items.append(body[done:match.start()].encode())
            raw = match.group().encode()
            if kind == "slot":
                items.append((name, raw, None))
            elif kind == "region":
                opened.setdefault(name, []).append(len(items))
                items.append(raw)  # text until its end is found
            elif opened.get(name):
                start = opened[name].pop()
                inside = items[start + 1:]
                if all(item.__class__ is bytes for item in inside):
                    items[start:] = [(name, b"".join(items[start:]) + raw, start + 1)]
                else:
                    items.append(raw)
                    items[start] = (name, items[start], len(items))
            else:
                items.append(raw)  # an end without a beginning is text
            done = match.end()
        items.append(body[done:].encode())
        self.items = items
        self.has_csrf = CSRF_SLOT in body

    def fill(self, parts: Mapping[str, str]) -> bytes:
        """The page with this reader's parts in their slots and regions, and their CSRF token."""
        encoded = {name: html.encode() for name, html in parts.items()}
        if self.has_csrf:
            encoded["csrf"] = generate_csrf().encode()
        pieces: list[bytes] = []
        items, index, end = self.items, 0, len(self.items)
        while index < end:
            item = items[index]
            index += 1
            if item.__class__ is bytes:
                pieces.append(item)
                continue
            name, raw, after = item
            if name in encoded:
                pieces.append(encoded[name])
                if after is not None:
                    index = after  # a region this reader has their own part for
            else:
                pieces.append(raw)  # a slot's marker, a whole region, or a region's opening (its items follow)
        return b"".join(pieces)


def fill(body: str, parts: Mapping[str, str]) -> str:
    """The shared page with this reader's parts in their slots and regions (SharedPage)."""
    return SharedPage(body).fill(parts).decode()


def cached_page_parts(endpoint: str, view_args: Mapping[str, Any]) -> Parts | None:
    """The reader's parts for a shared page served from the cache (the base parts unless the
    endpoint registered its own in PARTS_OF_ENDPOINT); None: render the page in full instead."""
    parts_of = PARTS_OF_ENDPOINT.get(endpoint)
    return parts_of(view_args) if parts_of else base_parts()


def render_shared(template: str, **context) -> str:
    with shared():
        body = render_template(template, **context)
    return refuse_tokens(body, template)


def refuse_tokens(body: str, template: str) -> str:
    """The shared page as it is, or SharedPageError if a CSRF field in it holds a token (not the slot)."""
    if CSRF_TOKEN.search(body):
        raise SharedPageError(f"{template} put a CSRF token into a shared page")
    return body


def render_page(template: str, *, parts: Callable[[], Parts] = base_parts, public: bool = True, **context) -> str:
    """Render a page in two layers. A `public` page's shared layer is handed to the page cache
    (app/cache.py stores it if this request may use the cache); a private one (an author's draft)
    is composed the same way and never stored."""
    body = render_shared(template, **context)
    if public:
        g.shared_page = body
    return fill(body, parts())

"""What each area declares to the page cache (app/cache/__init__.py): its cached pages, the public
pages it does not cache, and how each of its models bears on cached pages.

- **public**: a change of the row changes pages everyone sees: the site's version grows in the
  same transaction (invalidation.py), so every entry is rendered anew;
- **idea-scoped**: a change shows only on its idea's pages (a comment): its idea's page version
  grows instead, and the other entries stay; a support bumps no version at all (see the
  package's docstring);
- **private**: no page the cache keeps shows it (accounts, sessions, notifications, scores). A
  change of what pages show of a person (their public name) calls `public_content_changed()`.

Each area calls `declare` once, in its package's `__init__.py`; `tests/unit/test_page_cache_contract.py`
fails when a model or a public page is declared nowhere. docs/page-cache.md has the table of who
sees which change how late.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The JSON API answers the same for everyone, signed in or not.
SAME_FOR_EVERYONE = "api."


@dataclass(frozen=True)
class CachedPage:
    """A cached endpoint: the query parameters its page reads (the rest makes a request uncached),
    those only the reader's layer reads (not part of the shared layer's key), and the view argument
    naming the idea whose page version the page is keyed by too."""

    parameters: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    idea_argument: str | None = None


# The registries `declare` fills (read by keys.py, hooks.py and invalidation.py).
CACHED_ENDPOINTS: dict[str, tuple[str, ...]] = {}
PERSONAL_PARAMETERS: dict[str, tuple[str, ...]] = {}
PAGES_OF_AN_IDEA: dict[str, str] = {}
NOT_CACHED: dict[str, str] = {}  # a public page the cache leaves alone -> why
PUBLIC_CONTENT: tuple[type, ...] = ()
IDEA_CONTENT: tuple[type, ...] = ()
PRIVATE: tuple[type, ...] = ()


def declare(*, pages: Mapping[str, CachedPage] | None = None, not_cached: Mapping[str, str] | None = None,
            public: Iterable[type] = (), idea_scoped: Iterable[type] = (), private: Iterable[type] = ()) -> None:
    """An area's contract with the page cache (see the module's docstring)."""
    global PUBLIC_CONTENT, IDEA_CONTENT, PRIVATE
    for endpoint, page in (pages or {}).items():
        CACHED_ENDPOINTS[endpoint] = page.parameters
        if page.personal:
            PERSONAL_PARAMETERS[endpoint] = page.personal
        if page.idea_argument:
            PAGES_OF_AN_IDEA[endpoint] = page.idea_argument
    NOT_CACHED.update(not_cached or {})
    # An idea-scoped model is public content too: a bulk statement not marked idea_scoped bumps the site.
    PUBLIC_CONTENT = (*PUBLIC_CONTENT, *public, *idea_scoped)
    IDEA_CONTENT = (*IDEA_CONTENT, *idea_scoped)
    PRIVATE = (*PRIVATE, *private)

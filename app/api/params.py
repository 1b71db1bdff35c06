"""Query parameters of the API, read strictly: a value the OpenAPI document does not allow is a 400
with a message naming the parameter (the HTML pages, by contrast, ignore what they cannot use).

The document (app/api/openapi.py) states the limits defined here and the idea list's own
(QUERY_MAX, FIELDS_MAX in app/ideas/queries.py).
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from app.ideas.queries import FIELDS_MAX  # the idea list's limit, here enforced instead of cut

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"
_SLUG = re.compile(SLUG_PATTERN)
PAGE_MAX = 100_000
ID_MAX = 999_999_999  # what integer() reads: nine digits
PER_PAGE_MAX = 100


class BadParameter(Exception):
    def __init__(self, name: str, message) -> None:
        super().__init__(name)
        self.name = name
        self.message = str(message)


def integer(args, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not minimum <= int(raw) <= maximum:
        raise BadParameter(name, _l("Please give a whole number from %(min)d to %(max)d.", min=minimum, max=maximum))
    return int(raw)


def choice(args, name: str, choices) -> str:
    raw = args.get(name)
    if raw is None:
        return ""
    if raw not in choices:
        raise BadParameter(name, _l("Allowed values: %(values)s.", values=", ".join(choices)))
    return raw


def slug(args, name: str) -> str:
    raw = args.get(name)
    if raw is None:
        return ""
    _check_slug(name, raw)
    return raw


def slugs(args, name: str) -> list[str]:
    values = args.getlist(name)
    if len(values) > FIELDS_MAX:
        raise BadParameter(name, _l("At most %(max)d values, please.", max=FIELDS_MAX))
    for value in values:
        _check_slug(name, value)
    return values


def _check_slug(name: str, value: str) -> None:
    if not _SLUG.match(value):
        raise BadParameter(name, _l("Please give a slug: lower-case letters, digits and hyphens, e.g. “mobilitaet”."))


def text(args, name: str, max_length: int) -> str:
    """Free text; control characters (NUL and the like) are dropped, never stored or searched."""
    raw = args.get(name)
    if raw is None:
        return ""
    if len(raw) > max_length:
        raise BadParameter(name, _l("At most %(max)d characters, please.", max=max_length))
    return "".join(ch for ch in raw if unicodedata.category(ch) != "Cc").strip()

"""The key of a request's cache entry: endpoint, normalised query, audience, language."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request
from flask_babel import get_locale

from app.cache import contract

VALUE_MAX = 100  # longer values (a search of a whole paragraph) are not cached
VALUES_MAX = 10
PAGE, LAYER = "page", "layer"  # a whole page (anonymous readers, the API) or a shared layer (layers.py)


def cache_key(kind: str, audience: str) -> str | None:
    """The key of this request's page (or shared layer), or None if the request must not use the cache."""
    endpoint = request.endpoint or ""
    allowed = contract.CACHED_ENDPOINTS[endpoint]
    personal = contract.PERSONAL_PARAMETERS.get(endpoint, ())
    parameters = []
    for name in sorted(request.args):
        if name in personal and kind == LAYER:
            continue  # only the reader's layer reads it
        if name not in allowed and name not in personal:
            return None
        values = sorted(value.strip() for value in request.args.getlist(name))
        if len(values) > VALUES_MAX or any(len(value) > VALUE_MAX for value in values):
            return None
        parameters += [(name, value) for value in values]
    return f"{get_locale()}:{kind}:{audience}:{request.path}?{urlencode(parameters)}"

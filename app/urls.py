"""Addresses on this site for places without a request of their own to follow: mails, the JSON API."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from flask import current_app, has_request_context, url_for


def public_url(path: str) -> str:
    """A path on this site, absolute under PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values) -> str:
    """An endpoint's address, absolute under PUBLIC_BASE_URL."""
    return public_url(url_for(endpoint, **values))


def link_context() -> AbstractContextManager:
    """What url_for needs in work done outside a request (the worker's mails): a request on PUBLIC_BASE_URL."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context("/", base_url=current_app.config["PUBLIC_BASE_URL"])

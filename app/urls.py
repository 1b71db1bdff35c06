"""Addresses on this site for places without a request of their own to follow: mails, the JSON API."""

from __future__ import annotations

from flask import current_app, url_for


def public_url(path: str) -> str:
    """A path on this site, absolute under PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def absolute_url(endpoint: str, **values) -> str:
    """An endpoint's address, absolute under PUBLIC_BASE_URL."""
    return public_url(url_for(endpoint, **values))

"""Shared form pieces."""

from flask import request
from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """An empty form: gives one-button POST actions (log out, support, follow) their CSRF token."""


def form_status() -> int:
    """200 for showing a form, 422 when a sent form comes back with errors."""
    return 200 if request.method == "GET" else 422

"""Shared form pieces."""

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """An empty form: gives one-button POST actions (log out, support, follow) their CSRF token."""

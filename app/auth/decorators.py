"""Access checks for views. Authorisation on objects lives in the services."""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.legal import services as legal
from app.resubmit import resubmit_page


def confirmed_required(view):
    """Signed in and e-mail confirmed: the condition for writing anything."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_confirmed:
            return render_template("auth/unconfirmed.html"), 403
        if legal.needs_to_accept_terms(current_user):
            # New terms of use: accepted before contributing. A form's text comes back to send again.
            accept = url_for("legal.accept_terms", next=request.path if request.method == "GET" else None)
            if request.method == "GET":
                return redirect(accept)
            message = _l("The terms of use have changed. Please accept them first (the link opens the new terms), then send your text again.")
            return resubmit_page(409, message, link=(url_for("legal.accept_terms"), _l("New terms of use"))) or redirect(accept)
        return view(*args, **kwargs)

    return wrapped


def role_required(*roles: str):
    """Signed in with one of these staff roles (the session then has passed the second factor)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator

"""Access checks for views. Authorisation on objects lives in the services."""

from __future__ import annotations

from functools import wraps

from flask import abort, render_template
from flask_login import current_user, login_required


def confirmed_required(view):
    """Signed in and e-mail confirmed: the condition for writing anything."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_confirmed:
            return render_template("auth/unconfirmed.html"), 403
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

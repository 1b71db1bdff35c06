"""Access checks for views. Authorisation on objects lives in the services."""

from __future__ import annotations

from functools import wraps

from flask import render_template
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

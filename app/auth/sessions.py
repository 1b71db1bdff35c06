"""Server-side login sessions on top of Flask-Login.

The signed cookie carries a random session id; the database holds its hash.
Logging out deletes the row, so the cookie is worthless afterwards even if
someone kept a copy.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AuthSession, User, utcnow

SESSION_KEY = "sid"
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def init_login_manager(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = None  # our server-side session replaces it
    manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    token = session.get(SESSION_KEY)
    if not token or not user_id.isdigit():
        return None
    row = (
        db.session.execute(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.token_hash == _hash(token), User.id == int(user_id))
            .options(joinedload(User.roles))
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    auth_session, user = row
    now = utcnow()
    if now - auth_session.last_seen_at > TOUCH_EVERY:
        auth_session.last_seen_at = now
        try:
            db.session.commit()
        except OperationalError:
            # Only bookkeeping: a busy database must not fail the request.
            db.session.rollback()
    return user


def start_session(user: User) -> None:
    """Log the user in with a fresh server-side session. Commits."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(user_id=user.id, token_hash=_hash(token)))
    user.last_login_at = utcnow()
    db.session.commit()
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)


def end_session() -> None:
    """Log out: delete the server-side session. Commits."""
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == _hash(token)))
        db.session.commit()
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Used after a password reset. Flushes, does not commit."""
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))

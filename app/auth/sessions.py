"""Server-side login sessions on top of Flask-Login.

The signed cookie carries a random session id; the database holds its hash.
Logging out deletes the row, so the cookie is worthless afterwards even if
someone kept a copy.

Staff (moderation, steering committee, administration) get a session only
after the second factor (app/auth/second_factor.py): between password and
code, the login is "pending" in the signed cookie for a few minutes. A staff
session ends after 30 idle minutes; a session opened without the second
factor ends as soon as its account becomes staff.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from flask import flash, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AuthSession, User, utcnow
from app.security import parse_int

SESSION_KEY = "sid"
PENDING_KEY = "pending_login"
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often
STAFF_TOUCH_EVERY = timedelta(minutes=1)
STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
PENDING_MAX_AGE = 10 * 60  # seconds between password and second factor
PENDING_MAX_ATTEMPTS = 5


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
    if not token or parse_int(user_id) is None:
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
    if user.is_staff:
        if auth_session.second_factor_at is None or now - auth_session.last_seen_at > STAFF_IDLE_TIMEOUT:
            _expire(auth_session)
            return None
        touch_every = STAFF_TOUCH_EVERY
    else:
        touch_every = TOUCH_EVERY
    if now - auth_session.last_seen_at > touch_every:
        auth_session.last_seen_at = now
        try:
            db.session.commit()
        except OperationalError:
            # Only bookkeeping: a busy database must not fail the request.
            db.session.rollback()
    return user


def _expire(auth_session: AuthSession) -> None:
    """End a staff session that idled too long or lacks the second factor. Commits."""
    db.session.delete(auth_session)
    db.session.commit()
    session.clear()
    flash(_("Your session has ended. Please log in again."), "info")


def start_session(user: User, *, second_factor: bool = False) -> None:
    """Log the user in with a fresh server-side session. Commits."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(
        AuthSession(user_id=user.id, token_hash=_hash(token), second_factor_at=utcnow() if second_factor else None)
    )
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


def begin_pending_login(user: User, next_url: str) -> None:
    """Password accepted; the second factor is still to come."""
    session.clear()
    session[PENDING_KEY] = {"user_id": user.id, "at": int(time.time()), "next": next_url, "attempts": 0}


def pending_login() -> tuple[User, str] | None:
    """The account and the page to go to next, while a pending login is fresh."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_MAX_AGE:
        return None
    user = db.session.get(User, pending.get("user_id"))
    if user is None or user.is_blocked:
        return None
    return user, pending.get("next") or "/"


def failed_second_factor() -> bool:
    """Count a wrong code; after too many the password must be entered again. True if still pending."""
    pending = dict(session.get(PENDING_KEY) or {})
    pending["attempts"] = pending.get("attempts", 0) + 1
    if pending["attempts"] >= PENDING_MAX_ATTEMPTS:
        session.pop(PENDING_KEY, None)
        return False
    session[PENDING_KEY] = pending
    return True

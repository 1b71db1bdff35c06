"""Server-side login sessions on top of Flask-Login.

The signed cookie carries a random session id; the database holds its hash.
Logging out deletes the row, so the cookie is worthless afterwards even if
someone kept a copy.

Staff (moderation, steering committee, administration) get a session only
after the second factor (app/auth/second_factor.py): between password and
code, the login is "pending" (a `pending_logins` row whose random token the cookie
carries) for a few minutes. Wrong codes are counted in that row and on the account,
never in the cookie; the row goes after 5 wrong codes and when the login succeeds, so
a copied cookie cannot buy more guesses or a second session. A staff
session ends after 30 idle minutes; a session opened without the second
factor ends as soon as its account becomes staff.

This module commits its own writes: the one named exception to "services flush, the view
commits" (app/views.py). A session row must be stored before the response hands out its
cookie, and touching or expiring a session happens in Flask-Login's user loader, before and
outside any view; a failed view must not take a successful login with it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from flask import flash, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import Row, Select, bindparam, delete, exists, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.auth import browsers
from app.database import committed_in_get, rows_changed
from app.extensions import db
from app.legal import services as legal
from app.models import AuthSession, PendingLogin, User, UserRole, utcnow
from app.security import parse_int, token_hash

SESSION_ENDED_WITH_TEXT = _l(
    "You are no longer logged in (a staff session ends after 30 idle minutes), so your text was not saved. "
    "Copy it from below before you log in, then send it again."
)
SESSION_KEY = "sid"
PENDING_KEY = "pending_login"
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often
STAFF_TOUCH_EVERY = timedelta(minutes=1)
STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
PENDING_MAX_AGE = timedelta(minutes=10)  # between password and second factor
PENDING_MAX_ATTEMPTS = 5


def init_login_manager(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = None  # our server-side session replaces it
    manager.user_loader(load_user)
    manager.unauthorized_handler(unauthorized)


def unauthorized():
    """Not signed in (or the session ended): to the login page. A POST with text (a staff session
    that idled out while writing an answer) shows the text on the login page to copy first."""
    from flask import current_app, redirect, request
    from flask_login.utils import login_url

    from app.auth.forms import LoginForm
    from app.resubmit import login_page_with_text

    page = login_page_with_text(LoginForm(formdata=None), SESSION_ENDED_WITH_TEXT)
    if page is not None:
        return page
    manager = current_app.login_manager
    flash(manager.login_message, manager.login_message_category)
    return redirect(login_url(manager.login_view, next_url=request.url))


# Built once: the statement is the same in every request (building it cost about as much as running it).
ACCOUNT_OF_SESSION = (
    select(User, AuthSession.id, AuthSession.last_seen_at, AuthSession.second_factor_at,
           exists().where(UserRole.user_id == User.id), legal.required_terms_query())
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(AuthSession.token_hash == bindparam("token_hash"), User.id == bindparam("user_id"))
)
ACCOUNT_COLUMNS = 6  # the columns of ACCOUNT_OF_SESSION; a statement of read_with_account has its own after them


def read_with_account(statement: Select, params: Mapping[str, Any], keep: Callable[[Sequence[Row]], None]) -> None:
    """Let the query that loads this request's account (load_user) read more in the same statement:
    `statement` is ACCOUNT_OF_SESSION with columns (and outer joins, which may use User.id) added
    after the account's, built once; `keep` gets its rows once the account is loaded and its
    session valid. A page served from the cache asks before it asks for the account, so a signed-in
    reader's parts cost one query, not two (docs/performance.md). Nothing happens if the request
    has no account to load or has loaded it already."""
    g._read_with_account = (statement, params, keep)


def load_user(user_id: str) -> User | None:
    """The account of this request's session, or None. One query: the account with what its
    session says (as columns, no second object to build) and whether it has staff roles: most
    readers have none, so their empty role list is set without the join that loading roles costs
    (about 1 ms a request); a staff account loads its roles when asked (is_staff). The same query
    reads the terms version contributors must have accepted (app/legal/services.py), and what a
    page asked for with read_with_account."""
    companion = g.pop("_read_with_account", None)
    token = session.get(SESSION_KEY)
    if not token or parse_int(user_id) is None:
        return None
    statement, params = ACCOUNT_OF_SESSION, {"token_hash": token_hash(token), "user_id": int(user_id)}
    if companion is not None:
        statement, params = companion[0], {**companion[1], **params}
    rows = db.session.execute(statement, params).all()
    if not rows:
        return None
    user, session_id, last_seen_at, second_factor_at, has_roles, required_terms = rows[0][:ACCOUNT_COLUMNS]
    if not has_roles:
        set_committed_value(user, "roles", [])  # what loading them would give
    legal.remember_required_terms_version(required_terms)
    now = utcnow()
    if user.is_staff:
        if second_factor_at is None or now - last_seen_at > STAFF_IDLE_TIMEOUT:
            _expire(session_id)
            return None
        touch_every = STAFF_TOUCH_EVERY
    else:
        touch_every = TOUCH_EVERY
    if now - last_seen_at > touch_every:
        session.modified = True  # the cookie's 14 days start again (SESSION_REFRESH_EACH_REQUEST is off)
        # Only bookkeeping: a busy database must not fail the request (committed_in_get).
        committed_in_get(lambda: db.session.execute(update(AuthSession).where(AuthSession.id == session_id).values(last_seen_at=now)))
    if companion is not None:
        companion[2](rows)
    return user


def _expire(session_id: int) -> None:
    """End a staff session that idled too long or lacks the second factor. Commits."""
    # Busy (committed_in_get): the row stays, but its idle time has run out, so it lets nobody in.
    committed_in_get(lambda: db.session.execute(delete(AuthSession).where(AuthSession.id == session_id)))
    session.clear()
    flash(_("Your session has ended. Please log in again."), "info")


def start_session(user: User, *, second_factor: bool = False) -> None:
    """Log the user in with a fresh server-side session; a pending login ends. Commits."""
    _end_pending()
    user.failed_logins = 0
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(
        AuthSession(user_id=user.id, token_hash=token_hash(token), second_factor_at=utcnow() if second_factor else None,
                    browser=browsers.describe(request.headers.get("User-Agent", "")))
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
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash(token)))
        db.session.commit()
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    """Used after a password reset. Flushes, does not commit."""
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))


def current_session_id() -> int | None:
    """The id of this browser's session row (for "this browser" on the account page)."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return db.session.scalar(select(AuthSession.id).where(AuthSession.token_hash == token_hash(token)))


def sessions_of(user: User) -> list[AuthSession]:
    return list(db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id).order_by(AuthSession.last_seen_at.desc())))


def end_session_of(user: User, session_id: int) -> bool:
    """End one of the account's signed-in browsers. Flushes. False if it is not the account's."""
    return rows_changed(delete(AuthSession).where(AuthSession.id == session_id, AuthSession.user_id == user.id)) == 1


def end_other_sessions(user: User) -> int:
    """End every signed-in browser of the account but this one. Flushes."""
    keep = current_session_id()
    return rows_changed(delete(AuthSession).where(AuthSession.user_id == user.id, AuthSession.id != (keep or -1)))


def begin_pending_login(user: User, next_url: str) -> None:
    """Password accepted; the second factor is still to come. Commits."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(PendingLogin).where(PendingLogin.created_at < utcnow() - PENDING_MAX_AGE))
    db.session.add(PendingLogin(token_hash=token_hash(token), user_id=user.id, next_url=next_url[:500]))
    db.session.commit()
    session[PENDING_KEY] = token


def pending_login() -> tuple[User, str] | None:
    """The account and the page to go to next, while a pending login is fresh."""
    row = _pending_row()
    if row is None or utcnow() - row.created_at > PENDING_MAX_AGE:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or user.is_blocked or user.locked_at is not None:
        return None
    return user, row.next_url or "/"


def _pending_row() -> PendingLogin | None:
    token = session.get(PENDING_KEY)
    if not isinstance(token, str):
        return None
    return db.session.scalar(select(PendingLogin).where(PendingLogin.token_hash == token_hash(token)))


def failed_second_factor(user: User) -> bool:
    """Count a wrong code, on the pending login and on the account (app.auth.lockout); after
    PENDING_MAX_ATTEMPTS the password must be entered again. True if still pending. Commits."""
    from app.auth import lockout

    token = session.get(PENDING_KEY)
    attempts = db.session.scalar(
        update(PendingLogin)
        .where(PendingLogin.token_hash == token_hash(token or ""))
        .values(attempts=PendingLogin.attempts + 1)
        .returning(PendingLogin.attempts)
    )
    lockout.record_failure(user)
    if attempts is None or attempts >= PENDING_MAX_ATTEMPTS or user.locked_at is not None:
        _end_pending()
        db.session.commit()
        return False
    db.session.commit()
    return True


def _end_pending() -> None:
    token = session.pop(PENDING_KEY, None)
    if isinstance(token, str):
        db.session.execute(delete(PendingLogin).where(PendingLogin.token_hash == token_hash(token)))

"""Account rules. Functions flush but never commit; the view commits once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app import cache
from app.auth import emails, lockout, passwords, sessions
from app.errors import DomainError, InvalidInput, NotAllowed
from app.extensions import db
from app.legal import services as legal
from app.models import Municipality, User, UserRole, utcnow
from app.models.user import ACCOUNT_ORGANISATION, ACCOUNT_TYPES, CONTACT_FUNCTION_MAX, CONTACT_NAME_MAX, ROLE_OFFICER, STAFF_ROLES

PASSWORD_MIN, PASSWORD_MAX = passwords.PASSWORD_MIN, passwords.PASSWORD_MAX

# Verified against when the e-mail is unknown, so a log-in takes as long either way (one per method).
_DUMMY_HASHES: dict[str, str] = {}


def _hash_method() -> str:
    """Werkzeug's scrypt, unless the configuration says otherwise (the tests use a cheap one)."""
    return str(current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password-000", method=method)
    return _DUMMY_HASHES[method]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


# Names are shown on the platform and must not carry links or text for phishing:
# one line, no control characters, nothing that looks like an address on the web.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_LOOKS_LIKE_URL = re.compile(r"://|\bwww\.|\b[a-z0-9-]{2,}\.(?:[a-z]{2,})(?:\b|/)", re.IGNORECASE)


def check_public_name(name: str) -> str:
    """A display or organisation name as it may be shown: trimmed, one line, no web address."""
    name = (name or "").strip()
    if _NOT_ONE_LINE.search(name):
        raise InvalidInput(_l("Please write the name on one line."))
    if _LOOKS_LIKE_URL.search(name):
        raise InvalidInput(_l("Please do not put a web address into the name."))
    return name


def change_profile(user: User, *, display_name: str, organisation_name: str | None, municipality_id: int | None) -> bool:
    """The account's public name (and an organisation's name) and home town. Pages that name the
    person are stored again (the page cache). Flushes. False if nothing changed."""
    display_name = check_public_name(display_name)
    if not 2 <= len(display_name) <= 60:
        raise InvalidInput(_l("Between 2 and 60 characters, please."))
    organisation_name = check_public_name(organisation_name or "") or None
    if user.account_type == ACCOUNT_ORGANISATION and not organisation_name:
        raise InvalidInput(_l("Please enter the name of your organisation."))
    if organisation_name and len(organisation_name) > 120:
        raise InvalidInput(_l("At most 120 characters, please."))
    if municipality_id is not None and db.session.get(Municipality, municipality_id) is None:
        raise InvalidInput(_l("Please choose a municipality from the list."))
    organisation_name = organisation_name if user.account_type == ACCOUNT_ORGANISATION else None
    before = (user.display_name, user.organisation_name, user.municipality_id)
    if before == (display_name, organisation_name, municipality_id):
        return False
    if (user.display_name, user.organisation_name) != (display_name, organisation_name):
        cache.public_content_changed()  # ideas and comments show the public name
    user.display_name, user.organisation_name, user.municipality_id = display_name, organisation_name, municipality_id
    db.session.flush()
    return True


def change_contact(user: User, *, name: str, function: str) -> bool:
    """A digital officer's contact on their towns' pages: the name and function they choose to
    publish (an empty name: not shown). Flushes. False if nothing changed."""
    if not user.has_role(ROLE_OFFICER):
        raise NotAllowed()
    name, function = check_public_name(name), check_public_name(function)
    if len(name) > CONTACT_NAME_MAX or len(function) > CONTACT_FUNCTION_MAX:
        raise InvalidInput(_l("At most %(max)d characters, please.", max=CONTACT_FUNCTION_MAX))
    if name and not function:
        raise InvalidInput(_l("Please give your function too, e.g. “Digitalisierungsbeauftragte der Stadt Dülmen”."))
    if (user.contact_name, user.contact_function) == (name, function if name else ""):
        return False
    user.contact_name, user.contact_function = name, function if name else ""
    cache.public_content_changed()  # the towns' pages name their contacts
    db.session.flush()
    return True


def hash_password(password: str, *, email: str = "", names: tuple[str, ...] = ()) -> str:
    """The stored form of a password that passes the rules (app/auth/passwords.py)."""
    passwords.check(password, email=email, names=names)
    return generate_password_hash(password, method=_hash_method())


@dataclass
class Registration:
    user: User
    is_new: bool


def register_account(
    *,
    email: str,
    password: str,
    display_name: str,
    account_type: str,
    organisation_name: str | None = None,
    municipality_id: int | None = None,
) -> Registration:
    """Create an unconfirmed account, or return the existing one unchanged.

    The caller sends a mail either way and shows the same page, so the
    response never reveals whether an address is registered.
    """
    if account_type not in ACCOUNT_TYPES:
        raise InvalidInput()
    display_name = check_public_name(display_name)
    organisation_name = check_public_name(organisation_name or "") or None
    if account_type == ACCOUNT_ORGANISATION and not organisation_name:
        raise InvalidInput(_l("Please enter the name of your organisation."))
    # Hashed also for a registered address, so both answers take as long (no enumeration by timing).
    password_hash = hash_password(password, email=email, names=(display_name, organisation_name or ""))
    existing = find_user_by_email(email)
    if existing is not None:
        return Registration(existing, is_new=False)
    user = User(
        email=normalise_email(email),
        password_hash=password_hash,
        display_name=display_name,
        account_type=account_type,
        organisation_name=organisation_name if account_type == ACCOUNT_ORGANISATION else None,
        municipality_id=municipality_id or None,
    )
    db.session.add(user)
    db.session.flush()
    return Registration(user, is_new=True)


def sign_up(
    *,
    email: str,
    password: str,
    display_name: str,
    account_type: str,
    organisation_name: str | None = None,
    municipality_id: int | None = None,
    next_path: str = "",
) -> Registration:
    """Sign-up: a new account accepts the terms and gets its confirmation link; an address that has
    an account gets a notice instead (the page is the same either way). Both mails lead back to
    `next_path`, where the person signed up from. Flushes."""
    registration = register_account(email=email, password=password, display_name=display_name, account_type=account_type,
                                    organisation_name=organisation_name, municipality_id=municipality_id)
    if registration.is_new:
        legal.record_acceptance(registration.user)
        emails.queue_confirmation(registration.user, next_path)
    else:
        emails.queue_already_registered(registration.user, next_path)
    return registration


def resend_signup_mail(user: User | None, *, new_account: bool, next_path: str = "") -> None:
    """The check-mail page's "send again": the confirmation link for an account this browser made,
    the notice for an address that had one already; nothing for a gone account. Flushes."""
    if user is None or user.is_deleted:
        return
    if new_account and not user.is_confirmed:
        emails.queue_confirmation(user, next_path)
    elif not new_account:
        emails.queue_already_registered(user, next_path)


def request_password_reset(email: str) -> None:
    """A reset link for the account of this address, if it has one and may log in; the page says the
    same either way. Flushes."""
    user = find_user_by_email(email)
    if user is not None and not user.is_blocked:
        emails.queue_password_reset(user)


def resend_confirmation(user: User) -> None:
    if not user.is_confirmed:
        emails.queue_confirmation(user)


def confirm_account(user: User) -> bool:
    """Mark the e-mail address confirmed. Returns False if it already was."""
    if user.confirmed_at is not None:
        return False
    user.confirmed_at = utcnow()
    return True


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Blocked accounts cannot log in; a wrong password
    counts towards the account's lockout; the right one on a locked account raises AccountLocked. Flushes."""
    user = find_user_by_email(email) if len(email) <= 254 else None
    if user is not None and user.is_deleted:
        user = None
    if user is None or len(password) > PASSWORD_MAX:
        check_password_hash(_dummy_hash(), password[:PASSWORD_MAX])
        return None
    if not check_password_hash(user.password_hash, password):
        lockout.record_failure(user)
        return None
    if user.is_blocked:
        return None
    if user.locked_at is not None:
        raise lockout.AccountLocked()
    return user


def set_password(user: User, password: str) -> None:
    """New password; every signed-in browser of this account is logged out."""
    user.password_hash = _new_hash(user, password)
    if user.confirmed_at is None:
        # Following a link sent to the address proves it as well as a confirmation does.
        user.confirmed_at = utcnow()
    lockout.unlock(user)  # and it proves ownership as well as the unlock link
    sessions.end_all_sessions(user)


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    """Mail a confirmation link to the new address (or, if it has an account, a note to it). Flushes.
    The answer is the same either way, so the form reveals no registered address."""
    require_password(user, current_password)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise InvalidInput(_l("This is already your e-mail address."))
    owner = find_user_by_email(new_email)
    if owner is not None:
        emails.queue_already_registered(owner)
    else:
        emails.queue_email_change(user, new_email)


def change_email(user: User, new_email: str) -> bool:
    """Confirmed by the link sent to the new address: the old address is told. False if the address was taken meanwhile. Flushes."""
    if find_user_by_email(new_email) is not None:
        return False
    emails.queue_email_changed_notice(user.email, new_email)
    user.email = normalise_email(new_email)
    user.confirmed_at = utcnow()  # the link proved the new address; mail goes only to what happens from now
    db.session.flush()
    return True


class WrongPassword(InvalidInput):
    default_message = _l("The current password is not right.")


def require_password(user: User, password: str) -> None:
    """The signed-in person's own password, asked again before a change to the account."""
    if not check_password_hash(user.password_hash, password or ""):
        raise WrongPassword()


def _new_hash(user: User, password: str) -> str:
    """A new password of this account, checked with its own address and names as context."""
    return hash_password(password, email=user.email, names=(user.display_name, user.organisation_name or ""))


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The signed-in person changes their password: the current one first; other browsers are logged out. Flushes."""
    require_password(user, current_password)
    user.password_hash = _new_hash(user, new_password)
    sessions.end_other_sessions(user)
    emails.queue_password_changed(user)


def grant_role(user: User, role: str) -> bool:
    if role not in STAFF_ROLES:
        raise DomainError(_l("Unknown role."))
    if user.has_role(role):
        return False
    user.roles.append(UserRole(role=role))
    db.session.flush()
    return True

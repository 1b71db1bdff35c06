"""Signed, expiring, single-use tokens for mail links.

Single use comes from binding each token to state that the action changes:
a confirmation token to the unconfirmed e-mail address, a reset token to the
current password hash. Once used, the state differs and the token is dead.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.models import User

CONFIRM_SALT = "account-confirm"
RESET_SALT = "password-reset"
UNLOCK_SALT = "account-unlock"
UNLOCK_TOKEN_MAX_AGE = 7 * 24 * 3600


class TokenInvalid(Exception):
    pass


class TokenExpired(TokenInvalid):
    pass


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_confirm_token(user: User, next_path: str = "") -> str:
    """The confirmation link's token; `next_path` is where the person was when they signed up (an
    idea they wanted to support), so the link brings them back there in any browser."""
    data = {"uid": user.id, "em": _fingerprint(user.email)}
    if next_path:
        data["nx"] = next_path
    return _serializer(CONFIRM_SALT).dumps(data)


def make_reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _fingerprint(user.password_hash)})


EMAIL_CHANGE_SALT = "email-change"


def make_email_change_token(user: User, new_email: str) -> str:
    """Bound to the current address: dead once the address has changed."""
    return _serializer(EMAIL_CHANGE_SALT).dumps({"uid": user.id, "em": _fingerprint(user.email), "new": new_email})


def read_email_change_token(token: str) -> tuple[int, str, str]:
    data = _load(token, EMAIL_CHANGE_SALT, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    if not isinstance(data.get("new"), str):
        raise TokenInvalid()
    return data["uid"], str(data.get("em", "")), data["new"]


def make_unlock_token(user: User) -> str:
    """Bound to the moment of the lock: dead once the account is unlocked (or locked anew)."""
    return _serializer(UNLOCK_SALT).dumps({"uid": user.id, "lk": _fingerprint(user.locked_at.isoformat() if user.locked_at else "")})


def read_unlock_token(token: str) -> tuple[int, str]:
    data = _load(token, UNLOCK_SALT, UNLOCK_TOKEN_MAX_AGE)
    return data["uid"], str(data.get("lk", ""))


def lock_matches(user: User, fingerprint: str) -> bool:
    return user.locked_at is not None and _fingerprint(user.locked_at.isoformat()) == fingerprint


def _load(token: str, salt: str, max_age: int) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise TokenInvalid()
    return data


def read_confirm_token(token: str) -> tuple[int, str, str]:
    """(account id, address fingerprint, the place to return to or "")."""
    data = _load(token, CONFIRM_SALT, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    return data["uid"], str(data.get("em", "")), str(data.get("nx", ""))


def read_reset_token(token: str) -> tuple[int, str]:
    data = _load(token, RESET_SALT, current_app.config["RESET_TOKEN_MAX_AGE"])
    return data["uid"], str(data.get("pw", ""))


def email_matches(user: User, fingerprint: str) -> bool:
    return _fingerprint(user.email) == fingerprint


def password_matches(user: User, fingerprint: str) -> bool:
    return _fingerprint(user.password_hash) == fingerprint

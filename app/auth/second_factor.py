"""The second factor staff must use: TOTP (an authenticator app) and one-time recovery codes.

A TOTP code is accepted for the current 30-second step and one step either
side (clock drift), and only for a step later than the last one accepted, so
an observed code cannot be replayed. Both checks are single atomic UPDATEs,
so two requests racing with the same code cannot both succeed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, func, or_, select, update

from app.database import rows_changed
from app.extensions import db
from app.models import RecoveryCode, User, utcnow

ISSUER = "Coesfeld 12.0"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def start_enrolment(user: User) -> str:
    """The secret to put into the authenticator app; kept until enrolment is confirmed. Flushes."""
    if user.totp_secret is None or user.totp_enrolled_at is not None:
        user.totp_secret = pyotp.random_base32()
        user.totp_enrolled_at = None
        user.totp_last_step = None
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    if user.totp_secret is None:
        raise ValueError("no second factor is being set up")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, no script)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title="QR-Code")


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


def _matching_step(secret: str, code: str, now: float) -> int | None:
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(user: User, code: str, *, now: float | None = None) -> bool:
    """True once per valid code; a code (or an earlier one) that was already used is refused."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, _clean_code(code), time.time() if now is None else now)
    if step is None:
        return False
    claimed = rows_changed(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed != 1:
        return False
    user.totp_last_step = step
    return True


def finish_enrolment(user: User, code: str, *, now: float | None = None) -> list[str] | None:
    """Confirm the app with a first code; returns fresh recovery codes (shown once), or None. Flushes."""
    if user.totp_secret is None or user.totp_enrolled_at is not None:
        return None
    if not verify_totp(user, code, now=now):
        return None
    user.totp_enrolled_at = utcnow()
    codes = new_recovery_codes(user)
    db.session.flush()
    return codes


def _hash_recovery_code(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def _normalise_recovery_code(code: str) -> str:
    return re.sub(r"[\s-]+", "", (code or "").lower())


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with new ones; returns them in plain text. Flushes."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(user.id, raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; each works once."""
    normalised = _normalise_recovery_code(code)
    if not re.fullmatch(f"[{_RECOVERY_ALPHABET}]{{10}}", normalised):
        return False
    spent = rows_changed(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery_code(user.id, normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent == 1


def check(user: User, code: str) -> bool:
    """A TOTP code or, failing that, a recovery code."""
    code = (code or "").strip()
    if len(code) > 32:
        return False
    return verify_totp(user, code) or use_recovery_code(user, code)


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0


def reset(user: User) -> None:
    """Forget the app and the recovery codes; the person enrols again at the next login. Flushes."""
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()

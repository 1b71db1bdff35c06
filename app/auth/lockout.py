"""Per-account lockout: after LOCKOUT_AFTER failed log-ins (wrong passwords and wrong second-factor
codes, since the last successful log-in) the account is locked until its owner follows the link
mailed to its address (or resets the password). 20 is Decidim's figure; the per-address rate
limits stop fast guessing, this stops slow guessing spread over many addresses.

The lock does not reveal the account: a wrong password on a locked account gets the usual
answer; only someone who gives the right password learns that it is locked.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.auth import emails
from app.database import rows_changed
from app.errors import DomainError
from app.extensions import db
from app.models import User, utcnow

LOCKOUT_AFTER = 20


class AccountLocked(DomainError):
    default_message = _l(
        "This account is locked after too many failed log-ins. We have sent a link to unlock it to its e-mail address."
    )


def record_failure(user: User) -> None:
    """Count a failed log-in (atomically); the LOCKOUT_AFTER-th locks the account and mails the link. Flushes."""
    failures = db.session.scalar(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1).returning(User.failed_logins)
    ) or 0
    user.failed_logins = failures
    if failures >= LOCKOUT_AFTER and user.locked_at is None:
        locked = rows_changed(
            update(User).where(User.id == user.id, User.locked_at.is_(None)).values(locked_at=utcnow())
        )
        db.session.refresh(user, attribute_names=["locked_at"])
        if locked:  # only the request that locked it sends the mail
            emails.queue_unlock(user)


def unlock(user: User) -> bool:
    """End the lock; True if the account was locked. Flushes."""
    was_locked = user.locked_at is not None
    user.locked_at = None
    user.failed_logins = 0
    db.session.flush()
    return was_locked

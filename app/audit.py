"""The audit log: every staff action, written by the service that performs it.

An entry says who acted, when, what they did to which object, why, and the
relevant state before and after. Services call `record` in the same
transaction as the change, so there is no change without its entry.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AuditEntry, User

# action -> German description for the admin's log view
ACTIONS = {
    "idea.status": _l("Changed the state of an idea"),
    "idea.merge": _l("Merged an idea"),
    "idea.hide": _l("Hid an idea"),
    "idea.restore": _l("Restored an idea"),
    "idea.answer": _l("Published an official answer"),
    "idea.score": _l("Scored an idea"),
    "comment.hide": _l("Hid a comment"),
    "comment.restore": _l("Restored a comment"),
    "report.dismiss": _l("Dismissed reports"),
    "report.act": _l("Acted on reports"),
    "user.grant": _l("Granted a role"),
    "user.revoke": _l("Revoked a role"),
    "user.block": _l("Blocked an account"),
    "user.unblock": _l("Unblocked an account"),
    "user.reset_second_factor": _l("Reset a second factor"),
    "project.import": _l("Imported ideas into the portfolio"),
    "project.create": _l("Created a project"),
    "project.edit": _l("Changed a project"),
    "project.budget": _l("Changed a project's budget"),
    "news.publish": _l("Published news"),
    "legal.publish": _l("Published a legal text"),
}

TARGET_TYPES = ("idea", "comment", "user", "project", "announcement", "legal_text")


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int,
    *,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the log. Flushes, never commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if target_type not in TARGET_TYPES:
        raise ValueError(f"unknown audit target type {target_type!r}")
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_for(target_type: str, target_id: int) -> list[AuditEntry]:
    """The log of one object, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.id.desc())
        )
    )


def describe(action: str) -> str:
    return str(ACTIONS.get(action, action))

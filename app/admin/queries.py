"""What the administration's lists show: accounts and the audit log, filtered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from app import audit
from app.models import AuditEntry, User, UserRole
from app.models.user import STAFF_ROLES
from app.security import parse_int


@dataclass(frozen=True)
class AccountFilters:
    q: str = ""
    role: str = ""
    blocked: bool = False

    @classmethod
    def from_args(cls, args) -> AccountFilters:
        """Read the filters from query arguments; anything unknown is ignored, never an error."""
        role = args.get("role", "")
        return cls(q=(args.get("q") or "").strip()[:100], role=role if role in STAFF_ROLES else "", blocked=args.get("blocked") == "1")

    def query(self) -> Select:
        stmt = select(User).where(User.deleted_at.is_(None))  # deleted accounts are empty tombstones
        if self.q:
            pattern = f"%{self.q.lower()}%"
            stmt = stmt.where(
                or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern),
                    func.lower(func.coalesce(User.organisation_name, "")).like(pattern))
            )
        if self.role:
            stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == self.role)))
        if self.blocked:
            stmt = stmt.where(User.is_blocked.is_(True))
        return stmt


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    actor: str = ""

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        action, target_type, target_id = args.get("action", ""), args.get("target_type", ""), args.get("target_id", "")
        return cls(
            action=action if action in audit.ACTIONS else "",
            target_type=target_type if target_type in audit.TARGET_TYPES else "",
            target_id=target_id if parse_int(target_id) is not None else "",
            actor=(args.get("actor") or "").strip()[:254],
        )

    def query(self) -> Select:
        stmt = select(AuditEntry)
        if self.action:
            stmt = stmt.where(AuditEntry.action == self.action)
        if self.target_type:
            stmt = stmt.where(AuditEntry.target_type == self.target_type)
        if self.target_id:
            stmt = stmt.where(AuditEntry.target_id == parse_int(self.target_id))
        if self.actor:
            stmt = stmt.where(AuditEntry.actor_id.in_(select(User.id).where(func.lower(User.email).like(f"%{self.actor.lower()}%"))))
        return stmt

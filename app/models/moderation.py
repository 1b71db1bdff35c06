"""Moderation: the audit log, official answers and the Relevanz/Potenzial rubric."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.idea import Idea
    from app.models.user import User

ANSWER_MAX = 5000
SIGNATURE_MAX = 120
SCORE_NOTE_MAX = 500
SCORE_MIN, SCORE_MAX = 0, 5

AXIS_RELEVANCE = "relevance"
AXIS_POTENTIAL = "potential"
AXES = (AXIS_RELEVANCE, AXIS_POTENTIAL)


class AuditEntry(Base):
    """One staff action: who, when, what, on which object, why, and the state before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


class OfficialAnswer(Base):
    """A version of the moderation's public statement on an idea; the newest one is shown."""

    __tablename__ = "official_answers"
    __table_args__ = (UniqueConstraint("idea_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(SIGNATURE_MAX))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship()
    author: Mapped[User | None] = relationship()


class Criterion(Base):
    """A criterion of the rubric. Data, not code: the district may add, rename or retire criteria."""

    __tablename__ = "criteria"
    __table_args__ = (
        CheckConstraint(f"axis IN {AXES!r}", name="axis"),
        UniqueConstraint("axis", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    axis: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Score(Base):
    """One moderator's score (0–5) of one idea on one criterion."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("idea_id", "user_id", "criterion_id"),
        CheckConstraint(f"value BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="RESTRICT"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    note: Mapped[str] = mapped_column(String(SCORE_NOTE_MAX), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criterion: Mapped[Criterion] = relationship()
    user: Mapped[User] = relationship()


"""The strategy's project portfolio (P1–P28, then P29... from ideas)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.reference import ActionField, Municipality

PRIORITY_GROUPS = ("I", "II", "III")  # NULL means "nicht festgelegt"
PROJECT_STATUSES = ("planned", "in_progress", "completed", "deferred")


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"priority_group IN {PRIORITY_GROUPS!r}", name="priority_group"),
        CheckConstraint(f"status IN {PROJECT_STATUSES!r}", name="status"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # P<number>; numbers are never reused.
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    action_field_id: Mapped[int] = mapped_column(ForeignKey("action_fields.id", ondelete="RESTRICT"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id", ondelete="SET NULL"))
    priority_group: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action_field: Mapped[ActionField] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def code(self) -> str:
        return f"P{self.number}"

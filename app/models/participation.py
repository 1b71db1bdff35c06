"""Supports, comments, reports and follows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.idea import Idea
    from app.models.portfolio import Project
    from app.models.user import User

COMMENT_MAX = 2000
REPORT_NOTE_MAX = 1000
REPORT_REASONS = ("spam", "insult", "wrong_field", "personal_data", "other")
REPORT_OPEN = "open"
REPORT_DISMISSED = "dismissed"  # unfounded: the moderation dismissed it
REPORT_STATUSES = (REPORT_OPEN, REPORT_DISMISSED, "actioned")


class Support(Base):
    """One person's support of one idea; the database allows exactly one."""

    __tablename__ = "supports"
    __table_args__ = (
        UniqueConstraint("idea_id", "user_id"),
        Index("ix_supports_idea_created", "idea_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set while the supporter's account is blocked: the support then counts nowhere
    # (idea.support_count leaves it out) until the account is unblocked.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    idea: Mapped[Idea] = relationship()
    user: Mapped[User] = relationship()


class Comment(Base):
    """A comment on an idea or on a portfolio project (docs/decisions/0024): exactly one of the two."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("(idea_id IS NULL) <> (project_id IS NULL)", name="one_subject"),
        Index("ix_comments_idea_created", "idea_id", "created_at"),
        Index("ix_comments_project_created", "project_id", "created_at"),
        # A person's comments (their account, a block) and a reader's own comments on one idea
        # (app/participation/queries.py, reader_of_idea): one index probe, not two bitmaps ANDed.
        Index("ix_comments_author_idea", "author_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_cause: Mapped[str | None] = mapped_column(String(20))  # see app/models/idea.py

    @property
    def is_visible(self) -> bool:
        """Counted and shown: neither deleted by its author nor hidden by moderation."""
        return self.deleted_at is None and not self.is_hidden

    idea: Mapped[Idea | None] = relationship()
    project: Mapped[Project | None] = relationship()
    author: Mapped[User] = relationship()


class Report(Base):
    """A person's report of an idea or a comment ("Melden"); one per person and item."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("user_id", "idea_id"),
        UniqueConstraint("user_id", "comment_id"),
        CheckConstraint("(idea_id IS NULL) <> (comment_id IS NULL)", name="one_target"),
        CheckConstraint(f"reason IN {REPORT_REASONS!r}", name="reason"),
        CheckConstraint(f"status IN {REPORT_STATUSES!r}", name="status"),
        Index("ix_reports_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=REPORT_OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    idea: Mapped[Idea | None] = relationship()
    comment: Mapped[Comment | None] = relationship()


class Follow(Base):
    """An account follows an idea (for "Meine Ideen" now, notifications later)."""

    __tablename__ = "follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the notifications will need: since when, and up to when the person has seen the idea's news.
    last_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProjectFollow(Base):
    """An account follows a portfolio project: it hears of contributions, status and next steps."""

    __tablename__ = "project_follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

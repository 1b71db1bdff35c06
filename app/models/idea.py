"""Ideas on the strategy's draft card, their action fields and state history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.meeting import Meeting
    from app.models.portfolio import Project
    from app.models.reference import ActionField, Municipality
    from app.models.user import User

# Field limits of the draft card (characters).
TITLE_MAX = 150
AUTHOR_LABEL_MAX = 250
MOVED_FROM_MAX = 500  # a chosen name, or "Teilnehmende:r des Workshops „<title>“"
SUMMARY_MAX = 500
LONG_TEXT_MAX = 5000
PARTNERS_MAX = 1000

# Statuses; the allowed transitions between them live in app/ideas/states.py.
DRAFT = "draft"
PUBLISHED = "published"
IN_REVIEW = "in_review"
CANDIDATE = "candidate"
SHORTLISTED = "shortlisted"
IN_PORTFOLIO = "in_portfolio"
DECLINED = "declined"
MERGED = "merged"
WITHDRAWN = "withdrawn"

# Why an item is hidden (ideas and comments): reports reached the threshold, a
# moderator hid it, or its author's account is blocked (unblocking restores only these).
HIDDEN_BY_REPORTS = "reports"
HIDDEN_BY_MODERATION = "moderation"
HIDDEN_BY_BLOCK = "block"
STATUSES = (DRAFT, PUBLISHED, IN_REVIEW, CANDIDATE, SHORTLISTED, IN_PORTFOLIO, DECLINED, MERGED, WITHDRAWN)
PUBLIC_STATUSES = tuple(s for s in STATUSES if s != DRAFT)
# An idea the lists and counts show by default (ideas/queries.py: is_listed), as SQL for ix_ideas_listed.
LISTED = f"status != '{DRAFT}' AND is_hidden IS false AND status NOT IN ('{MERGED}', '{WITHDRAWN}')"

idea_action_fields = Table(
    "idea_action_fields",
    Base.metadata,
    Column("idea_id", ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    Column("action_field_id", ForeignKey("action_fields.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint("support_count >= 0", name="support_count_non_negative"),
        CheckConstraint("comment_count >= 0", name="comment_count_non_negative"),
        Index("ix_ideas_listing", "status", "is_hidden", "published_at"),
        # The lists' sort orders (ideas/queries.py: _apply_sort), read backwards for DESC (migration 0012).
        Index("ix_ideas_newest", "published_at", "id"),
        Index("ix_ideas_most_supported", "support_count", "published_at", "id"),
        Index("ix_ideas_most_discussed", "comment_count", "published_at", "id"),
        # The listed ideas (ideas/queries.py: is_listed, the same words, or the planner passes it by),
        # read index-only where a count stops early: the action fields' counts (migration 0038).
        # PostgreSQL's only: SQLite looks each idea up by its rowid, as cheap as reading this.
        Index("ix_ideas_listed", "id", postgresql_where=text(LISTED)).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    benefit: Mapped[str] = mapped_column(Text)
    challenges: Mapped[str] = mapped_column(Text)
    partners: Mapped[str] = mapped_column(Text, default="")
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Stored counters, changed in the same transaction as the rows they count.
    support_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    comment_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    # Grows with every support and comment of this idea: the version of its own cached page (app/cache/).
    page_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_cause: Mapped[str | None] = mapped_column(String(20))
    # Set when the idea was merged into another one (status "merged").
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    # Set when the steering committee imported the idea into the portfolio (status "in_portfolio").
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    # Stemmed words of every text field (app/search.py); indexed by FTS5 / GIN.
    search_document: Mapped[str] = mapped_column(Text, default="")
    # Taken down on someone's behalf (app/capture): by whom (the author until the person claims the
    # idea), in which role and when, at which event, and the author's name as the person chose it.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    entered_role: Mapped[str | None] = mapped_column(String(20))
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    author_label: Mapped[str] = mapped_column(String(AUTHOR_LABEL_MAX), default="", server_default="")

    municipality: Mapped[Municipality] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    meeting: Mapped[Meeting | None] = relationship()
    merged_into: Mapped[Idea | None] = relationship(remote_side="Idea.id")
    project: Mapped[Project | None] = relationship(back_populates="ideas")
    action_fields: Mapped[list[ActionField]] = relationship(
        secondary=idea_action_fields, order_by="ActionField.position"
    )
    state_changes: Mapped[list[IdeaStateChange]] = relationship(
        back_populates="idea", order_by="IdeaStateChange.id", cascade="all, delete-orphan"
    )
    images: Mapped[list[IdeaImage]] = relationship(
        back_populates="idea", order_by="IdeaImage.position", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def public_author(self) -> str:
        """The author's name as the idea shows it: for an idea taken down for someone (until they
        claim it), the name they chose; else the account's public name."""
        return self.author_label or self.author.public_name

    @property
    def by_organisation(self) -> bool:
        return not self.author_label and self.author.is_organisation

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.status}>"


PROJECT_LINKED, PROJECT_UNLINKED = "linked", "unlinked"


class IdeaStateChange(Base):
    """Every change of an idea's state: who, when, why. An entry with `project_link` records
    instead that the moderation linked the idea to a portfolio project (`project_id`) or removed
    the link; the state stays as it was (from_status == to_status)."""

    __tablename__ = "idea_state_changes"
    __table_args__ = (CheckConstraint(f"project_link IN {(PROJECT_LINKED, PROJECT_UNLINKED)!r}", name="project_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    project_link: Mapped[str | None] = mapped_column(String(10))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    # Set when the moderation moved the idea to other action fields or another town (the state
    # stays): its action fields and town before, by name ("Mobilität, Bildung · Dülmen").
    moved_from: Mapped[str | None] = mapped_column(String(MOVED_FROM_MAX))

    idea: Mapped[Idea] = relationship(back_populates="state_changes")
    actor: Mapped[User | None] = relationship()
    project: Mapped[Project | None] = relationship()


IMAGE_ALT_MAX = 300


class IdeaImage(Base):
    """A picture on an idea (at most three), with its alternative text. The files live outside the
    database (UPLOAD_DIR), re-encoded in a few widths under a random key (app/ideas/images.py)."""

    __tablename__ = "idea_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    alt_text: Mapped[str] = mapped_column(String(IMAGE_ALT_MAX))
    file_key: Mapped[str] = mapped_column(String(32), unique=True)
    # The widths stored, e.g. "480,960,1600", and the largest one's size (for width/height on <img>).
    widths: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(back_populates="images")

    @property
    def available_widths(self) -> list[int]:
        return [int(w) for w in self.widths.split(",") if w]


class IdeaClaim(Base):
    """The link that lets the person an idea was taken down for claim it into an account
    (app/capture). The address is kept only until the idea is claimed or the link expires
    (IDEA_CLAIM_DAYS, app/retention.py); the person's consent to the mail is recorded."""

    __tablename__ = "idea_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    idea: Mapped[Idea] = relationship()

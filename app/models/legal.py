"""The legal frame: versioned legal texts, consents given at sign-up, and reported barriers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.user import User

IMPRESSUM = "impressum"
PRIVACY = "datenschutz"
TERMS = "nutzungsbedingungen"
ACCESSIBILITY = "barrierefreiheit"
DOCUMENTS = (IMPRESSUM, PRIVACY, TERMS, ACCESSIBILITY)

LEGAL_TEXT_MAX = 50_000
BARRIER_TEXT_MAX = 5_000


class LegalText(Base):
    """One version of a legal text. The newest is shown; older ones stay (what someone accepted)."""

    __tablename__ = "legal_texts"
    __table_args__ = (UniqueConstraint("document", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    # A material change of the Nutzungsbedingungen: signed-in people accept it before they contribute.
    is_material: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class Consent(Base):
    """A person accepted (terms) or was shown (privacy notice) a version of a legal text."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_user_document", "user_id", "document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BarrierReport(Base):
    """"Barriere melden" (BITV 2.0 §7): anyone may report a barrier, with or without an account."""

    __tablename__ = "barrier_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Site-wide bookkeeping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class ContentVersion(Base):
    """One row. Its number grows in the same transaction as every change to public content.

    Cached pages are stored under this number (app/cache/), so a cached page
    can never outlive the data it shows.
    """

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)


SITE_TEXT_MAX = 3000


class SiteText(Base):
    """A text of the site the administration writes (app/reference.py SITE_TEXTS names the keys and
    their defaults): the start page's introduction, the strategy's vision, "Wie geht es weiter?",
    what each priority group means. Markdown, shown sanitised; an empty text is not shown."""

    __tablename__ = "site_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

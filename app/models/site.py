"""Site-wide bookkeeping."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ContentVersion(Base):
    """One row. Its number grows in the same transaction as every change to public content.

    Cached pages are stored under this number (app/cache/), so a cached page
    can never outlive the data it shows.
    """

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)

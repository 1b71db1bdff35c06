"""Self-service under the DSGVO: a person's download of their data (Art. 15/20).

Deleting an account (Art. 17) needs no table of its own: the account's row stays as an empty
tombstone (users.deleted_at) so that kept contributions can say "gelöschtes Konto".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class DataExport(Base):
    """A requested download of one person's data. The worker builds the ZIP file (file_name, under
    EXPORT_DIR); the owner may download it until expires_at or until they delete it."""

    __tablename__ = "data_exports"
    __table_args__ = (Index("ix_data_exports_due", "ready_at", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker claims a request for a while (a lease), as with the mail queue.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A random name, so the file's name tells nothing about whose it is.
    file_name: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None and self.file_name is not None

    def __repr__(self) -> str:
        return f"<DataExport {self.id}>"

"""The mail queue: every outgoing mail is a row, written in the transaction of the change that
causes it and delivered by the background worker (`flask worker`, app/mail.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow

SUBJECT_MAX = 200
ERROR_MAX = 500


class OutgoingMail(Base):
    __tablename__ = "mail_queue"
    __table_args__ = (Index("ix_mail_queue_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers, e.g. List-Unsubscribe (RFC 8058) for notification mails.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # Fixed when queued, so a mail that is delivered twice after a crash can be recognised.
    message_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    # A worker claims a batch for a while (a lease); another worker may take it over once it expired.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After MAX_ATTEMPTS the worker stops trying; the row stays for `flask mail retry`.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id}>"

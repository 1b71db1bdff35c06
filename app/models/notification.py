"""Notifications: events (a transactional outbox), each person's notifications, their settings, and news.

A service records a NotificationEvent in the transaction of the change; the worker fans it out
into Notification rows (app/notifications/fanout.py) and mails them as each person chose.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.user import User

CHANNEL_IMMEDIATE = "immediate"
CHANNEL_DAILY = "daily"
CHANNEL_WEEKLY = "weekly"
CHANNEL_OFF = "off"
CHANNELS = (CHANNEL_IMMEDIATE, CHANNEL_DAILY, CHANNEL_WEEKLY, CHANNEL_OFF)

ANNOUNCEMENT_TITLE_MAX = 150
ANNOUNCEMENT_BODY_MAX = 5000


class NotificationEvent(Base):
    """Something happened that people may hear about. Written with the change; fanned out once."""

    __tablename__ = "notification_events"
    __table_args__ = (
        Index("ix_notification_events_due", "processed_at", "id"),
        # Periodic events (the staff's daily summary) are recorded once per key, however many workers run.
        UniqueConstraint("kind", "once_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    once_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set in the transaction that fans the event out (rows locked with SKIP LOCKED: one worker each).
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """What one person is told, in the app and by mail. A burst of events of one kind on one idea
    updates the same row (count, updated_at) until it is read or mailed (app/notifications/fanout.py)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_burst", "user_id", "kind", "idea_id", "read_at"),
        Index("ix_notifications_mail", "channel", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # Which setting decides the mail, e.g. "own.state" or "followed.comment" (app/notifications/kinds.py).
    setting: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("notification_events.id", ondelete="SET NULL"))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set in the transaction that queues its mail (alone or in a digest); never set for channel "off".
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class NotificationSetting(Base):
    """A person's choice for one kind of notification; without a row the default applies."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    setting: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))


class Announcement(Base):
    """News from the district's staff ("Neuigkeiten"): a workshop date, the committee's decisions."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(ANNOUNCEMENT_TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    author: Mapped[User | None] = relationship()

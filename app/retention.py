"""Retention: the worker deletes what is no longer needed, after the periods in the configuration.

| what                               | after                          | setting                          |
|------------------------------------|--------------------------------|----------------------------------|
| accounts never confirmed           | 7 days                         | RETAIN_UNCONFIRMED_DAYS          |
| signed-in browsers not used        | the session lifetime (14 days) | PERMANENT_SESSION_LIFETIME       |
| pending staff log-ins              | 10 minutes                     | (app/auth/sessions.py)           |
| delivered or given-up mail         | 30 days                        | RETAIN_MAIL_DAYS                 |
| fanned-out notification events     | 30 days                        | RETAIN_EVENTS_DAYS               |
| read notifications                 | 180 days                       | RETAIN_NOTIFICATIONS_DAYS        |
| "Meine Daten" downloads (the files) | 7 days after they are ready   | RETAIN_EXPORT_DAYS               |
| picture files without their row    | 1 hour (a removed picture or idea) | (app/ideas/images.py)        |
| an unclaimed claim link's address  | 30 days (the link expires then) | IDEA_CLAIM_DAYS                |

Each step is one DELETE (the downloads' files are removed first), safe to run on several workers at once (a row deleted twice is
deleted once). docs/privacy.md lists the same periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, exists, or_

from app.auth.sessions import PENDING_MAX_AGE
from app.capture import services as capture
from app.database import rows_changed
from app.extensions import db
from app.ideas import images
from app.models import AuthSession, Comment, Idea, Notification, NotificationEvent, OutgoingMail, PendingLogin, User, utcnow
from app.privacy import services as privacy
from app.reports import requests as report_requests


@dataclass
class Removed:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def apply_retention(now=None) -> Removed:
    """The worker's task: delete everything past its period. Commits."""
    now = now or utcnow()
    config = current_app.config
    removed = Removed()

    def days(setting: str) -> timedelta:
        return timedelta(days=config[setting])

    def run(name: str, statement) -> None:
        removed.counts[name] = rows_changed(statement.execution_options(synchronize_session=False))

    run("unconfirmed accounts", delete(User).where(
        User.confirmed_at.is_(None),
        User.deleted_at.is_(None),  # a deleted account's tombstone stays: a moderator's scores hang on it
        User.created_at < now - days("RETAIN_UNCONFIRMED_DAYS"),
        ~exists().where(Idea.author_id == User.id),  # cannot happen (writing needs a confirmed address); never lose content
        ~exists().where(Comment.author_id == User.id),
    ))
    run("idle sessions", delete(AuthSession).where(AuthSession.last_seen_at < now - config["PERMANENT_SESSION_LIFETIME"]))
    run("pending log-ins", delete(PendingLogin).where(PendingLogin.created_at < now - PENDING_MAX_AGE))
    run("mail", delete(OutgoingMail).where(
        or_(OutgoingMail.sent_at < now - days("RETAIN_MAIL_DAYS"), OutgoingMail.failed_at < now - days("RETAIN_MAIL_DAYS"))
    ))
    run("notifications", delete(Notification).where(Notification.read_at < now - days("RETAIN_NOTIFICATIONS_DAYS")))
    run("notification events", delete(NotificationEvent).where(NotificationEvent.processed_at < now - days("RETAIN_EVENTS_DAYS")))
    removed.counts["data exports"] = privacy.remove_expired(now)
    removed.counts["reports"] = report_requests.remove_expired(now)
    removed.counts["picture files"] = images.remove_orphans()
    removed.counts["expired claim links"] = capture.expire_claims(now)
    db.session.commit()
    return removed

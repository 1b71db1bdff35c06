"""Reading notifications, choosing settings, publishing news, and the staff's daily summary.
Functions flush, never commit (the worker's tasks commit)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update

from app import audit, events
from app.database import rows_changed
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import Announcement, Idea, Notification, OfficialAnswer, Report, User, utcnow
from app.models.idea import IN_REVIEW, PUBLISHED
from app.models.notification import ANNOUNCEMENT_BODY_MAX, ANNOUNCEMENT_TITLE_MAX, CHANNELS
from app.models.participation import REPORT_OPEN
from app.models.user import ROLE_ADMIN, ROLE_MODERATOR
from app.notifications import kinds, mails
from app.notifications.fanout import recount_unread
from app.notifications.mails import digest_cutoff
from app.pagination import Page, paginate
from app.security import one_line

PER_PAGE = 30


def notifications_of(user: User, page: int) -> Page[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id).order_by(Notification.updated_at.desc(), Notification.id.desc())
    return paginate(stmt, page, PER_PAGE)


def own_notification(user: User, notification_id: int) -> Notification | None:
    n = db.session.get(Notification, notification_id)
    return n if n is not None and n.user_id == user.id else None


def mark_read(user: User, notification: Notification) -> None:
    if notification.user_id != user.id:
        raise NotAllowed()
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
        recount_unread(User.id == user.id)


def mark_all_read(user: User) -> int:
    count = rows_changed(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow())
    )
    recount_unread(User.id == user.id)
    return count


def settings_of(user: User) -> list[tuple[kinds.Setting, str]]:
    return [(s, mails.current_channel(user, s.key)) for s in kinds.SETTINGS if not s.staff_only or user.has_role(ROLE_MODERATOR)]


def save_settings(user: User, chosen: dict[str, str]) -> None:
    for setting, _current in settings_of(user):
        channel = chosen.get(setting.key)
        if channel not in CHANNELS:
            raise InvalidInput(_l("Please choose one of the options."))
        mails.set_channel(user, setting.key, channel)
    db.session.flush()


# News ----------------------------------------------------------------------------------

def publish_announcement(actor: User, title: str, body: str) -> Announcement:
    if not actor.has_role(ROLE_MODERATOR, ROLE_ADMIN):
        raise NotAllowed()
    title, body = one_line(title or ""), (body or "").strip()
    if not title or len(title) > ANNOUNCEMENT_TITLE_MAX:
        raise InvalidInput(_l("Please give the news a title (at most 150 characters)."))
    if not body or len(body) > ANNOUNCEMENT_BODY_MAX:
        raise InvalidInput(_l("Please write the news (at most 5,000 characters)."))
    news = Announcement(title=title, body=body, author_id=actor.id)
    db.session.add(news)
    db.session.flush()
    events.record(kinds.NEWS, actor=actor, announcement_id=news.id)
    audit.record(actor, "news.publish", "announcement", news.id, after={"title": title})
    return news


def latest_announcements(limit: int) -> list[Announcement]:
    return list(db.session.scalars(select(Announcement).order_by(Announcement.published_at.desc(), Announcement.id.desc()).limit(limit)))


# The staff's daily summary --------------------------------------------------------------

def record_staff_summary(now: datetime | None = None) -> bool:
    """The worker's task: once per day (at the digest hour), an event with the moderation queue's figures. Commits."""
    now = now or utcnow()
    cutoff = digest_cutoff("daily", now)
    days = current_app.config["NOTIFY_ANSWER_WAITING_DAYS"]
    new_ideas = db.session.scalar(
        select(func.count(Idea.id)).where(Idea.published_at >= cutoff - timedelta(days=1), Idea.published_at < cutoff)
    )
    open_reports = db.session.scalar(select(func.count(Report.id)).where(Report.status == REPORT_OPEN))
    waiting = db.session.scalar(
        select(func.count(Idea.id)).where(
            Idea.status.in_((PUBLISHED, IN_REVIEW)),
            Idea.is_hidden.is_(False),
            Idea.published_at < now - timedelta(days=days),
            ~exists().where(OfficialAnswer.idea_id == Idea.id),
        )
    )
    created = events.record_once(
        kinds.STAFF_SUMMARY, cutoff.date().isoformat(), new_ideas=new_ideas, open_reports=open_reports, waiting=waiting, days=days
    )
    db.session.commit()
    return created



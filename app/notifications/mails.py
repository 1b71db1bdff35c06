"""The worker mails notifications as each person chose: at once, or in a daily or weekly digest.

Each mail is queued (app/mail.py) in the same transaction that marks its notifications mailed,
so a notification is mailed exactly once however many workers run: its rows are locked with
FOR UPDATE SKIP LOCKED on PostgreSQL, and SQLite's write lock serialises the workers.

Only confirmed, unblocked addresses get mail, and only for notifications made after the address
was confirmed. Every mail says why it was sent, links to the settings, and carries one-click
unsubscribe (RFC 8058: List-Unsubscribe and List-Unsubscribe-Post) that needs no log-in.

Digests go out at DIGEST_HOUR (Europe/Berlin): the daily one every day, the weekly one on
Mondays, each with what arrived before that moment and was not mailed yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from app.database import skip_locked
from app.extensions import db
from app.mail import queue_mail
from app.models import Idea, Notification, NotificationSetting, User, utcnow
from app.models.notification import CHANNEL_DAILY, CHANNEL_IMMEDIATE, CHANNEL_OFF, CHANNEL_WEEKLY
from app.notifications import kinds
from app.notifications.messages import describe_for_mail
from app.templating import local_time
from app.urls import absolute_url, link_context

DIGEST_HOUR = 7
BATCH = 100
UNSUBSCRIBE_SALT = "notification-unsubscribe"


def _mailable():
    """Notifications whose person may get mail now."""
    return and_(
        Notification.user_id == User.id,
        User.confirmed_at.is_not(None),
        User.is_blocked.is_(False),
        Notification.created_at >= User.confirmed_at,
        Notification.mailed_at.is_(None),
    )


def mail_immediate(limit: int = BATCH, now: datetime | None = None) -> int:
    """The worker's task: the notifications people want at once, one mail per person and idea.

    A notification about an idea waits until nothing new has come for that person and idea for
    NOTIFY_BUNDLE_SECONDS: a moderator's session (a state, an answer) reaches the author as one
    mail. Others (news, a project, the staff summary) go alone. Returns how many notifications
    were mailed. Commits."""
    settled = (now or utcnow()) - timedelta(seconds=current_app.config["NOTIFY_BUNDLE_SECONDS"])
    newer = aliased(Notification)
    still_coming = (
        select(newer.id)
        .where(newer.user_id == Notification.user_id, newer.idea_id == Notification.idea_id,
               newer.channel == CHANNEL_IMMEDIATE, newer.mailed_at.is_(None), newer.updated_at > settled)
        .exists()
    )
    rows = db.session.execute(
        skip_locked(
            select(Notification, User)
            .join(User, User.id == Notification.user_id)
            .where(_mailable(), Notification.channel == CHANNEL_IMMEDIATE, Notification.updated_at <= settled, ~still_coming)
            .order_by(Notification.id)
            .limit(limit),
            of=Notification,
        )
    ).all()
    bundles: dict[tuple[int, int], tuple[User, list[Notification]]] = {}
    for notification, user in rows:
        key = (user.id, notification.idea_id) if notification.idea_id else (user.id, -notification.id)
        bundles.setdefault(key, (user, []))[1].append(notification)
    with link_context():
        for user, notifications in bundles.values():
            _queue(user, notifications, notifications[0].setting)
    db.session.commit()
    return len(rows)


def digest_cutoff(channel: str, now: datetime) -> datetime:
    """The latest digest moment at or before `now` (07:00 in the platform's time zone, Europe/Berlin;
    Mondays for the weekly one)."""
    local = local_time(now)
    moment = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)
    if channel == CHANNEL_WEEKLY:
        moment -= timedelta(days=moment.weekday())
    return moment


def mail_digests(now: datetime | None = None, limit: int = BATCH) -> int:
    """The worker's task: the daily and weekly digests that are due. Commits after each person."""
    now = now or utcnow()
    sent = 0
    for channel in (CHANNEL_DAILY, CHANNEL_WEEKLY):
        cutoff = digest_cutoff(channel, now)
        due = and_(_mailable(), Notification.channel == channel, Notification.created_at < cutoff)
        people = db.session.scalars(select(User.id).join(Notification, Notification.user_id == User.id).where(due).distinct().limit(limit)).all()
        for user_id in people:
            user = db.session.scalar(skip_locked(select(User).where(User.id == user_id)))
            notifications = list(db.session.scalars(select(Notification).where(due, Notification.user_id == user_id).order_by(Notification.id))) if user else []
            if notifications:
                with link_context():
                    _queue(user, notifications, None, channel=channel)
                sent += 1
            db.session.commit()
    return sent


def _queue(user: User, notifications: list[Notification], setting: str | None, channel: str = CHANNEL_IMMEDIATE) -> None:
    messages = [describe_for_mail(n) for n in notifications]
    unsubscribe_setting = setting or notifications[0].setting
    what = unsubscribe_setting if channel == CHANNEL_IMMEDIATE else f"digest.{channel}"
    unsubscribe = absolute_url("notifications.unsubscribe", token=unsubscribe_token(user, what))
    settings = absolute_url("notifications.settings")
    # A bundle about one idea names each setting it comes from, each with its own way out.
    unsubscribe_links = []
    if channel == CHANNEL_IMMEDIATE:
        for key in dict.fromkeys(n.setting for n in notifications):
            link = unsubscribe if key == unsubscribe_setting else absolute_url("notifications.unsubscribe", token=unsubscribe_token(user, key))
            unsubscribe_links.append((kinds.BY_KEY[key].label, link))
    if channel == CHANNEL_IMMEDIATE and len(messages) > 1:
        idea = db.session.get(Idea, notifications[0].idea_id)
        title = idea.title if idea else ""
        subject = (_("News about your idea “%(title)s”", title=title) if unsubscribe_setting.startswith("own.")
                   else _("News about the idea “%(title)s”", title=title))
    elif channel == CHANNEL_IMMEDIATE:
        subject = messages[0].text.removesuffix(".")  # a sentence as a subject, without its full stop
    elif channel == CHANNEL_DAILY:
        subject = _("Your daily summary from the Coesfeld 12.0 idea platform")
    else:
        subject = _("Your weekly summary from the Coesfeld 12.0 idea platform")
    subject = subject if len(subject) <= 120 else subject[:117] + "…"
    context = {"messages": messages, "channel": channel, "unsubscribe": unsubscribe, "settings": settings,
               "unsubscribe_links": unsubscribe_links}
    queue_mail(
        user.email,
        subject,
        render_template("notifications/mail.txt", **context),
        html=render_template("notifications/mail.html", **context),
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    now = utcnow()
    for notification in notifications:
        notification.mailed_at = now


# One-click unsubscribe ------------------------------------------------------------------

def unsubscribe_token(user: User, what: str) -> str:
    """`what` is a setting ("own.comment") or a digest ("digest.daily"). No expiry: old mails keep working."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps({"uid": user.id, "s": what})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int) or not isinstance(data.get("s"), str):
        return None
    return data["uid"], data["s"]


def unsubscribe(user: User, what: str) -> list[str]:
    """No more mail for this setting (or for every setting that uses this digest). Returns the settings changed. Flushes."""
    if what.startswith("digest."):
        channel = what.removeprefix("digest.")
        keys = [s.key for s in kinds.SETTINGS if current_channel(user, s.key) == channel]
    else:
        keys = [what] if what in kinds.BY_KEY else []
    for key in keys:
        set_channel(user, key, CHANNEL_OFF)
    db.session.flush()
    return keys


def current_channel(user: User, key: str) -> str:
    chosen = db.session.get(NotificationSetting, (user.id, key))
    return chosen.channel if chosen else kinds.BY_KEY[key].default


def set_channel(user: User, key: str, channel: str) -> None:
    row = db.session.get(NotificationSetting, (user.id, key))
    if row is None:
        db.session.add(NotificationSetting(user_id=user.id, setting=key, channel=channel))
    else:
        row.channel = channel

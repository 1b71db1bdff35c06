"""The worker's fan-out: each recorded event becomes notifications for the people who should hear of it.

Who hears of what:
- a change of state or an official answer: everyone who follows the idea (authors, supporters
  and commenters follow automatically; anyone can follow or unfollow);
- a new comment: the idea's author; a reply: the author of the comment it answers;
- a hidden or restored idea or comment: its author;
- a project's new status: the followers of every idea that became part of it;
- news: those who opted in; the staff's daily summary: the moderators.
The person who acted never hears of their own action, and blocked accounts hear nothing.

Everything is set-based SQL (INSERT … SELECT, UPDATE … WHERE user_id IN (SELECT …)), so one
event for 10,000 followers costs a few statements and bounded memory (bench/notifications.py).

Bursts: an unread notification of comments (or replies) on the same idea takes the next one
(its count grows, it points at the newest comment) while it has not been mailed, or was
mailed less than BURST_WINDOW ago. So 30 comments in an hour give one notification and one mail
for someone who gets mail at once, and one line in the digest for someone who gets a digest.

Events are locked with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite's write lock serialises
workers) and marked processed in the same transaction as their notifications: each event is
fanned out exactly once, however many workers run.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Integer, String, and_, case, func, literal, or_, select, update
from sqlalchemy import insert as sql_insert
from sqlalchemy.types import JSON

from app.database import skip_locked
from app.extensions import db
from app.models import (
    Comment,
    Follow,
    Idea,
    Notification,
    NotificationEvent,
    NotificationSetting,
    ProjectFollow,
    User,
    UserRole,
    utcnow,
)
from app.models.base import UTCDateTime
from app.models.meeting import Meeting, placed_user_ids
from app.models.notification import CHANNEL_OFF
from app.models.user import ROLE_MODERATOR
from app.notifications import kinds

BURST_WINDOW = timedelta(hours=1)
BATCH = 50
# Comments come in bursts; a change of state or an answer is news each time and is never folded in.
BURSTING = frozenset({kinds.COMMENT_NEW, kinds.COMMENT_REPLY})


def fan_out_events(limit: int = BATCH) -> int:
    """The worker's task: fan out up to `limit` events; commits. Returns how many."""
    due = select(NotificationEvent).where(NotificationEvent.processed_at.is_(None)).order_by(NotificationEvent.id).limit(limit)
    events = list(db.session.scalars(skip_locked(due)))
    for event in events:
        fan_out(event)
        event.processed_at = utcnow()
    db.session.commit()
    return len(events)


def fan_out(event: NotificationEvent) -> None:
    """Create (or grow) the notifications of one event. Flushes, does not commit."""
    now = utcnow()
    for kind, recipients in _recipients(event):
        recipients = recipients.where(User.is_blocked.is_(False))
        if event.actor_id is not None:
            recipients = recipients.where(User.id != event.actor_id)
        _deliver(event, kind, recipients.subquery("recipients"), now)
    affected = select(Notification.user_id).where(Notification.event_id == event.id)
    recount_unread(User.id.in_(affected))


def recount_unread(condition) -> None:
    """Set users.unread_notifications to the exact count for the users matching `condition`."""
    unread = select(func.count(Notification.id)).where(Notification.user_id == User.id, Notification.read_at.is_(None))
    db.session.execute(
        update(User).where(condition).values(unread_notifications=unread.scalar_subquery()).execution_options(synchronize_session=False)
    )


def _deliver(event: NotificationEvent, kind: str, recipients, now) -> None:
    if event.idea_id is not None and kind in BURSTING:
        db.session.execute(
            update(Notification)
            .where(
                Notification.kind == kind,
                Notification.idea_id == event.idea_id,
                Notification.read_at.is_(None),
                or_(Notification.mailed_at.is_(None), Notification.updated_at > now - BURST_WINDOW),
                Notification.user_id.in_(select(recipients.c.user_id)),
            )
            .values(count=Notification.count + 1, updated_at=now, event_id=event.id, comment_id=event.comment_id, data=event.data)
            .execution_options(synchronize_session=False)
        )
    chosen = (
        select(NotificationSetting.channel)
        .where(NotificationSetting.user_id == recipients.c.user_id, NotificationSetting.setting == recipients.c.setting)
        .scalar_subquery()
    )
    default = case(*[(recipients.c.setting == s.key, s.default) for s in kinds.SETTINGS], else_=CHANNEL_OFF)
    grown = select(Notification.id).where(Notification.event_id == event.id, Notification.user_id == recipients.c.user_id, Notification.kind == kind)
    columns = ["user_id", "kind", "setting", "channel", "event_id", "idea_id", "comment_id", "project_id", "announcement_id",
               "data", "count", "created_at", "updated_at"]
    rows = select(
        recipients.c.user_id,
        literal(kind, String),
        recipients.c.setting,
        func.coalesce(chosen, default),
        literal(event.id, Integer),
        literal(event.idea_id, Integer),
        literal(event.comment_id, Integer),
        literal(event.project_id, Integer),
        literal(event.announcement_id, Integer),
        literal(event.data, JSON),
        literal(1, Integer),
        literal(now, UTCDateTime),
        literal(now, UTCDateTime),
    ).where(~grown.exists())
    db.session.execute(sql_insert(Notification).from_select(columns, rows))


def _own_or_followed(kind: str, author_id):
    return case((Follow.user_id == author_id, kinds.setting_for(kind, own=True)), else_=kinds.setting_for(kind, own=False))


def _project_followers(project_id: int | None):
    return (
        select(User.id.label("user_id"), literal(kinds.FOLLOWED_PROJECT, String).label("setting"))
        .join(ProjectFollow, ProjectFollow.user_id == User.id)
        .where(ProjectFollow.project_id == project_id)
    )


def _recipients(event: NotificationEvent):
    """(kind, SELECT user_id, setting FROM users …) for each group of recipients of the event."""
    kind = event.kind
    if kind in (kinds.IDEA_STATE, kinds.IDEA_ANSWER):
        author_id = select(Idea.author_id).where(Idea.id == event.idea_id).scalar_subquery()
        yield kind, (
            select(User.id.label("user_id"), _own_or_followed(kind, author_id).label("setting"))
            .join(Follow, Follow.user_id == User.id)
            .where(Follow.idea_id == event.idea_id)
        )
    elif kind == kinds.COMMENT_NEW:
        comment = db.session.get(Comment, event.comment_id)
        if comment is None:
            return
        idea_author = select(Idea.author_id).where(Idea.id == comment.idea_id).scalar_subquery()
        follows_idea = select(Follow.user_id).where(Follow.idea_id == comment.idea_id, Follow.user_id == User.id).exists()
        yield kinds.COMMENT_NEW, (
            select(User.id.label("user_id"), literal("own.comment", String).label("setting")).where(User.id == idea_author, follows_idea)
        )
        if comment.parent_id is not None:
            parent_author = select(Comment.author_id).where(Comment.id == comment.parent_id).scalar_subquery()
            yield kinds.COMMENT_REPLY, (
                select(User.id.label("user_id"), literal("own.comment", String).label("setting"))
                # A project's comment has no idea author: the reply's parent author hears of it anyway.
                .where(User.id == parent_author, User.id != func.coalesce(idea_author, 0))
            )
    elif kind in (kinds.ITEM_HIDDEN, kinds.ITEM_RESTORED):
        model, ident = (Comment, event.comment_id) if event.comment_id is not None else (Idea, event.idea_id)
        author = select(model.author_id).where(model.id == ident).scalar_subquery()
        yield kind, select(User.id.label("user_id"), literal("own.moderation", String).label("setting")).where(User.id == author)
    elif kind == kinds.PROJECT_STATUS:
        is_author = func.max(case((Idea.author_id == Follow.user_id, 1), else_=0))
        yield kind, (
            select(User.id.label("user_id"), case((is_author == 1, "own.state"), else_="followed.state").label("setting"))
            .join(Follow, Follow.user_id == User.id)
            .join(Idea, Idea.id == Follow.idea_id)
            .where(Idea.project_id == event.project_id)
            .group_by(User.id)
        )
        # The project's own followers, once: those who follow one of its ideas heard above.
        follows_an_idea = (
            select(Follow.user_id).join(Idea, Idea.id == Follow.idea_id)
            .where(Follow.user_id == User.id, Idea.project_id == event.project_id).exists()
        )
        yield kind, _project_followers(event.project_id).where(~follows_an_idea)
    elif kind in (kinds.PROJECT_CONTRIBUTION, kinds.PROJECT_UPDATE, kinds.PROJECT_MILESTONE):
        yield kind, _project_followers(event.project_id)
    elif kind == kinds.NEWS:
        opted_in = select(NotificationSetting.user_id).where(
            NotificationSetting.user_id == User.id, NotificationSetting.setting == kinds.NEWS, NotificationSetting.channel != CHANNEL_OFF
        ).exists()
        yield kind, select(User.id.label("user_id"), literal(kinds.NEWS, String).label("setting")).where(opted_in, User.confirmed_at.is_not(None))
    elif kind == kinds.STAFF_SUMMARY:
        moderator = select(UserRole.user_id).where(and_(UserRole.user_id == User.id, UserRole.role == ROLE_MODERATOR)).exists()
        yield kind, select(User.id.label("user_id"), literal(kinds.STAFF_SUMMARY, String).label("setting")).where(moderator)
    elif kind == kinds.MEETING_PLACE:
        moved_up = (event.data or {}).get("user")
        yield kind, select(User.id.label("user_id"), literal("own.meeting", String).label("setting")).where(User.id == moved_up)
    elif kind == kinds.MEETING_REMINDER:
        meeting = db.session.get(Meeting, (event.data or {}).get("meeting"))
        if meeting is None:
            return
        # Those with a place: the first `capacity` sign-ups (those waiting hear nothing yet).
        placed = placed_user_ids(meeting).subquery()
        yield kind, select(User.id.label("user_id"), literal("own.meeting", String).label("setting")).where(User.id.in_(select(placed.c.user_id)))

"""Recording events: services call these in the transaction of the change (a transactional outbox).

If the change rolls back, the event goes with it; if it commits, the worker fans it out
(app/notifications/fanout.py). Nothing here decides who hears of it. This module sits below the
areas (docs/architecture.md): ideas, portfolio, participation and moderation record events
without importing the notifications area, which reads them.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Comment, Idea, Milestone, NotificationEvent, Project, User
from app.models.idea import CANDIDATE, DECLINED, IN_PORTFOLIO, IN_REVIEW, MERGED, SHORTLISTED, WITHDRAWN

# Event kinds (NotificationEvent.kind and Notification.kind); app/notifications/py says
# what people may choose for each.
IDEA_STATE = "idea.state"
IDEA_ANSWER = "idea.answer"
COMMENT_NEW = "comment.new"
COMMENT_REPLY = "comment.reply"
ITEM_HIDDEN = "item.hidden"
ITEM_RESTORED = "item.restored"
PROJECT_STATUS = "project.status"
PROJECT_CONTRIBUTION = "project.contribution"
PROJECT_UPDATE = "project.update"
PROJECT_MILESTONE = "project.milestone"
NEWS = "news"
STAFF_SUMMARY = "staff.summary"
MEETING_REMINDER = "meeting.reminder"
MEETING_PLACE = "meeting.place"  # someone moved up from an event's waiting list

# The changes of state people hear about (not drafting or publishing, which only the author does).
ANNOUNCED_STATES = frozenset({IN_REVIEW, DECLINED, CANDIDATE, SHORTLISTED, IN_PORTFOLIO, MERGED, WITHDRAWN})


def record(kind: str, *, actor: User | None = None, idea: Idea | None = None, comment: Comment | None = None,
           project: Project | None = None, announcement_id: int | None = None, **data) -> NotificationEvent:
    event = NotificationEvent(
        kind=kind,
        actor_id=actor.id if actor is not None else None,
        idea_id=idea.id if idea is not None else (comment.idea_id if comment is not None else None),
        comment_id=comment.id if comment is not None else None,
        project_id=project.id if project is not None else (comment.project_id if comment is not None else None),
        announcement_id=announcement_id,
        data=data or None,
    )
    db.session.add(event)
    return event


def record_once(kind: str, once_key: str, **data) -> bool:
    """An event that may exist once per key (a daily summary), however many workers try. True if new."""
    try:
        with db.session.begin_nested():
            db.session.add(NotificationEvent(kind=kind, once_key=once_key, data=data or None))
    except IntegrityError:
        return False
    return True


def state_changed(idea: Idea, from_status: str | None, to_status: str, actor: User | None, reason: str) -> None:
    if to_status in ANNOUNCED_STATES:
        record(IDEA_STATE, actor=actor, idea=idea, to=to_status, previous=from_status, reason=reason or None)


def answered(idea: Idea, actor: User, version: int) -> None:
    record(IDEA_ANSWER, actor=actor, idea=idea, version=version)


def commented(comment: Comment, actor: User) -> None:
    record(COMMENT_NEW, actor=actor, comment=comment)


def hidden(item: Idea | Comment, cause: str) -> None:
    _visibility(ITEM_HIDDEN, item, cause=cause)


def restored(item: Idea | Comment) -> None:
    _visibility(ITEM_RESTORED, item)


def _visibility(kind: str, item: Idea | Comment, **data) -> None:
    if isinstance(item, Comment):
        record(kind, comment=item, **data)
    else:
        record(kind, idea=item, **data)


def project_status_changed(project: Project, from_status: str | None, to_status: str, actor: User | None, reason: str) -> None:
    record(PROJECT_STATUS, actor=actor, project=project, to=to_status, previous=from_status, reason=reason or None)


def project_took_contribution(project: Project, idea: Idea, actor: User | None) -> None:
    record(PROJECT_CONTRIBUTION, actor=actor, project=project, idea=idea)


def project_next_steps_changed(project: Project, actor: User | None) -> None:
    record(PROJECT_UPDATE, actor=actor, project=project)


def project_milestone(project: Project, milestone: Milestone, actor: User | None) -> None:
    """A new milestone, or one just done."""
    record(PROJECT_MILESTONE, actor=actor, project=project, milestone=milestone.title, done=milestone.done_on is not None)

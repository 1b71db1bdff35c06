"""Participation rules. Functions flush, never commit; the view commits once.

Counters on the idea (support_count, comment_count) are changed with an SQL
expression (`count = count + 1`) in the same transaction as the row they count,
so concurrent requests can never lose an update. One support per account and
idea, and one report per account and item, are unique constraints: a second
insert does nothing (ON CONFLICT DO NOTHING, app/database.insert_unless_exists) and is reported
as "already done".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import BindParameter, Select, Table, bindparam, delete, func, literal_column, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import ReturningInsert

from app import cache
from app import events as notification_events
from app.database import InsertUnlessExists, insert_unless_exists, rows_changed
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.ideas import states
from app.models import Comment, Follow, Idea, Project, ProjectFollow, Report, Support, User, utcnow
from app.models.base import UTCDateTime
from app.models.idea import HIDDEN_BY_REPORTS
from app.models.participation import COMMENT_MAX, REPORT_DISMISSED, REPORT_NOTE_MAX, REPORT_OPEN, REPORT_REASONS

COMMENT_EDIT_WINDOW = timedelta(minutes=15)


def _require_confirmed(user: User) -> None:
    if not user.is_confirmed:
        raise NotAllowed(_l("Please confirm your e-mail address first."))


def _require_open(idea: Idea, message: str | LazyString, open_states: frozenset[str] = states.OPEN_STATES) -> None:
    if idea.status not in open_states or idea.is_hidden:
        raise NotAllowed(message)


def _row_if_new(statement: InsertUnlessExists) -> ReturningInsert[tuple[int]]:
    """The INSERT with a row back only for what it inserted (for `_insert_once`; built once where it can be)."""
    return statement.returning(literal_column("1"))


def _insert_once(statement: ReturningInsert[tuple[int]], parameters: dict[str, int] | None = None) -> bool:
    """INSERT a row guarded by a unique constraint, or nothing if it exists (no savepoint to set
    and release); `statement` from `_row_if_new`. True if the row is new."""
    return db.session.execute(statement, parameters).first() is not None


def _bump(model: type[Idea] | type[Comment], ident: int, column: str, delta: int) -> int | None:
    """A counter; on an idea, it changes only that idea's page (app/cache/ bumps its page version)
    and its new value is returned."""
    statement = update(model).where(model.id == ident).values({column: getattr(model, column) + delta})
    if model is Idea:
        count: int | None = cache.bump_idea(statement, ident, getattr(Idea, column))
        return count
    db.session.execute(statement)
    return None


def _refresh_counters(idea: Idea) -> None:
    db.session.refresh(idea, attribute_names=["support_count", "comment_count"])


# The support's statements, built once with bound parameters: nothing to build and no cache key
# to compute per request. The count's UPDATE leaves the session alone (no synchronisation): its
# new value is set on the idea by hand (_change_support_count).
_IDEA_ID: BindParameter[int] = bindparam("idea_id")
_USER_ID: BindParameter[int] = bindparam("user_id")
_DELTA: BindParameter[int] = bindparam("delta")
_NOW = bindparam("now", type_=UTCDateTime)
_CHANGE_SUPPORT_COUNT = cache.idea_scoped(
    update(Idea).where(Idea.id == _IDEA_ID).values(support_count=Idea.support_count + _DELTA).returning(Idea.support_count)
).execution_options(synchronize_session=False)
_SUPPORT_ONCE = cache.idea_scoped(_row_if_new(insert_unless_exists(Support).values(idea_id=_IDEA_ID, user_id=_USER_ID)))
_FOLLOW_ONCE = _row_if_new(insert_unless_exists(Follow).values(idea_id=_IDEA_ID, user_id=_USER_ID))


def _support_count_and_follow() -> Select[tuple[int]]:
    """On PostgreSQL, a support in one statement (data-modifying CTEs, which SQLite lacks): the
    support if it is new, then for it the count + 1 and the follow (if not there already). The new
    count comes back, no row if the support existed. Three round trips cost about a third more of
    a support's CPU (docs/decisions/0033). Like the statements it stands for, it bumps no page
    version (`_change_support_count`); on Core tables, the session's events do not look at it."""
    supports, follows, ideas = Support.__table__, Follow.__table__, cast(Table, Idea.__table__)
    new = (insert_unless_exists(supports).values(idea_id=_IDEA_ID, user_id=_USER_ID, created_at=_NOW)
           .returning(supports.c.idea_id, supports.c.user_id).cte("new_support"))
    follow = (insert_unless_exists(follows)
              .from_select(["user_id", "idea_id", "created_at"], select(new.c.user_id, new.c.idea_id, _NOW)).cte("new_follow"))
    count = (update(ideas).where(ideas.c.id == new.c.idea_id).values(support_count=ideas.c.support_count + 1)
             .returning(ideas.c.support_count).cte("new_count"))
    return select(count.c.support_count).add_cte(follow)


_SUPPORT_COUNT_AND_FOLLOW = _support_count_and_follow()


def _change_support_count(idea: Idea, delta: int) -> None:
    """support_count = support_count + delta, and the new count on `idea` as if loaded (no second
    query). It bumps no page version: each signed-in reader's support box reads the count with the
    reader's marks (app/pages/idea.py), so the person who supports sees it at once; the pages the
    same for everyone (the idea's page for anonymous readers, the API, the lists) keep their entries
    and show it within PAGE_CACHE_TIMEOUT (app/cache/)."""
    count = db.session.execute(_CHANGE_SUPPORT_COUNT, {"idea_id": idea.id, "delta": delta}).scalar()
    if count is not None:
        set_committed_value(idea, "support_count", count)


# Following ---------------------------------------------------------------

def follow_idea(user: User, idea: Idea) -> bool:
    """Follow an idea; True if this is new."""
    if idea.status == "draft" and idea.author_id != user.id:
        raise NotAllowed()
    return _insert_once(_FOLLOW_ONCE, {"idea_id": idea.id, "user_id": user.id})


def unfollow_idea(user: User, idea: Idea) -> bool:
    return rows_changed(delete(Follow).where(Follow.user_id == user.id, Follow.idea_id == idea.id)) > 0


def follow_project(user: User, project: Project) -> bool:
    """Follow a portfolio project (a confirmed account); True if this is new."""
    _require_confirmed(user)
    return _insert_once(_row_if_new(insert_unless_exists(ProjectFollow).values(user_id=user.id, project_id=project.id)))


def unfollow_project(user: User, project: Project) -> bool:
    return rows_changed(delete(ProjectFollow).where(ProjectFollow.user_id == user.id, ProjectFollow.project_id == project.id)) > 0



# Supports ------------------------------------------------------------------

def can_support(user: User | None, idea: Idea) -> bool:
    return (
        user is not None
        and user.is_confirmed
        and user.id != idea.author_id
        and idea.status in states.OPEN_STATES
        and not idea.is_hidden
    )


def support_idea(user: User, idea: Idea) -> bool:
    """Support an idea once. True if a support was added, False if it existed."""
    _require_confirmed(user)
    if user.id == idea.author_id:
        raise NotAllowed(_l("You cannot support your own idea."))
    _require_open(idea, _l("This idea can no longer be supported."))
    # No page shows who supports: no version to bump for the row (the count: _change_support_count).
    ids = {"idea_id": idea.id, "user_id": user.id}
    if db.engine.dialect.name == "postgresql":
        count = db.session.execute(_SUPPORT_COUNT_AND_FOLLOW, {**ids, "now": utcnow()}).scalar()
        added = count is not None
        if added:
            set_committed_value(idea, "support_count", count)
    else:
        added = _insert_once(_SUPPORT_ONCE, ids)
        if added:
            _change_support_count(idea, +1)
            follow_idea(user, idea)
    if not added:
        _refresh_counters(idea)
    return added


def withdraw_support(user: User, idea: Idea) -> bool:
    """Take a support back. True if there was one."""
    _require_confirmed(user)
    _require_open(idea, _l("Supports for this idea are closed; the count is frozen."))
    # No page shows who supports: no version to bump for the row (the count: _change_support_count).
    removed = rows_changed(cache.idea_scoped(
        delete(Support).where(Support.idea_id == idea.id, Support.user_id == user.id, Support.suspended_at.is_(None))
    )) > 0
    if removed:
        _change_support_count(idea, -1)
    else:
        _refresh_counters(idea)
    return removed



def suspend_supports(user: User) -> int:
    """A blocked account's supports stop counting anywhere (counts, sorting, candidates, exports):
    the rows stay, marked, and each idea's counter drops in the same statement set. Returns how many."""
    ideas = db.session.scalars(
        update(Support)
        .where(Support.user_id == user.id, Support.suspended_at.is_(None))
        .values(suspended_at=utcnow())
        .returning(Support.idea_id)
    ).all()
    _bump_each(ideas, -1)
    return len(ideas)


def resume_supports(user: User) -> int:
    """Undo `suspend_supports` when the account is unblocked. Returns how many count again."""
    ideas = db.session.scalars(
        update(Support)
        .where(Support.user_id == user.id, Support.suspended_at.is_not(None))
        .values(suspended_at=None)
        .returning(Support.idea_id)
    ).all()
    _bump_each(ideas, +1)
    return len(ideas)


def remove_supports(user: User) -> int:
    """Delete every support of the account (its deletion); the counts of those that counted drop
    in the same transaction. Returns how many supports went."""
    rows = db.session.execute(
        delete(Support).where(Support.user_id == user.id).returning(Support.idea_id, Support.suspended_at)
    ).all()
    _bump_each([idea_id for idea_id, suspended_at in rows if suspended_at is None], -1)
    return len(rows)


def erase_comments(user: User) -> int:
    """Every comment of the account as if its author had deleted it (deletion with "remove my
    contributions"): the text goes, "Kommentar gelöscht" and the replies stay. Returns how many."""
    comments = list(db.session.scalars(
        select(Comment).where(Comment.author_id == user.id, Comment.deleted_at.is_(None)).order_by(Comment.id)
    ))
    for comment in comments:
        delete_comment(user, comment)
    return len(comments)


def _bump_each(idea_ids: Sequence[int], delta: int) -> None:
    """support_count += delta on several ideas, locking them in id order first: concurrent blocks
    (and supports) then never wait on each other in a circle (PostgreSQL found that deadlock)."""
    if not idea_ids:
        return
    db.session.execute(select(Idea.id).where(Idea.id.in_(idea_ids)).order_by(Idea.id).with_for_update())
    db.session.execute(update(Idea).where(Idea.id.in_(idea_ids)).values(support_count=Idea.support_count + delta))


# Comments ------------------------------------------------------------------

def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_l("Please write a comment."))
    if len(body) > COMMENT_MAX:
        raise InvalidInput(_l("A comment may be at most 2,000 characters long."))
    return body


def can_comment(user: User | None, subject: Idea | Project) -> bool:
    """A confirmed account may comment on an idea open for discussion, and on any portfolio project."""
    if user is None or not user.is_confirmed:
        return False
    return isinstance(subject, Project) or (subject.status in states.DISCUSSION_STATES and not subject.is_hidden)


def add_comment(user: User, subject: Idea | Project, body: str, parent: Comment | None = None) -> Comment:
    """A comment on an idea or a project, or a reply to a top-level comment (one level of replies)."""
    _require_confirmed(user)
    if isinstance(subject, Idea):
        _require_open(subject, _l("Comments on this idea are closed."), states.DISCUSSION_STATES)
    if parent is not None:
        if not is_comment_on(parent, subject):
            raise InvalidInput()
        if parent.is_hidden:
            raise NotAllowed(_l("This comment is hidden; it cannot be answered."))
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)  # reply to a reply joins its thread
            if parent is None or parent.is_hidden:
                raise NotAllowed(_l("This comment is hidden; it cannot be answered."))
    comment = Comment(author_id=user.id, body=_clean_body(body), parent_id=parent.id if parent else None)
    if isinstance(subject, Idea):
        comment.idea_id = subject.id
    else:
        comment.project_id = subject.id
    db.session.add(comment)
    db.session.flush()
    if isinstance(subject, Idea):
        _bump(Idea, subject.id, "comment_count", +1)
        follow_idea(user, subject)
        _refresh_counters(subject)
    else:
        # A project's comments are site content (app/cache/invalidation.py): its page shows them at once.
        follow_project(user, subject)
    notification_events.commented(comment, user)
    return comment


def is_comment_on(comment: Comment, subject: Idea | Project) -> bool:
    if isinstance(subject, Idea):
        return comment.idea_id == subject.id
    return comment.project_id == subject.id


def thread_to_answer(subject: Idea | Project, comment_id: int | None) -> Comment | None:
    """The top-level comment on `subject` that ?antwort=<id> opens a reply form under, if it can be answered."""
    comment = db.session.get(Comment, comment_id) if comment_id else None
    if comment is None or not is_comment_on(comment, subject) or comment.parent_id is not None or not comment.is_visible:
        return None
    return comment


def _count_change(comment: Comment, delta: int) -> None:
    """The idea's comment count (and page version) for a comment that starts or stops showing;
    a project counts its comments as it shows them."""
    if comment.idea_id is not None:
        _bump(Idea, comment.idea_id, "comment_count", delta)


def _idea_page_changes(comment: Comment) -> None:
    """The idea's page version for a change of one of its comments, its row locked before the
    comment's, as in hide(): no deadlock in a circle. (A project comment's change is site content.)"""
    if comment.idea_id is not None:
        cache.bump_idea_page(comment.idea_id)


def can_edit_comment(user: User | None, comment: Comment) -> bool:
    return (
        user is not None
        and user.id == comment.author_id
        and comment.is_visible
        and utcnow() - comment.created_at <= COMMENT_EDIT_WINDOW
    )


def edit_comment(user: User, comment: Comment, body: str) -> None:
    if user.id != comment.author_id:
        raise NotAllowed()
    if not can_edit_comment(user, comment):
        raise NotAllowed(_l("Comments can only be edited within 15 minutes."))
    body = _clean_body(body)
    _idea_page_changes(comment)
    comment.body = body
    comment.edited_at = utcnow()
    db.session.flush()


def delete_comment(user: User, comment: Comment) -> None:
    """The author deletes a comment: its text goes, "Kommentar gelöscht" stays, replies stay."""
    if user.id != comment.author_id:
        raise NotAllowed()
    if comment.deleted_at is not None:
        return
    if comment.is_visible:
        _count_change(comment, -1)
    else:
        _idea_page_changes(comment)
    comment.deleted_at = utcnow()
    comment.body = ""
    db.session.flush()


# Reports -------------------------------------------------------------------

def report_threshold() -> int:
    return int(current_app.config["REPORT_HIDE_THRESHOLD"])


def report(user: User, target: Idea | Comment, *, reason: str, note: str = "") -> bool:
    """Report an idea or a comment once. True if the report is new.

    When the number of distinct reporters reaches the threshold, the item is
    hidden pending review (a moderator restores or removes it).
    """
    _require_confirmed(user)
    if reason not in REPORT_REASONS:
        raise InvalidInput(_l("Please choose a reason."))
    note = (note or "").strip()
    if len(note) > REPORT_NOTE_MAX:
        raise InvalidInput(_l("The note may be at most 1,000 characters long."))
    if target.author_id == user.id:
        raise NotAllowed(_l("You cannot report your own contribution."))
    idea_id, comment_id = (target.id, None) if isinstance(target, Idea) else (None, target.id)
    added = _insert_once(_row_if_new(insert_unless_exists(Report).values(user_id=user.id, idea_id=idea_id, comment_id=comment_id, reason=reason, note=note)))
    if added:
        _hide_if_reported_enough(target)
    return added


def _report_column(target: Idea | Comment) -> InstrumentedAttribute[int | None]:
    """The column of Report that points at this kind of target."""
    return Report.idea_id if isinstance(target, Idea) else Report.comment_id


def trusted_reporters() -> Select[tuple[int]]:
    """The accounts whose reports count towards hiding: confirmed for REPORT_TRUST_HOURS, and
    none of their reports ever dismissed as unfounded. (Every report still reaches the moderation.)"""
    since = utcnow() - timedelta(hours=current_app.config["REPORT_TRUST_HOURS"])
    dismissed = select(Report.user_id).where(Report.status == REPORT_DISMISSED)
    return select(User.id).where(User.confirmed_at <= since, User.id.not_in(dismissed))


def _hide_if_reported_enough(target: Idea | Comment) -> None:
    reporters = db.session.scalar(
        select(func.count(func.distinct(Report.user_id)))
        .where(_report_column(target) == target.id, Report.status == REPORT_OPEN, Report.user_id.in_(trusted_reporters()))
    )
    if (reporters or 0) >= report_threshold() and not target.is_hidden:
        hide(target, HIDDEN_BY_REPORTS)


def hide(target: Idea | Comment, cause: str) -> None:
    """Hide an idea or a comment; `cause` is one of HIDDEN_BY_* in app/models/idea.py.

    Keeps the idea's comment count exact.
    """
    if target.is_hidden:
        return
    if isinstance(target, Comment) and target.is_visible:
        _count_change(target, -1)
    target.is_hidden = True
    target.hidden_at = utcnow()
    target.hidden_cause = cause
    db.session.flush()
    notification_events.hidden(target, cause)


def restore(target: Idea | Comment) -> None:
    """Undo `hide`."""
    if not target.is_hidden:
        return
    target.is_hidden = False
    target.hidden_at = None
    target.hidden_cause = None
    if isinstance(target, Comment) and target.deleted_at is None:
        _count_change(target, +1)
    db.session.flush()
    notification_events.restored(target)


def has_reported(user: User | None, target: Idea | Comment) -> bool:
    if user is None:
        return False
    return db.session.scalar(select(Report.id).where(Report.user_id == user.id, _report_column(target) == target.id)) is not None

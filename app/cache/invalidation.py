"""Invalidation: the session events that notice a change of public content, and the versions
the committing transaction bumps (the site's, or an idea's page version) and publishes."""

from __future__ import annotations

from time import time
from typing import TypeVar

from flask import current_app, has_app_context, has_request_context, session
from sqlalchemy import Executable, update

from app import database
from app.cache import contract
from app.cache.versions import CHANGED_AT
from app.extensions import db
from app.models import ContentVersion, Idea

contract.declare(private=(ContentVersion,))  # the versions themselves

IDEA_SCOPED = "page_cache_idea_scoped"
_FLAG = "public_content_changed"
_IDEAS = "idea_pages_changed"
_PUBLISH = "page_versions_to_publish"
_BUMPED = "idea_pages_bumped"
_Statement = TypeVar("_Statement", bound=Executable)


def listen_to_sessions() -> None:
    """The invalidation hooks below, on every ORM session, registered once per process."""
    database.listen_to_sessions((("before_flush", _mark_flush), ("do_orm_execute", _mark_bulk), ("before_commit", _bump_version),
                                 ("after_commit", _publish), ("after_soft_rollback", _forget)))


def public_content_changed() -> None:
    """For a change the session events cannot see as public (an author's account emptied on deletion)."""
    db.session.info[_FLAG] = True


def idea_scoped(statement: _Statement) -> _Statement:
    """Mark a statement that changes only what an idea's page version covers (a counter, a support),
    not the site: the caller bumps that idea's page version itself where the page shows the change
    (bump_idea, with the comment counter), or not at all (a support count, see above)."""
    return statement.execution_options(**{IDEA_SCOPED: True})


def bump_idea(statement, idea_id: int, column):
    """Run an UPDATE of one idea's counter `column` that bumps its page version in the same statement
    (instead of a second one at commit); the counter's new value, or None if there is no such idea."""
    row = db.session.execute(
        idea_scoped(statement.values(page_version=Idea.page_version + 1).returning(Idea.page_version, column))
    ).first()
    if row is None:
        return None
    db.session.info.setdefault(_BUMPED, {})[idea_id] = row[0]
    return row[1]


def bump_idea_page(idea_id: int) -> None:
    """Bump one idea's page version now, for a change of one of its comments: its row is locked
    before the comment's, in the order of every counter change (app/participation/services.py)."""
    bump_idea(update(Idea).where(Idea.id == idea_id), idea_id, Idea.page_version)


def _mark_flush(session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, contract.IDEA_CONTENT) and obj.idea_id is not None:  # type: ignore[attr-defined]
            session.info.setdefault(_IDEAS, set()).add(obj.idea_id)  # type: ignore[attr-defined]  # (checked by the contract test)
        elif isinstance(obj, contract.PUBLIC_CONTENT):  # with a project's comment (no idea): the site's
            session.info[_FLAG] = True


def _mark_bulk(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        if not state.execution_options.get(IDEA_SCOPED) and issubclass(state.bind_mapper.class_, contract.PUBLIC_CONTENT):
            state.session.info[_FLAG] = True


def _bump_version(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released. Bumping there would lock the
    # version row before rows the transaction locks later (deadlocks on PostgreSQL); so the
    # bump waits for the outermost commit, where every writer takes this lock last.
    if session.in_nested_transaction():
        return
    session.flush()  # let before_flush see pending changes first
    bumped: dict[int, int] = session.info.pop(_BUMPED, {})  # by bump_idea, in this transaction already
    ideas = session.info.pop(_IDEAS, set()) - bumped.keys()
    site = None
    if session.info.pop(_FLAG, False):
        site = session.execute(
            update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1).returning(ContentVersion.version)
        ).scalar_one()
    elif ideas:
        # In id order, like every other statement that locks several ideas (no deadlock in a circle).
        bumped.update(session.execute(idea_scoped(
            update(Idea).where(Idea.id.in_(sorted(ideas))).values(page_version=Idea.page_version + 1).returning(Idea.id, Idea.page_version)
        )).tuples().all())
    if site is not None or bumped:
        session.info[_PUBLISH] = (site, bumped)


def _publish(orm_session) -> None:
    """After the commit: tell the other workers (through Redis) the versions this transaction made."""
    site, ideas = orm_session.info.pop(_PUBLISH, (None, {}))
    if (site is not None or ideas) and has_app_context():
        current_app.extensions["page_cache"].publish(site, ideas)
        if has_request_context():
            session[CHANGED_AT] = round(time(), 3)  # after publishing: what Redis has from now on includes it


def _forget(session, previous_transaction) -> None:
    # Only a rollback of the whole transaction discards its changes; a savepoint's does not.
    if previous_transaction.parent is None:
        session.info.pop(_FLAG, None)
        session.info.pop(_IDEAS, None)
        session.info.pop(_PUBLISH, None)
        session.info.pop(_BUMPED, None)

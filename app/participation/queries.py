"""Reading participation data for pages, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import g
from sqlalchemy import BindParameter, ColumnElement, Row, Select, and_, bindparam, exists, select
from sqlalchemy.orm import InstrumentedAttribute, contains_eager, joinedload, load_only

from app.auth import sessions
from app.extensions import db
from app.ideas.queries import has_answer, visible_ideas
from app.models import Comment, Follow, Idea, Project, ProjectFollow, Report, Support, User


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


# The reader's marks on an idea (supported, following, reported), as columns of a query of ideas;
# the reader is a bound id or, read with the account, the account's column.
def _marks_of(reader: BindParameter[int] | InstrumentedAttribute[int]) -> tuple:
    return (
        exists().where(Support.idea_id == Idea.id, Support.user_id == reader),
        exists().where(Follow.idea_id == Idea.id, Follow.user_id == reader),
        exists().where(Report.idea_id == Idea.id, Report.user_id == reader),
    )


_READER: BindParameter[int] = bindparam("reader_id")
NO_READER = 0  # no account has this id: an anonymous reader's marks are all false
# Built once, like _READER_OF_IDEA below. Everything comes joined, the three lists too: the
# action fields (one to three), the history (a few changes) and the pictures (at most three).
# Their rows multiply (3 × 8 × 3 = 72 for a long history with pictures: about as costly as a
# query per list, 2.2 against 1.9 ms), but a usual idea has one or two of each, and then one
# statement costs a third of three (0.7 against 1.9 ms of CPU; bench/HISTORY.md).
# Whether the moderation answered comes along as a column: most ideas have no answer, and for
# them the page then needs no query of the answers (a statement costs about half a millisecond).
_IDEA_OF_PAGE = (
    select(Idea, *_marks_of(_READER), has_answer())
    .where(Idea.id == bindparam("idea_id"))
    .options(
        joinedload(Idea.author),
        joinedload(Idea.municipality),
        joinedload(Idea.project),
        joinedload(Idea.meeting),
        joinedload(Idea.action_fields),
        joinedload(Idea.state_changes),
        joinedload(Idea.images),
    )
)


def load_idea(idea_id: int, user: User | None = None) -> tuple[Idea, ViewerState, bool] | None:
    """An idea with everything its page shows of it (author, municipality, fields, history,
    pictures), what `user` has done with it and whether it has an official answer, in one query."""
    reader_id = user.id if user is not None else NO_READER
    row = db.session.execute(_IDEA_OF_PAGE, {"idea_id": idea_id, "reader_id": reader_id}).unique().first()
    if row is None:
        return None
    idea, supported, following, reported, answered = row
    return idea, ViewerState(bool(supported), bool(following), bool(reported)), bool(answered)


def _comments_of(subject: ColumnElement[bool]) -> Select[tuple[Comment]]:
    return (select(Comment).join(Comment.author).where(subject).options(contains_eager(Comment.author))
            .order_by(Comment.created_at, Comment.id))


# Built once (an idea's page not in the cache builds no statement of its own: about 2 % of its CPU).
_COMMENTS_OF_IDEA = _comments_of(Comment.idea_id == bindparam("subject_id"))
_COMMENTS_OF_PROJECT = _comments_of(Comment.project_id == bindparam("subject_id"))


def comment_threads(subject: Idea | Project) -> list[Thread]:
    """All comments of an idea or a project, oldest first, replies under their comment (one query)."""
    statement = _COMMENTS_OF_PROJECT if isinstance(subject, Project) else _COMMENTS_OF_IDEA
    comments = db.session.scalars(statement, {"subject_id": subject.id}).all()
    threads: dict[int, Thread] = {}
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.id] = Thread(comment)
        elif comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    return list(threads.values())


@dataclass
class ViewerState:
    supported: bool = False
    following: bool = False
    reported: bool = False


def viewer_state(user: User | None, idea: Idea) -> ViewerState:
    """What the current account has done with this idea, in one query."""
    if user is None:
        return ViewerState()
    row = db.session.execute(
        select(
            exists().where(Support.idea_id == idea.id, Support.user_id == user.id),
            exists().where(Follow.idea_id == idea.id, Follow.user_id == user.id),
            exists().where(Report.idea_id == idea.id, Report.user_id == user.id),
        )
    ).one()
    return ViewerState(*map(bool, row))


def supported_ideas(user: User) -> list[Idea]:
    stmt = visible_ideas().join(Support, Support.idea_id == Idea.id).where(Support.user_id == user.id).order_by(Support.created_at.desc())
    return list(db.session.scalars(stmt).unique())


def followed_ideas(user: User) -> list[Idea]:
    """Followed ideas not already listed as own or supported."""
    stmt = (
        visible_ideas()
        .join(Follow, Follow.idea_id == Idea.id)
        .where(
            Follow.user_id == user.id,
            Idea.author_id != user.id,
            ~exists().where(Support.idea_id == Idea.id, Support.user_id == user.id),
        )
        .order_by(Follow.created_at.desc())
    )
    return list(db.session.scalars(stmt).unique())


@dataclass
class Reader:
    """What a signed-in reader's parts of an idea's page need (app/pages/idea.py)."""

    idea: Idea
    state: ViewerState
    own_comments: list[Comment]


# What the reader's parts of an idea's page (templates/ideas/_personal.html) and the checks before
# them read of the idea: not its texts or its search document (the shared page shows those).
READER_COLUMNS = (Idea.status, Idea.author_id, Idea.support_count, Idea.merged_into_id, Idea.is_hidden)


def _own_comments_on(subject: ColumnElement[bool], reader: BindParameter[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """The join condition of the reader's own comments on a subject that still show."""
    return and_(subject, Comment.author_id == reader, Comment.deleted_at.is_(None), Comment.is_hidden.is_(False))


# Built once (the statement is the same for every reader; building it cost more than running it).
_READER_OF_IDEA = (
    select(Idea, *_marks_of(_READER), Comment)
    .outerjoin(Comment, _own_comments_on(Comment.idea_id == Idea.id, _READER))
    .where(Idea.id == bindparam("idea_id"))
    .options(load_only(*READER_COLUMNS))
    .order_by(Comment.id)
)
# The same, read by the query that loads the reader's account (read_with_account below).
_ACCOUNT_AND_READER_OF_IDEA = (
    sessions.ACCOUNT_OF_SESSION.add_columns(Idea, *_marks_of(User.id), Comment)
    .outerjoin(Idea, Idea.id == bindparam("idea_id"))
    .outerjoin(Comment, _own_comments_on(Comment.idea_id == Idea.id, User.id))
    .options(load_only(*READER_COLUMNS))
    .order_by(Comment.id)
)


def _reader_of_idea_from(rows: Sequence[Sequence[Any]]) -> Reader | None:
    """A Reader from rows of (idea, supported, following, reported, own comment or None)."""
    if not rows or rows[0][0] is None:
        return None
    idea, supported, following, reported, _comment = rows[0]
    return Reader(idea, ViewerState(bool(supported), bool(following), bool(reported)), [row[4] for row in rows if row[4] is not None])


def reader_of_idea(user: User | None, idea_id: int) -> Reader | None:
    """The idea (READER_COLUMNS), what the reader has done with it and their own comments that still
    show, in one query (or none: read_with_account had the account's query read them)."""
    if user is None or not user.is_confirmed:
        idea = db.session.get(Idea, idea_id)
        return Reader(idea, viewer_state(user, idea), []) if idea else None
    kept = _read_with_account(("idea", idea_id), user)
    if kept is not _NOT_READ:
        return kept
    return _reader_of_idea_from(db.session.execute(_READER_OF_IDEA, {"reader_id": user.id, "idea_id": idea_id}).all())


@dataclass
class ProjectReader:
    """What a reader's parts of a project's page need (app/pages/project.py)."""

    project: Project
    following: bool = False
    own_comments: list[Comment] = field(default_factory=list)


def _follows_project(reader: BindParameter[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """Whether the reader follows the project, as a column of a query of projects."""
    return exists().where(ProjectFollow.project_id == Project.id, ProjectFollow.user_id == reader)


_READER_OF_PROJECT = (
    select(Project, _follows_project(_READER), Comment)
    .outerjoin(Comment, _own_comments_on(Comment.project_id == Project.id, _READER))
    .where(Project.number == bindparam("number"))
    .order_by(Comment.id)
)
# The same, read by the query that loads the reader's account (read_with_account below).
_ACCOUNT_AND_READER_OF_PROJECT = (
    sessions.ACCOUNT_OF_SESSION.add_columns(Project, _follows_project(User.id), Comment)
    .outerjoin(Project, Project.number == bindparam("number"))
    .outerjoin(Comment, _own_comments_on(Comment.project_id == Project.id, User.id))
    .order_by(Comment.id)
)


def _reader_of_project_from(rows: Sequence[Sequence[Any]], user: User | None) -> ProjectReader | None:
    """A ProjectReader from rows of (project, following, own comment or None)."""
    if not rows or rows[0][0] is None:
        return None
    own = [row[2] for row in rows if row[2] is not None] if user is not None and user.is_confirmed else []
    return ProjectReader(rows[0][0], bool(rows[0][1]), own)


def reader_of_project(user: User | None, number: int) -> ProjectReader | None:
    """The project P<number>, whether the reader follows it and their own comments on it that still
    show (only a confirmed account's), in one query (or none: read_with_account had the account's
    query read them); None if there is no such project."""
    kept = _read_with_account(("project", number), user)
    if kept is not _NOT_READ:
        return kept
    rows = db.session.execute(_READER_OF_PROJECT, {"reader_id": user.id if user is not None else NO_READER, "number": number}).all()
    return _reader_of_project_from(rows, user)


# A signed-in reader's parts of a cached page, read with their account ----------------------

_NOT_READ: Any = object()


def read_reader_of_idea_with_account(idea_id: int) -> None:
    """Before a page the cache may answer asks for the account (app/cache/hooks.py): the query that
    loads it also reads what reader_of_idea(…, idea_id) will ask for (app/auth/sessions.py
    read_with_account), so a signed-in reader's cached idea page costs one query, not two."""
    sessions.read_with_account(_ACCOUNT_AND_READER_OF_IDEA, {"idea_id": idea_id},
                               lambda rows: _keep(("idea", idea_id), rows, _reader_of_idea_from))


def read_reader_of_project_with_account(number: int) -> None:
    """The same for reader_of_project(…, number) and a project's page."""
    sessions.read_with_account(_ACCOUNT_AND_READER_OF_PROJECT, {"number": number},
                               lambda rows: _keep(("project", number), rows, lambda part: _reader_of_project_from(part, rows[0][0])))


def _keep(what: tuple[str, int], rows: Sequence[Row], parse: Callable[[list[Any]], Any]) -> None:
    """The reader's columns of the account query's rows, for this request only (g), with whose they are."""
    g.read_with_account = (what, rows[0][0].id, parse([row[sessions.ACCOUNT_COLUMNS:] for row in rows]))


def _read_with_account(what: tuple[str, int], user: User | None) -> Any:
    """What _keep kept for `what` and this reader, taken (it serves one reading), or _NOT_READ."""
    kept = g.pop("read_with_account", None)
    if kept is None or user is None or kept[0] != what or kept[1] != user.id:
        return _NOT_READ
    return kept[2]

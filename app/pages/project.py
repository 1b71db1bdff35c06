"""A portfolio project's public page (/portfolio/P<n>): loaded and rendered here, in two layers
(app/cache/layers.py), like an idea's page (app/pages/idea.py).

The shared layer (the project, its ideas, milestones, trials, budget, history and comments) is
the same for everyone in an audience. The reader's layer: the follow button, the comment form with
an error, the one reply form (`?antwort=<id>`) and the edit and delete links under their own
comments. A project's comments are site content (app/cache/invalidation.py): a new one shows at
once to everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from app.cache import layers
from app.extensions import db
from app.models import Comment, Project, User
from app.participation import queries as participation_queries
from app.participation import services as participation
from app.participation.discussion import Discussion
from app.participation.forms import CommentForm
from app.portfolio import queries as portfolio_queries
from app.portfolio import services as portfolio_services
from app.security import parse_int

PARTS = "portfolio/_personal.html"


def visible_project(number: int) -> Project:
    """The project P<number> (every project is public); else 404."""
    project = db.session.scalar(select(Project).where(Project.number == number))
    if project is None:
        abort(404)
    return project


def _reader() -> User | None:
    return current_user if current_user.is_authenticated else None


def show(number: int) -> str:
    """The page with everything it shows loaded up front (portfolio_queries.load_project): no lazy
    load per history entry, trial or idea."""
    project = portfolio_queries.load_project(number)
    if project is None:
        abort(404)
    return render(project, reply_to_id=parse_int(request.args.get("antwort")))


def render(project: Project, comment_form: CommentForm | None = None, reply_form: CommentForm | None = None,
           reply_to: Comment | None = None, reply_to_id: int | None = None) -> str:
    """The page; the comment view calls it again to show a form with its error (as app/pages/idea.py)."""
    user = _reader()
    threads = participation_queries.comment_threads(project)
    return layers.render_page(
        "portfolio/show.html",
        parts=lambda: personal_parts(project, user, comment_form=comment_form, reply_form=reply_form,
                                     reply_to=reply_to, reply_to_id=reply_to_id),
        project=project,
        totals=portfolio_queries.project_totals(project),
        can_edit=current_user.is_authenticated and current_user.has_role(*portfolio_services.PROJECT_EDITOR_ROLES),
        is_discussed=True,
        can_comment=participation.can_comment(user, project),
        comment_form=CommentForm(formdata=None, meta={"csrf": False}),  # empty: the same for everyone who may comment
        threads=threads,
        discussion=Discussion(project, threads),
    )


def personal_parts(project: Project, user: User | None, *, comment_form: CommentForm | None = None, reply_form: CommentForm | None = None,
                   reply_to: Comment | None = None, reply_to_id: int | None = None,
                   reader: participation_queries.ProjectReader | None = None) -> layers.Parts:
    """The reader's layer of the page (templates/portfolio/_personal.html), by slot and region."""
    can_comment = participation.can_comment(user, project)
    reader = reader or participation_queries.reader_of_project(user, project.number) or participation_queries.ProjectReader(project)
    reply_thread = reply_to if reply_to is not None else participation.thread_to_answer(project, reply_to_id) if can_comment else None
    context = dict(
        project=project,
        number=project.number,
        following=reader.following,
        can_comment=can_comment,
        is_discussed=True,
        own_comments=reader.own_comments,
        can_edit_comment=lambda c: participation.can_edit_comment(user, c),
        comment_form=comment_form,  # with its error (the shared page has the empty one)
        reply_thread=reply_thread,
        reply_form=reply_form,
        discussion=Discussion(project),
    )
    if user is not None and not reader.own_comments and comment_form is None and reply_thread is None:
        # Most signed-in readers: only the follow form, the same for everyone who follows (or not), kept per worker.
        key = (project.number, reader.following, can_comment, user.is_confirmed)
        return layers.parts_rendered_once(PARTS, key, **context)
    return layers.render_parts(PARTS, **context)


def cached_page_parts(view_args: Mapping[str, Any]) -> layers.Parts | None:
    """The reader's layer for a cached project page (one query)."""
    user = _reader()
    reader = participation_queries.reader_of_project(user, view_args["number"])
    if reader is None:
        return None
    return personal_parts(reader.project, user, reply_to_id=parse_int(request.args.get("antwort")), reader=reader)


layers.PARTS_OF_ENDPOINT["portfolio.show"] = cached_page_parts
layers.READ_WITH_ACCOUNT["portfolio.show"] = lambda view_args: participation_queries.read_reader_of_project_with_account(view_args["number"])

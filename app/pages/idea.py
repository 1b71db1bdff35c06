"""An idea's public page: loaded, checked and rendered here, in two layers (app/cache/layers.py).

The shared layer (card, pictures, official answer, comments, history) is the same for everyone
in an audience and cached per content version. The reader's layer is what is theirs: the support
box, the author's actions, the comment form with an error (the empty one is shared, with the
reader's token filled in), the one reply form (`?antwort=<id>`) and the edit and delete links under
their own comments. Participation and moderation views that show the page
again with a form's error call `render` with that form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import bindparam, select

from app.cache import layers
from app.extensions import db
from app.ideas import services, states
from app.models import Comment, Idea, User
from app.moderation import services as moderation_services
from app.participation import queries as participation_queries
from app.participation import services as participation
from app.participation.discussion import Discussion
from app.participation.forms import CommentForm
from app.security import parse_int

PARTS = "ideas/_personal.html"


# Built once: Session.get builds its statement and its cache key anew for every call.
_IDEA_BY_ID = select(Idea).where(Idea.id == bindparam("idea_id"))


def visible_idea(idea_id: int) -> Idea:
    """The idea, if the current person may see it; else 404. (Every route on an idea starts here.)"""
    idea = db.session.execute(_IDEA_BY_ID, {"idea_id": idea_id}).scalar()
    if idea is None or not services.can_view(idea, _reader()):
        abort(404)
    return idea


def _reader() -> User | None:
    return current_user if current_user.is_authenticated else None


def show(idea_id: int) -> str:
    """The page at /ideen/<id>: 404 for a draft of someone else, the "hidden" page for a hidden idea."""
    user = _reader()
    loaded = participation_queries.load_idea(idea_id, user)
    if loaded is None:
        abort(404)
    idea, marks, answered = loaded
    if idea.is_draft and not services.can_view(idea, user):
        abort(404)
    if not services.can_view(idea, user):
        # Hidden: the page says why in public words (after reports, or just not available) and shows nothing of it.
        return render_template("ideas/hidden.html", idea=idea)
    return render(idea, reply_to_id=parse_int(request.args.get("antwort")), marks=marks, answered=answered)


def render(idea: Idea, comment_form: CommentForm | None = None, reply_form: CommentForm | None = None,
           reply_to: Comment | None = None, reply_to_id: int | None = None,
           marks: participation_queries.ViewerState | None = None, answered: bool | None = None) -> str:
    """The page; the comment views call it again to show a form with its error. The one reply form
    sits under the comment `reply_to` (with its errors) or `reply_to_id` (?antwort=<id>). With the
    reader's `marks` (from load_idea), their parts need no query of their own; `answered` False
    (from load_idea: no official answer) saves the query of the answers."""
    user = _reader()
    threads = participation_queries.comment_threads(idea)
    reader = participation_queries.Reader(idea, marks, _own_comments(threads, user)) if marks is not None else None
    return layers.render_page(
        "ideas/show.html",
        parts=lambda: personal_parts(idea, user, comment_form=comment_form, reply_form=reply_form,
                                     reply_to=reply_to, reply_to_id=reply_to_id, reader=reader),
        # Only what anyone may read is shared: never a draft, never a hidden idea shown to staff.
        public=services.can_view(idea, None),
        idea=idea,
        is_open=idea.status in states.OPEN_STATES,
        is_discussed=idea.status in states.DISCUSSION_STATES,
        # Depends on the audience only (signed in with a confirmed address), like the whole layer.
        can_comment=participation.can_comment(user, idea),
        comment_form=CommentForm(formdata=None, meta={"csrf": False}),  # empty: the same for everyone who may comment
        threads=threads,
        discussion=Discussion(idea, threads),
        answers=moderation_services.answer_history(idea) if answered is not False else [],
    )


def personal_parts(idea: Idea, user: User | None, *, comment_form: CommentForm | None = None, reply_form: CommentForm | None = None,
                   reply_to: Comment | None = None, reply_to_id: int | None = None, reader: participation_queries.Reader | None = None
                   ) -> layers.Parts:
    """The reader's layer of the page (templates/ideas/_personal.html), by slot and region."""
    reader = reader or participation_queries.reader_of_idea(user, idea.id)
    can_comment = participation.can_comment(user, idea)
    reply_thread = reply_to if reply_to is not None else participation.thread_to_answer(idea, reply_to_id) if can_comment else None
    viewer = reader.state if reader else participation_queries.ViewerState()
    is_author = user is not None and user.id == idea.author_id
    own_comments = reader.own_comments if reader else []
    context = dict(
        idea=idea,
        viewer=viewer,
        is_author=is_author,
        can_edit=services.can_edit(idea, user),
        can_support=participation.can_support(user, idea),
        can_comment=can_comment,
        is_open=idea.status in states.OPEN_STATES,
        is_discussed=idea.status in states.DISCUSSION_STATES,
        own_comments=own_comments,
        can_edit_comment=lambda c: participation.can_edit_comment(user, c),
        comment_form=comment_form,  # with its error (the shared page has the empty one)
        reply_thread=reply_thread,
        reply_form=reply_form,
        discussion=Discussion(idea),
    )
    if (user is not None and not is_author and not own_comments and comment_form is None and reply_thread is None
            and idea.merged_into_id is None):
        # Most signed-in readers of an idea: only the support box, the same for everyone with the same
        # marks and rights at the same count (what it reads, all in the key), rendered once per worker.
        key = (idea.id, idea.status, idea.support_count, viewer.supported, viewer.following, viewer.reported,
               context["can_edit"], context["can_support"], can_comment, user.is_confirmed)
        return layers.parts_rendered_once(PARTS, key, **context)
    return layers.render_parts(PARTS, **context)


def _own_comments(threads: list[participation_queries.Thread], user: User | None) -> list[Comment]:
    """The reader's comments that still show, as reader_of_idea finds them (only a confirmed account's)."""
    if user is None or not user.is_confirmed:
        return []
    comments = [c for thread in threads for c in (thread.comment, *thread.replies)]
    return sorted((c for c in comments if c.author_id == user.id and c.deleted_at is None and not c.is_hidden), key=lambda c: c.id)


def cached_page_parts(view_args: Mapping[str, Any]) -> layers.Parts | None:
    """The reader's layer for a shared page from the cache; None (render in full) unless the idea is public."""
    user = _reader()
    reader = participation_queries.reader_of_idea(user, view_args["idea_id"])
    if reader is None or not services.can_view(reader.idea, None):
        return None
    return personal_parts(reader.idea, user, reply_to_id=parse_int(request.args.get("antwort")), reader=reader)


layers.PARTS_OF_ENDPOINT["ideas.show"] = cached_page_parts
layers.READ_WITH_ACCOUNT["ideas.show"] = lambda view_args: participation_queries.read_reader_of_idea_with_account(view_args["idea_id"])

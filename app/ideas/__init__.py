"""Ideas on the strategy's draft card: writing, editing, publishing, withdrawing, pictures, the lists."""

from flask import url_for
from flask_babel import gettext as _

from app import audit
from app.audit import Target
from app.cache import CachedPage, declare
from app.extensions import db
from app.models import Idea, IdeaImage, IdeaStateChange

IDEA_LIST_PARAMETERS = ("q", "status", "submitter", "answered", "sort", "field", "municipality", "page")

declare(
    pages={"ideas.index": CachedPage(IDEA_LIST_PARAMETERS),
           "ideas.show": CachedPage(personal=("antwort",), idea_argument="idea_id")},
    not_cached={"ideas.image_file": "a file, sent with an ETag and no-cache (hidden at once)",
                "ideas.similar": "answers what the person is typing"},
    public=(Idea, IdeaStateChange, IdeaImage),
)


def _name_idea(idea_id: int) -> Target | None:
    idea = db.session.get(Idea, idea_id)
    return Target(_("Idea “%(title)s”", title=idea.title), url_for("moderation.idea", idea_id=idea_id)) if idea else None


def _idea_title(idea_id: object) -> str:
    idea = db.session.get(Idea, idea_id) if isinstance(idea_id, int) else None
    return f"{idea.title} ({idea_id})" if idea else str(idea_id)


# The audit log names ideas by their title, with a link (app/audit.py).
audit.name_targets("idea", _name_idea)
audit.name_values("merged_into_id", _idea_title)
audit.name_values("ideas", _idea_title)  # a project's ideas, by title

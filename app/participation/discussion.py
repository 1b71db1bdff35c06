"""Where a discussion is: an idea's page or a project's page, as the comment templates need it
(templates/participation/_comments.html and the forms beside it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.cache import layers
from app.models import Comment, Idea, Project
from app.participation.queries import Thread

COMMENT = "participation/_comment.html"
COMMENTS_KEPT = 8192  # comments a worker keeps rendered (with their text in the key: 1–2 KB each, at most about 30 MB)


@dataclass(frozen=True)
class Discussion:
    subject: Idea | Project
    threads: Sequence[Thread] = ()  # the shared layer's: a project counts its comments from them

    @property
    def page(self) -> str:
        """The page the comments are on (a reply form opens at ?antwort=<id>)."""
        if isinstance(self.subject, Project):
            return url_for("portfolio.show", number=self.subject.number)
        return url_for("ideas.show", idea_id=self.subject.id)

    @property
    def action(self) -> str:
        """Where the comment form posts."""
        if isinstance(self.subject, Project):
            return url_for("participation.comment_project", number=self.subject.number)
        return url_for("participation.comment", idea_id=self.subject.id)

    @pass_context
    def comment_html(self, context: Context, texts: Mapping[str, str]) -> Callable[[Comment], Markup]:
        """A function giving one comment's HTML as the page shows it to everyone in the audience
        (templates/participation/_comment.html, with `texts` and the rest of the calling template's
        context, as {% include %} would), rendered once per worker for all it shows. A page renders
        again after each new comment, any change of public content and when its entry times out;
        then only its new or changed comments cost a rendering (a miss of a page with 100 comments:
        11 instead of 17 ms of CPU signed in)."""
        signed_in = bool(current_user.is_authenticated)  # (the audience, in a shared layer)
        page = (str(get_locale()), request.script_root, signed_in, signed_in and bool(current_user.is_confirmed), tuple(texts.values()))
        template = context.environment.get_template(COMMENT)
        variables = context.get_all()

        def show(c: Comment) -> Markup:
            author = c.author
            key = (*page, c.id, c.parent_id, c.deleted_at is None, c.is_hidden, c.hidden_cause, c.created_at, c.edited_at is None,
                   c.body, author.public_name, author.is_organisation)
            # (Rendered as Jinja's {% include %} does: Template.render would copy the page's variables for each comment.)
            html = layers.rendered_once(
                "comments", key, lambda: "".join(template.root_render_func(template.new_context(variables, True, {"c": c, "texts": texts}))),
                limit=COMMENTS_KEPT)
            return Markup(html)  # noqa: S704  # nosec B704 - rendered by our template, which escapes what readers wrote

        return show

    @property
    def count(self) -> int:
        """The comments that show (an idea keeps a counter; a project's few are counted)."""
        if isinstance(self.subject, Idea):
            return self.subject.comment_count
        return sum(c.is_visible for thread in self.threads for c in (thread.comment, *thread.replies))

"""Where a discussion is: an idea's page or a project's page, as the comment templates need it
(templates/participation/_comments.html and the forms beside it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import url_for

from app.models import Idea, Project
from app.participation.queries import Thread


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

    @property
    def count(self) -> int:
        """The comments that show (an idea keeps a counter; a project's few are counted)."""
        if isinstance(self.subject, Idea):
            return self.subject.comment_count
        return sum(c.is_visible for thread in self.threads for c in (thread.comment, *thread.replies))

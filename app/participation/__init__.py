"""Participation: supports, comments, reports and following."""

from flask import url_for
from flask_babel import gettext as _

from app import audit
from app.audit import Target
from app.cache import declare
from app.extensions import db
from app.models import Comment, Follow, ProjectFollow, Report, Support

# A support or a comment shows on its idea's pages only (the idea's page version); follows and
# reports are no page's content.
declare(idea_scoped=(Support, Comment), private=(Follow, ProjectFollow, Report))


def _name_comment(comment_id: int) -> Target | None:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        return None
    if comment.project is not None:
        return Target(_("Comment on the project %(code)s “%(title)s”", code=comment.project.code, title=comment.project.title),
                      url_for("portfolio.show", number=comment.project.number) + f"#kommentar-{comment_id}")
    if comment.idea is None:
        return None
    return Target(_("Comment on “%(title)s”", title=comment.idea.title),
                  url_for("moderation.idea", idea_id=comment.idea.id) + f"#kommentar-{comment_id}")


audit.name_targets("comment", _name_comment)

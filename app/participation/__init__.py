"""Participation: supports, comments, reports and following."""

from app.cache import declare
from app.models import Comment, Follow, Report, Support

# A support or a comment shows on its idea's pages only (the idea's page version); follows and
# reports are no page's content.
declare(idea_scoped=(Support, Comment), private=(Follow, Report))

"""Ideas on the strategy's draft card: writing, editing, publishing, withdrawing, pictures, the lists."""

from app.cache import CachedPage, declare
from app.models import Idea, IdeaImage, IdeaStateChange

IDEA_LIST_PARAMETERS = ("q", "status", "submitter", "sort", "field", "municipality", "page")

declare(
    pages={"ideas.index": CachedPage(IDEA_LIST_PARAMETERS),
           "ideas.show": CachedPage(personal=("antwort",), idea_argument="idea_id")},
    not_cached={"ideas.image_file": "a file, sent with an ETag and no-cache (hidden at once)",
                "ideas.similar": "answers what the person is typing"},
    public=(Idea, IdeaStateChange, IdeaImage),
)

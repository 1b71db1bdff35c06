"""Moderation: the review queue, state changes with reasons, official answers, scores, merges, reports."""

from app.cache import declare
from app.models import Criterion, OfficialAnswer, Score

# Official answers are public; the rubric's criteria and scores are staff pages only.
declare(public=(OfficialAnswer,), private=(Criterion, Score))

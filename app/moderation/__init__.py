"""Moderation: the review queue, state changes with reasons, official answers, scores, merges, reports."""

from app import audit
from app.cache import declare
from app.models import Criterion, OfficialAnswer, Score
from app.moderation.rubric import AXIS_LABELS

# Official answers are public; the rubric's criteria and scores are staff pages only.
declare(public=(OfficialAnswer,), private=(Criterion, Score))
audit.name_values("axis", lambda axis: AXIS_LABELS.get(axis, axis))

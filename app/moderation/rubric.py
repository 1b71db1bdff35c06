"""The Relevanz/Potenzial rubric: scoring an idea and the arithmetic of axis scores.

Criteria are rows of `criteria` (the district may add, rename or retire them).
Each moderator scores every active criterion 0–5 with an optional note. An
axis score is the mean over that axis's criteria and all scorers; the spread
is the lowest and highest mean of a single scorer on that axis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.auth import scope
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import Criterion, Idea, Score, User, utcnow
from app.models.idea import CANDIDATE, IN_REVIEW, SHORTLISTED
from app.models.moderation import AXES, AXIS_POTENTIAL, AXIS_RELEVANCE, SCORE_MAX, SCORE_MIN, SCORE_NOTE_MAX
from app.moderation.services import require_moderator_of

SCORABLE_STATES = frozenset({IN_REVIEW, CANDIDATE})
# Shown with their scores in the candidates view.
RANKED_STATES = (IN_REVIEW, CANDIDATE, SHORTLISTED)
AXIS_LABELS = {AXIS_RELEVANCE: _l("Relevance"), AXIS_POTENTIAL: _l("Potential")}
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class AxisScore:
    mean: Decimal | None  # None: nobody has scored this axis yet
    scorers: int
    lowest: Decimal | None  # lowest / highest mean of one scorer
    highest: Decimal | None

    @property
    def spread(self) -> Decimal | None:
        return None if self.highest is None or self.lowest is None else self.highest - self.lowest


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(_CENT, rounding=ROUND_HALF_UP)


def axis_score(values_by_scorer: dict[int, list[int]]) -> AxisScore:
    """The mean over all values of all scorers, and the range of the scorers' own means."""
    values = [v for scorer_values in values_by_scorer.values() for v in scorer_values]
    if not values:
        return AxisScore(None, 0, None, None)
    per_scorer = [_mean(v) for v in values_by_scorer.values() if v]
    return AxisScore(_mean(values), len(per_scorer), min(per_scorer), max(per_scorer))


def axis_scores(rows: Iterable[tuple[int, str, int]]) -> dict[str, AxisScore]:
    """Rows of (scorer id, axis, value) -> an AxisScore per axis."""
    grouped: dict[str, dict[int, list[int]]] = {axis: defaultdict(list) for axis in AXES}
    for user_id, axis, value in rows:
        grouped[axis][user_id].append(value)
    return {axis: axis_score(grouped[axis]) for axis in AXES}


def scores_for_ideas(idea_ids: list[int]) -> dict[int, dict[str, AxisScore]]:
    """Axis scores of many ideas in one query (active criteria only)."""
    by_idea: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    if idea_ids:
        rows = db.session.execute(
            select(Score.idea_id, Score.user_id, Criterion.axis, Score.value)
            .join(Criterion, Criterion.id == Score.criterion_id)
            .where(Score.idea_id.in_(idea_ids), Criterion.is_active.is_(True))
        )
        for idea_id, user_id, axis, value in rows:
            by_idea[idea_id].append((user_id, axis, value))
    return {idea_id: axis_scores(by_idea.get(idea_id, [])) for idea_id in idea_ids}


def active_criteria() -> list[Criterion]:
    return list(
        db.session.scalars(
            select(Criterion).where(Criterion.is_active.is_(True)).order_by(Criterion.axis.desc(), Criterion.position, Criterion.id)
        )
    )


def scores_of(idea: Idea, scorer: User) -> dict[int, Score]:
    """This scorer's scores on this idea, by criterion id."""
    return {
        s.criterion_id: s
        for s in db.session.scalars(select(Score).where(Score.idea_id == idea.id, Score.user_id == scorer.id))
    }


def can_score(idea: Idea, user: User | None) -> bool:
    return scope.may_moderate(user, idea) and idea.status in SCORABLE_STATES and not idea.is_hidden


def score_idea(idea: Idea, scorer: User, values: dict[int, tuple[int | None, str]]) -> None:
    """Save one moderator's scores: {criterion id: (value 0–5, note)} for every active criterion."""
    require_moderator_of(scorer, idea)
    if idea.status not in SCORABLE_STATES:
        raise NotAllowed(_l("Only ideas in review and candidates can be scored."))
    criteria = active_criteria()
    existing = scores_of(idea, scorer)
    before = {c.name: existing[c.id].value for c in criteria if c.id in existing} or None
    now = utcnow()
    after = {}
    for criterion in criteria:
        value, note = values.get(criterion.id, (None, ""))
        note = (note or "").strip()
        if value is None or not SCORE_MIN <= value <= SCORE_MAX:
            raise InvalidInput(_l("Please score every criterion from 0 to 5."))
        if len(note) > SCORE_NOTE_MAX:
            raise InvalidInput(_l("A note may be at most 500 characters long."))
        score = existing.get(criterion.id)
        if score is None:
            db.session.add(Score(idea_id=idea.id, user_id=scorer.id, criterion_id=criterion.id, value=value, note=note, updated_at=now))
        elif (score.value, score.note) != (value, note):
            score.value, score.note, score.updated_at = value, note, now
        after[criterion.name] = value
    db.session.flush()
    audit.record(
        scorer,
        "idea.score",
        "idea",
        idea.id,
        before=before,
        after=after,
    )

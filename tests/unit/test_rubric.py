"""Rubric arithmetic (means over criteria and scorers, spread, nothing scored yet) and scoring."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import AuditEntry, Criterion
from app.moderation import rubric
from app.moderation import services as moderation
from tests.factories import create_user, make_idea


def test_no_scores_yet():
    result = rubric.axis_scores([])
    for axis in ("relevance", "potential"):
        assert result[axis].mean is None and result[axis].scorers == 0 and result[axis].spread is None


def test_mean_over_criteria_and_scorers_and_the_spread():
    rows = [
        (1, "relevance", 5), (1, "relevance", 4), (1, "relevance", 3),  # scorer 1: mean 4
        (2, "relevance", 1), (2, "relevance", 2), (2, "relevance", 0),  # scorer 2: mean 1
        (1, "potential", 2),
    ]
    result = rubric.axis_scores(rows)
    assert result["relevance"].mean == Decimal("2.50")  # 15 / 6
    assert (result["relevance"].scorers, result["relevance"].lowest, result["relevance"].highest) == (2, Decimal("1.00"), Decimal("4.00"))
    assert result["relevance"].spread == Decimal("3.00")
    assert result["potential"].mean == Decimal("2.00") and result["potential"].scorers == 1


def test_means_round_half_up_to_two_decimals():
    assert rubric.axis_score({1: [1, 1, 2]}).mean == Decimal("1.33")
    assert rubric.axis_score({1: [2, 2, 1]}).mean == Decimal("1.67")
    assert rubric.axis_score({1: [0, 5], 2: [5]}).mean == Decimal("3.33")


@pytest.fixture
def scored(app, reference):
    moderator = create_user("mod@example.com", roles=("moderator",))
    idea = make_idea(create_user("a@example.com"))
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    return idea, moderator


def _all(value, note=""):
    return {c.id: (value, note) for c in rubric.active_criteria()}


def test_scoring_every_criterion_and_changing_it(scored):
    idea, moderator = scored
    second = create_user("mod2@example.com", roles=("moderator",))
    rubric.score_idea(idea, moderator, _all(4, "stark"))
    rubric.score_idea(idea, second, _all(1))
    db.session.commit()
    result = rubric.scores_for_ideas([idea.id])[idea.id]
    assert result["relevance"].mean == Decimal("2.50") and result["relevance"].scorers == 2
    assert result["potential"].mean == Decimal("2.50") and result["potential"].spread == Decimal("3.00")
    rubric.score_idea(idea, second, _all(4))  # a scorer changes their mind: still one set per scorer
    db.session.commit()
    assert rubric.scores_for_ideas([idea.id])[idea.id]["relevance"].mean == Decimal("4.00")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "idea.score").order_by(AuditEntry.id)).all()
    assert len(entries) == 3 and entries[-1].before["Imagefaktor"] == 1 and entries[-1].after["Imagefaktor"] == 4


def test_every_criterion_needs_a_value_from_0_to_5(scored):
    idea, moderator = scored
    values = _all(3)
    values.pop(next(iter(values)))
    with pytest.raises(InvalidInput):
        rubric.score_idea(idea, moderator, values)
    with pytest.raises(InvalidInput):
        rubric.score_idea(idea, moderator, _all(6))
    with pytest.raises(InvalidInput):
        rubric.score_idea(idea, moderator, _all(3, "x" * 501))


def test_only_ideas_in_review_or_candidates_and_only_moderators(scored, reference):
    idea, moderator = scored
    with pytest.raises(NotAllowed):
        rubric.score_idea(idea, create_user("s@example.com", roles=("steering",)), _all(3))
    moderation.change_status(idea, "declined", moderator, "Nein")
    with pytest.raises(NotAllowed):
        rubric.score_idea(idea, moderator, _all(3))


def test_criteria_are_data(scored):
    idea, moderator = scored
    rubric.score_idea(idea, moderator, _all(2))
    db.session.add(Criterion(axis="relevance", name="Klimawirkung", position=9))
    db.session.commit()
    with pytest.raises(InvalidInput):
        rubric.score_idea(idea, moderator, {c.id: (2, "") for c in rubric.active_criteria() if c.name != "Klimawirkung"})
    db.session.rollback()
    values = _all(2)
    new = db.session.scalar(select(Criterion).where(Criterion.name == "Klimawirkung"))
    values[new.id] = (5, "")
    rubric.score_idea(idea, moderator, values)
    db.session.commit()
    assert rubric.scores_for_ideas([idea.id])[idea.id]["relevance"].mean == Decimal("2.50")  # (5*2 + 5) / 6
    new.is_active = False  # retired: no longer counted
    db.session.commit()
    assert rubric.scores_for_ideas([idea.id])[idea.id]["relevance"].mean == Decimal("2.00")


def test_the_database_refuses_scores_out_of_range(scored):
    from sqlalchemy.exc import IntegrityError

    from app.models import Score

    idea, moderator = scored
    criterion = rubric.active_criteria()[0]
    db.session.add(Score(idea_id=idea.id, user_id=moderator.id, criterion_id=criterion.id, value=7))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

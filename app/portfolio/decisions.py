"""Supporters versus the Steuerungsgremium ("Wie entschieden wurde"): the candidates ranked by
their supports beside what the committee chose, and where the two part, the committee's reason.

Which ideas: every idea that became a candidate (the committee chooses among candidates) and was
not merged away (a merged idea's supports count on the idea it was merged into). Their outcome:
chosen (on the shortlist or in the portfolio), declined, or not decided yet (still a candidate; or
withdrawn). A chosen idea with fewer supports than an idea not chosen, and a declined idea with
more supports than a chosen one, are marked; each shows the reason of its decision, or says that
there is none. Ties share a rank (1, 2, 2, 4). No one's name is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Idea, IdeaStateChange
from app.models.idea import CANDIDATE, DECLINED, IN_PORTFOLIO, MERGED, SHORTLISTED

CHOSEN, DECLINED_OUTCOME, OPEN = "chosen", "declined", "open"


@dataclass
class Decision:
    idea: Idea
    supports: int
    rank: int
    outcome: str  # CHOSEN, DECLINED_OUTCOME or OPEN
    reason: str  # the public reason of the decision ("" when there is none)
    chosen_over_stronger: bool = False  # chosen with fewer supports than an idea not chosen
    declined_over_weaker: bool = False  # declined with more supports than a chosen idea

    @property
    def departs(self) -> bool:
        """Where the committee's choice departs from the supporters' ranking."""
        return self.chosen_over_stronger or self.declined_over_weaker


def _outcome(status: str) -> str:
    if status in (SHORTLISTED, IN_PORTFOLIO):
        return CHOSEN
    return DECLINED_OUTCOME if status == DECLINED else OPEN


def comparison() -> list[Decision]:
    """The candidates, most supported first (two queries)."""
    became_candidate = select(IdeaStateChange.idea_id).where(IdeaStateChange.to_status == CANDIDATE)
    ideas = list(db.session.scalars(
        select(Idea).where(Idea.id.in_(became_candidate), Idea.status != MERGED, Idea.is_hidden.is_(False))
        .order_by(Idea.support_count.desc(), Idea.id)
    ))
    reasons = _decision_reasons([i.id for i in ideas])
    decisions: list[Decision] = []
    for index, idea in enumerate(ideas):
        rank = decisions[-1].rank if decisions and decisions[-1].supports == idea.support_count else index + 1
        outcome = _outcome(idea.status)
        decisions.append(Decision(idea, idea.support_count, rank, outcome, reasons.get((idea.id, idea.status), "")))
    chosen = [d.supports for d in decisions if d.outcome == CHOSEN]
    passed_over = [d.supports for d in decisions if d.outcome == DECLINED_OUTCOME]
    for d in decisions:
        d.chosen_over_stronger = d.outcome == CHOSEN and any(s > d.supports for s in passed_over)
        d.declined_over_weaker = d.outcome == DECLINED_OUTCOME and any(s < d.supports for s in chosen)
    return decisions


def _decision_reasons(idea_ids: list[int]) -> dict[tuple[int, str], str]:
    """(idea, state) → the public reason of the latest change into that state."""
    if not idea_ids:
        return {}
    rows = db.session.execute(
        select(IdeaStateChange.idea_id, IdeaStateChange.to_status, IdeaStateChange.reason)
        .where(IdeaStateChange.idea_id.in_(idea_ids), IdeaStateChange.to_status.in_((SHORTLISTED, IN_PORTFOLIO, DECLINED)),
               IdeaStateChange.project_link.is_(None), IdeaStateChange.moved_from.is_(None))
        .order_by(IdeaStateChange.id)
    ).all()
    reasons: dict[tuple[int, str], str] = {}
    for idea_id, status, reason in rows:
        reasons[(idea_id, status)] = (reason or "").strip()
    # An idea in the portfolio was chosen on the shortlist: its shortlisting reason counts too.
    for (idea_id, status), reason in list(reasons.items()):
        if status == SHORTLISTED and reason and not reasons.get((idea_id, IN_PORTFOLIO)):
            reasons[(idea_id, IN_PORTFOLIO)] = reason
    return reasons

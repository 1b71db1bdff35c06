"""Reading for the moderation: the dashboard's queues and the candidates view.

Every list is one query (with its joins) plus at most one for action fields,
whatever its length; filters by action field and municipality apply to all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import ActionField, Comment, Idea, Municipality, OfficialAnswer, Report, idea_action_fields
from app.models.idea import DRAFT, PUBLISHED
from app.models.participation import REPORT_OPEN
from app.moderation import rubric

QUEUE_LIMIT = 50


@dataclass
class Filters:
    field: str = ""  # action field slug
    municipality: str = ""  # municipality slug
    unanswered: bool = False  # only ideas still without an official answer
    # The towns a digital officer moderates (app/auth/scope.py): set by the view, never from the
    # URL; None for the district's moderators, who see everything.
    towns: frozenset[int] | None = None

    @classmethod
    def from_args(cls, args, towns: frozenset[int] | None = None) -> Filters:
        return cls(field=(args.get("field") or "")[:60], municipality=(args.get("municipality") or "")[:60],
                   unanswered=args.get("ohne_antwort") == "1", towns=towns)

    @property
    def is_filtered(self) -> bool:
        return bool(self.field or self.municipality or self.unanswered)

    def apply(self, stmt: Select, idea_id_column=Idea.id) -> Select:
        """Restrict a statement to ideas (by id column) in the chosen action field and municipality,
        and to an officer's towns."""
        if self.towns is not None:
            stmt = stmt.where(idea_id_column.in_(select(Idea.id).where(Idea.municipality_id.in_(sorted(self.towns)))))
        if self.field:
            stmt = stmt.where(
                idea_id_column.in_(
                    select(idea_action_fields.c.idea_id)
                    .join(ActionField, ActionField.id == idea_action_fields.c.action_field_id)
                    .where(ActionField.slug == self.field)
                )
            )
        if self.municipality:
            stmt = stmt.where(
                idea_id_column.in_(
                    select(Idea.id).join(Municipality, Municipality.id == Idea.municipality_id).where(Municipality.slug == self.municipality)
                )
            )
        if self.unanswered:
            stmt = stmt.where(~exists().where(OfficialAnswer.idea_id == idea_id_column))
        return stmt


def _ideas(stmt: Select) -> Select:
    return stmt.join(Idea.author).join(Idea.municipality).options(
        contains_eager(Idea.author), contains_eager(Idea.municipality), selectinload(Idea.action_fields)
    )


def waiting_for_review(filters: Filters) -> tuple[list[Idea], int]:
    """Published ideas nobody has taken into review yet, oldest first."""
    where = (Idea.status == PUBLISHED, Idea.is_hidden.is_(False))
    total = db.session.scalar(filters.apply(select(func.count(Idea.id)).where(*where)))
    items = db.session.scalars(
        filters.apply(_ideas(select(Idea)).where(*where)).order_by(Idea.published_at, Idea.id).limit(QUEUE_LIMIT)
    ).all()
    return list(items), total


@dataclass
class ReportedItem:
    """All open reports of one idea or comment (a comment on an idea or on a project)."""

    idea: Idea | None
    comment: Comment | None
    count: int = 0
    reasons: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    first_at: object = None

    @property
    def item(self) -> Idea | Comment:
        item = self.comment if self.comment is not None else self.idea
        assert item is not None  # noqa: S101  # nosec B101  # one of the two, by construction in open_reports
        return item


def open_reports(filters: Filters) -> list[ReportedItem]:
    """Open reports grouped by reported item, most reported first."""
    comment_idea = Comment.idea_id
    idea_of_report = func.coalesce(Report.idea_id, select(comment_idea).where(Comment.id == Report.comment_id).scalar_subquery())
    reports = db.session.scalars(
        filters.apply(select(Report).where(Report.status == REPORT_OPEN), idea_of_report).order_by(Report.created_at).limit(1000)
    ).all()
    idea_ids = {r.idea_id for r in reports if r.idea_id}
    comment_ids = {r.comment_id for r in reports if r.comment_id}
    comments = {
        c.id: c
        for c in db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids))
                                    .options(joinedload(Comment.author), joinedload(Comment.project)))
    }
    idea_ids |= {c.idea_id for c in comments.values() if c.idea_id is not None}
    ideas = {i.id: i for i in db.session.scalars(_ideas(select(Idea)).where(Idea.id.in_(idea_ids)))}
    grouped: dict[tuple, ReportedItem] = {}
    for report in reports:
        if report.comment_id:
            comment = comments[report.comment_id]
            key = ("comment", comment.id)
            idea = ideas[comment.idea_id] if comment.idea_id is not None else None  # else on comment.project
            entry = grouped.setdefault(key, ReportedItem(idea=idea, comment=comment))
        else:
            key = ("idea", report.idea_id)
            entry = grouped.setdefault(key, ReportedItem(idea=ideas[report.idea_id], comment=None))
        entry.count += 1
        entry.reasons[report.reason] += 1
        if report.note:
            entry.notes.append(report.note)
        entry.first_at = entry.first_at or report.created_at
    return sorted(grouped.values(), key=lambda e: (-e.count, e.first_at))


def hidden_ideas(filters: Filters) -> list[Idea]:
    return list(
        db.session.scalars(
            filters.apply(_ideas(select(Idea)).where(Idea.is_hidden.is_(True), Idea.status != DRAFT))
            .order_by(Idea.hidden_at.desc())
            .limit(QUEUE_LIMIT)
        )
    )


def hidden_comments(filters: Filters) -> list[Comment]:
    return list(
        db.session.scalars(
            filters.apply(
                select(Comment).join(Comment.author)
                .options(contains_eager(Comment.author), joinedload(Comment.idea), joinedload(Comment.project)),
                Comment.idea_id,
            )
            .where(Comment.is_hidden.is_(True))
            .order_by(Comment.hidden_at.desc())
            .limit(QUEUE_LIMIT)
        )
    )


def counts_by_state(filters: Filters) -> dict[str, int]:
    rows = db.session.execute(
        filters.apply(select(Idea.status, func.count(Idea.id)).where(Idea.status != DRAFT)).group_by(Idea.status)
    )
    return {status: count for status, count in rows}


@dataclass
class Candidate:
    idea: Idea
    scores: dict[str, rubric.AxisScore]

    @property
    def relevance(self) -> rubric.AxisScore:
        return self.scores["relevance"]

    @property
    def potential(self) -> rubric.AxisScore:
        return self.scores["potential"]


CANDIDATE_SORTS = ("relevance", "potential", "supports", "comments", "title", "status")


def candidates(filters: Filters, sort: str = "relevance", states=rubric.RANKED_STATES) -> list[Candidate]:
    """Ideas in review, candidates and shortlisted ones, with their axis scores (3 queries)."""
    ideas = db.session.scalars(
        filters.apply(_ideas(select(Idea)).where(Idea.status.in_(states), Idea.is_hidden.is_(False))).order_by(Idea.id)
    ).all()
    scores = rubric.scores_for_ideas([i.id for i in ideas])
    result = [Candidate(idea, scores[idea.id]) for idea in ideas]

    def by_axis(axis):
        # Unscored last; ties by supports.
        return lambda c: (c.scores[axis].mean is None, -(c.scores[axis].mean or 0), -c.idea.support_count)

    keys = {
        "relevance": by_axis("relevance"),
        "potential": by_axis("potential"),
        "supports": lambda c: (-c.idea.support_count, c.idea.id),
        "comments": lambda c: (-c.idea.comment_count, c.idea.id),
        "title": lambda c: c.idea.title.lower(),
        "status": lambda c: (states.index(c.idea.status), c.idea.id),
    }
    return sorted(result, key=keys.get(sort, keys["relevance"]))


def open_reports_of(idea: Idea) -> list[Report]:
    return list(
        db.session.scalars(
            select(Report).where(Report.idea_id == idea.id, Report.status == REPORT_OPEN).order_by(Report.created_at)
        )
    )


def comments_of(idea: Idea) -> list[Comment]:
    """Every comment of the idea for its moderation page: hidden and deleted ones too, oldest first."""
    return list(db.session.scalars(
        select(Comment).where(Comment.idea_id == idea.id).options(joinedload(Comment.author)).order_by(Comment.created_at, Comment.id)
    ))

"""The report's figures for a period, read from the ideas published in it (app/reports)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.errors import InvalidInput
from app.extensions import db
from app.ideas.queries import is_visible
from app.models import ActionField, Comment, Idea, IdeaStateChange, Municipality, OfficialAnswer, Support, idea_action_fields
from app.models.idea import CANDIDATE, IN_PORTFOLIO, IN_REVIEW, SHORTLISTED
from app.portfolio import decisions
from app.templating import local_zone

# The way of an idea, step by step: (state reached, its name in the report).
FUNNEL = (
    ("published", _l("submitted and published")),
    (IN_REVIEW, _l("in review")),
    (CANDIDATE, _l("candidate")),
    (SHORTLISTED, _l("on the shortlist")),
    (IN_PORTFOLIO, _l("in the portfolio (new or as a contribution)")),
)
MAX_DAYS = 3660  # a period of at most ten years


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        """The period in UTC: from the start of `start` to the end of `end`, German time."""
        zone = local_zone()
        return (datetime.combine(self.start, time.min, zone), datetime.combine(self.end + timedelta(days=1), time.min, zone))


def period(start: date | None, end: date | None, today: date) -> Period:
    """The chosen period (default: the last 90 days); an end before the start is refused."""
    end = end or today
    start = start or end - timedelta(days=89)
    if end < start:
        raise InvalidInput(_l("The period ends before it starts. Please check both dates."))
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(_l("At most ten years at a time, please."))
    return Period(start, end)


@dataclass
class Step:
    label: object
    count: int
    median_days: float | None  # from publishing to reaching this step


@dataclass
class Responsiveness:
    town: str
    ideas: int = 0
    unanswered_14: int = 0
    unanswered_30: int = 0
    median_days: float | None = None


@dataclass
class Report:
    period: Period
    funnel: list[Step]
    by_field: list[tuple[str, int]]
    by_town: list[tuple[str, int]]
    weeks: list[Week]
    responsiveness: list[Responsiveness]
    decisions: list[decisions.Decision] = field(default_factory=list)

    @property
    def total(self) -> Responsiveness:
        ideas = sum(r.ideas for r in self.responsiveness)
        return Responsiveness(str(_l("All towns")), ideas, sum(r.unanswered_14 for r in self.responsiveness),
                              sum(r.unanswered_30 for r in self.responsiveness))


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def build(p: Period, now: datetime) -> Report:
    start, end = p.bounds()
    ideas = db.session.execute(
        select(Idea.id, Idea.published_at, Idea.municipality_id)
        .where(*is_visible(), Idea.published_at >= start, Idea.published_at < end)
    ).all()
    ids = [row.id for row in ideas]
    published = {row.id: row.published_at for row in ideas}
    reached: dict[str, dict[int, datetime]] = defaultdict(dict)
    for idea_id, status, at in db.session.execute(
            select(IdeaStateChange.idea_id, IdeaStateChange.to_status, IdeaStateChange.created_at)
            .where(IdeaStateChange.idea_id.in_(ids), IdeaStateChange.project_link.is_(None), IdeaStateChange.moved_from.is_(None))
            .order_by(IdeaStateChange.id)) if ids else []:
        reached[status].setdefault(idea_id, at)
    funnel = []
    for status, label in FUNNEL:
        if status == "published":
            funnel.append(Step(label, len(ids), None))
            continue
        days = [(at - published[i]).total_seconds() / 86400 for i, at in reached[status].items() if published.get(i)]
        funnel.append(Step(label, len(reached[status]), _median(days)))

    by_field = [(name, count) for name, count in db.session.execute(
        select(ActionField.name, func.count(idea_action_fields.c.idea_id))
        .join(idea_action_fields, idea_action_fields.c.action_field_id == ActionField.id)
        .where(idea_action_fields.c.idea_id.in_(ids)).group_by(ActionField.id, ActionField.name).order_by(ActionField.position)
    )] if ids else []
    towns = {m.id: m.name for m in db.session.scalars(select(Municipality).order_by(Municipality.is_district.desc(), Municipality.position))}
    town_counts = Counter(row.municipality_id for row in ideas)
    by_town = [(name, town_counts.get(town_id, 0)) for town_id, name in towns.items()]

    first_answer = dict(db.session.execute(
        select(OfficialAnswer.idea_id, func.min(OfficialAnswer.created_at)).where(OfficialAnswer.idea_id.in_(ids)).group_by(OfficialAnswer.idea_id)
    ).tuples().all()) if ids else {}
    per_town = {town_id: Responsiveness(name) for town_id, name in towns.items()}
    answer_days: dict[int, list[float]] = defaultdict(list)
    for row in ideas:
        entry = per_town[row.municipality_id]
        entry.ideas += 1
        answered = first_answer.get(row.id)
        if answered is not None:
            answer_days[row.municipality_id].append((answered - row.published_at).total_seconds() / 86400)
        for limit, attr in ((14, "unanswered_14"), (30, "unanswered_30")):
            deadline = row.published_at + timedelta(days=limit)
            if deadline <= now and (answered is None or answered > deadline):
                setattr(entry, attr, getattr(entry, attr) + 1)
    for town_id, values in answer_days.items():
        per_town[town_id].median_days = _median(values)

    return Report(p, funnel, by_field, by_town, _weeks(p, start, end), list(per_town.values()), decisions.comparison())


def _week_of(moment: datetime) -> date:
    local = moment.astimezone(local_zone()).date()
    return local - timedelta(days=local.weekday())


@dataclass
class Week:
    week: date  # its Monday
    ideas: int = 0
    comments: int = 0
    supports: int = 0
    active: set[int] = field(default_factory=set)  # the accounts that did any of it

    @property
    def people(self) -> int:
        return len(self.active)


def _weeks(p: Period, start: datetime, end: datetime) -> list[Week]:
    """Per week (Monday): ideas published, comments, supports, and the people who did any of it."""
    weeks: dict[date, Week] = {}
    monday = p.start - timedelta(days=p.start.weekday())
    while monday <= p.end:
        weeks[monday] = Week(monday)
        monday += timedelta(days=7)
    sources = (
        ("ideas", select(Idea.published_at, Idea.author_id).where(*is_visible(), Idea.published_at >= start, Idea.published_at < end)),
        ("comments", select(Comment.created_at, Comment.author_id).where(Comment.created_at >= start, Comment.created_at < end,
                                                                         Comment.deleted_at.is_(None))),
        ("supports", select(Support.created_at, Support.user_id).where(Support.created_at >= start, Support.created_at < end)),
    )
    for key, stmt in sources:
        for at, person in db.session.execute(stmt):
            week = weeks.get(_week_of(at))
            if week is not None:
                setattr(week, key, getattr(week, key) + 1)
                week.active.add(person)
    return list(weeks.values())

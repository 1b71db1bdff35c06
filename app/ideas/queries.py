"""Reading ideas for lists: filters, sort orders, search and pages.

A page of the list costs a fixed number of queries whatever its size:
the ideas with author and municipality in one joined query, their action
fields in one more (selectin), and one count. Counts of supports and
comments are stored counters on the idea.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, bindparam, func, literal, select, tuple_, union_all
from sqlalchemy.orm import contains_eager, joinedload, load_only, noload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app import search
from app.extensions import db
from app.models import (
    ActionField,
    Idea,
    IdeaImage,
    Municipality,
    OfficialAnswer,
    Project,
    Support,
    User,
    idea_action_fields,
    utcnow,
)
from app.models.idea import DRAFT, IN_PORTFOLIO, MERGED, PUBLIC_STATUSES, WITHDRAWN
from app.models.user import ACCOUNT_TYPES
from app.pagination import COUNT_EXACT_MAX, Count, Page, capped, count_rows, paginate, parse_page

TRENDING_DAYS = 14
QUERY_MAX = 200
FIELDS_MAX = 20  # action fields one filter may name

SORTS = {
    "newest": _l("Newest"),
    "supported": _l("Most supported"),
    "discussed": _l("Most discussed"),
    "trending": _l("Trending (last 14 days)"),
}
DEFAULT_SORT = "newest"
# Without a status filter, the list shows the ideas still in play and what became of them,
# but not the ones merged into another or withdrawn (they can be filtered for).
DEFAULT_HIDDEN_STATUSES = (MERGED, WITHDRAWN)


@dataclass
class IdeaFilters:
    q: str = ""
    fields: list[str] = field(default_factory=list)  # action field slugs
    municipality: str = ""  # municipality slug
    status: str = ""
    submitter: str = ""  # citizen | organisation
    answered: bool = False  # only ideas with an official answer
    sort: str = DEFAULT_SORT
    page: int = 1

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.fields or self.municipality or self.status or self.submitter or self.answered)

    @property
    def active_count(self) -> int:
        """How many filters are set (for "Filter (2 aktiv)" on small screens)."""
        return len(self.fields) + sum(1 for value in (self.q, self.municipality, self.status, self.submitter, self.answered) if value)

    @classmethod
    def from_args(cls, args) -> IdeaFilters:
        """Read filters from query arguments; anything unknown is ignored, never an error."""
        status = args.get("status", "")
        submitter = args.get("submitter", "")
        sort = args.get("sort", DEFAULT_SORT)
        return cls(
            q=(args.get("q") or "").strip()[:QUERY_MAX],
            fields=[slug for slug in args.getlist("field") if slug][:FIELDS_MAX],
            municipality=(args.get("municipality") or "")[:60],
            status=status if status in PUBLIC_STATUSES else "",
            submitter=submitter if submitter in ACCOUNT_TYPES else "",
            answered=args.get("answered") == "1",
            sort=sort if sort in SORTS else DEFAULT_SORT,
            page=parse_page(args),
        )


# What an idea card (ideas/_card.html) shows: lists load only these, not the long texts, the search
# document or the author's account data (sorting narrow rows, not 1 KB ones).
CARD_COLUMNS = (Idea.title, Idea.status, Idea.summary, Idea.published_at, Idea.support_count, Idea.comment_count,
                Idea.municipality_id, Idea.author_id, Idea.project_id, Idea.is_hidden, Idea.author_label)
CARD_AUTHOR_COLUMNS = (User.display_name, User.organisation_name, User.account_type, User.deleted_at)


def is_visible() -> tuple[ColumnElement[bool], ...]:
    """An idea anyone may see: published (not a draft) and not hidden by moderation."""
    return Idea.status != DRAFT, Idea.is_hidden.is_(False)


def is_listed() -> tuple[ColumnElement[bool], ...]:
    """An idea the lists and counts show by default: visible, neither merged nor withdrawn."""
    return *is_visible(), Idea.status.not_in(DEFAULT_HIDDEN_STATUSES)


def visible_ideas(*, fields: bool = True, card: bool = False) -> Select:
    """Published (non-draft), not hidden ideas, with author and municipality joined.

    The action fields come in a second query, or, with fields=False, not at all (the caller loads
    them: load_action_fields). With card, only what a card shows is loaded (CARD_COLUMNS)."""
    author = contains_eager(Idea.author).load_only(*CARD_AUTHOR_COLUMNS) if card else contains_eager(Idea.author)
    stmt = (
        select(Idea)
        .join(Idea.author)
        .join(Idea.municipality)
        .where(*is_visible())
        .options(author, contains_eager(Idea.municipality),
                 selectinload(Idea.action_fields) if fields else noload(Idea.action_fields), joinedload(Idea.project))
    )
    if card:
        stmt = stmt.options(load_only(*CARD_COLUMNS))
    return stmt


@dataclass(frozen=True)
class _Named:
    """The ids of what filters name by slug (app/ideas/queries.py, _named)."""
    field_ids: tuple[int, ...] = ()
    municipality_ids: tuple[int, ...] = ()


def _named(filters: IdeaFilters, fields: list[ActionField] | None, municipalities: list[Municipality] | None) -> _Named:
    """The action fields and the municipality the filters name: from the reference lists where the
    caller has them (the list page shows them in its form), else in one small query (none without
    such a filter). The ids go into the list's query as values: the planner estimates a value
    better than a subquery (a field's list 14 -> 16 ms with one)."""
    if not filters.fields and not filters.municipality:
        return _Named()
    if fields is not None and municipalities is not None:
        return _Named(tuple(f.id for f in fields if f.slug in filters.fields),
                      tuple(m.id for m in municipalities if m.slug == filters.municipality))
    rows = db.session.execute(
        select(literal("field"), ActionField.id).where(ActionField.slug.in_(filters.fields))
        .union_all(select(literal("municipality"), Municipality.id).where(Municipality.slug == filters.municipality))
    ).all()
    return _Named(tuple(i for kind, i in rows if kind == "field"), tuple(i for kind, i in rows if kind == "municipality"))


def _apply_filters(stmt: Select, filters: IdeaFilters, named: _Named) -> Select:
    if filters.status:
        stmt = stmt.where(Idea.status == filters.status)
    else:
        stmt = stmt.where(Idea.status.not_in(DEFAULT_HIDDEN_STATUSES))
    if filters.fields:
        stmt = stmt.where(
            Idea.id.in_(select(idea_action_fields.c.idea_id).where(idea_action_fields.c.action_field_id.in_(named.field_ids)))
        )
    if filters.municipality:
        stmt = stmt.where(Idea.municipality_id.in_(named.municipality_ids))
    if filters.submitter:
        stmt = stmt.where(User.account_type == filters.submitter)
    if filters.answered:
        stmt = stmt.where(has_answer())
    if filters.q:
        condition = search.search_filter(filters.q, db.engine.dialect.name)
        if condition is not None:
            stmt = stmt.where(condition)
    return stmt


def has_answer() -> ColumnElement[bool]:
    """Whether the moderation answered the idea (an official answer exists): a filter, or a column."""
    return select(OfficialAnswer.id).where(OfficialAnswer.idea_id == Idea.id).exists()


def _sort_key(stmt: Select, sort: str) -> tuple[Select, tuple]:
    """The statement with what the sort order needs joined, and the order's key (each part descending)."""
    if sort == "supported":
        return stmt, (Idea.support_count, Idea.published_at, Idea.id)
    if sort == "discussed":
        return stmt, (Idea.comment_count, Idea.published_at, Idea.id)
    if sort == "trending":
        since = utcnow() - timedelta(days=TRENDING_DAYS)
        recent = (
            select(Support.idea_id, func.count().label("recent"))
            .where(Support.created_at >= since, Support.suspended_at.is_(None))
            .group_by(Support.idea_id)
            .subquery()
        )
        return stmt.outerjoin(recent, recent.c.idea_id == Idea.id), (func.coalesce(recent.c.recent, 0), Idea.support_count, Idea.id)
    return stmt, (Idea.published_at, Idea.id)


def _apply_sort(stmt: Select, sort: str) -> Select:
    stmt, key = _sort_key(stmt, sort)
    return stmt.order_by(*(column.desc() for column in key))


def list_ideas(filters: IdeaFilters, per_page: int, *, card: bool = False,
               fields: list[ActionField] | None = None, municipalities: list[Municipality] | None = None) -> Page[Idea]:
    """A page of the list; with card, loading only what the cards show (the API needs every field).
    Matches are counted exactly up to COUNT_EXACT_MAX (the cost of a count must not grow with the table)."""
    named = _named(filters, fields, municipalities)
    stmt = _apply_sort(_apply_filters(visible_ideas(card=card), filters, named), filters.sort)
    return paginate(stmt, filters.page, per_page, count=_matching_ids(filters, named), exact_up_to=COUNT_EXACT_MAX)


def _matching_ids(filters: IdeaFilters, named: _Named) -> Select:
    """The ids of every idea the filters match: what a list's count counts (no eager loads, no order).

    Only `ideas`, joined to the author when a filter asks for the kind of submitter: every idea has
    an author and a municipality (foreign keys, NOT NULL), so the list's joins change no count, and
    without them a capped count reads 1,001 matches and stops (a search's count 6 -> 4 ms at 100,000)."""
    stmt = select(Idea.id).where(*is_visible())
    if filters.submitter:
        stmt = stmt.join(Idea.author)
    return _apply_filters(stmt, filters, named)


@dataclass
class Slice:
    """The ideas after a given one (keyset paging): the next ones in order and whether there are more."""
    items: list[Idea]
    total: int  # all matches, counted up to COUNT_EXACT_MAX
    exact: bool
    has_next: bool


def ideas_after(filters: IdeaFilters, after_id: int, per_page: int) -> Slice:
    """The `per_page` ideas that follow the idea `after_id` in the order of filters.sort.

    Keyset paging: the page starts at that idea's sort key, read from the sort order's index right
    there, as cheap on page 5,000 as on page 1 (OFFSET reads every row it skips). The key is the
    idea's as it is now (a support since may move it); an idea that was never published starts nothing."""
    named = _named(filters, None, None)
    stmt, key = _sort_key(_apply_filters(visible_ideas(), filters, named), filters.sort)
    probe, probe_key = _sort_key(select(Idea.id).where(Idea.id == after_id), filters.sort)
    position = db.session.execute(probe.with_only_columns(*probe_key, maintain_column_froms=True)).first()
    total, exact = count_rows(_matching_ids(filters, named), COUNT_EXACT_MAX)
    if position is None or None in position:
        return Slice(items=[], total=total, exact=exact, has_next=False)
    after = tuple_(*(bindparam(None, value, type_=column.type) for column, value in zip(key, position, strict=True)))
    items = list(db.session.scalars(stmt.where(tuple_(*key) < after).order_by(*(c.desc() for c in key)).limit(per_page + 1)).unique())
    return Slice(items=items[:per_page], total=total, exact=exact, has_next=len(items) > per_page)


def start_page_ideas(limit: int) -> tuple[list[Idea], list[Idea]]:
    """The newest and the most supported public ideas, in one query (the ideas of either top list,
    each found through its sort order's index), sorted apart here; their action fields in a second."""
    tops = []
    for sort in ("newest", "supported"):
        stmt, key = _sort_key(select(Idea.id).where(*is_listed()), sort)
        tops.append(select(stmt.order_by(*(c.desc() for c in key)).limit(limit).subquery().c.id))
    # One IN over both lists: an OR of two INs made PostgreSQL scan every idea (99 ms at 100,000; 0.6 ms so).
    rows = list(db.session.scalars(visible_ideas(fields=False, card=True).where(Idea.id.in_(union_all(*tops)))).unique())
    newest = sorted(rows, key=lambda i: (i.published_at, i.id), reverse=True)[:limit]
    supported = sorted(rows, key=lambda i: (i.support_count, i.published_at, i.id), reverse=True)[:limit]
    load_action_fields(rows)
    return newest, supported


@dataclass(frozen=True)
class Results:
    """What came of the ideas so far (the start page): listed ideas, those with an official
    answer, and those that went into the portfolio; each counted up to COUNT_EXACT_MAX."""
    ideas: Count
    answered: Count
    in_portfolio: Count


def start_page_results() -> Results:
    """The three counts of Results in one query; each count stops at COUNT_EXACT_MAX + 1 rows,
    so it costs the same at 10,000 ideas as at 100,000."""
    def counted(*conditions: ColumnElement[bool]):
        rows = select(Idea.id).where(*is_listed(), *conditions).limit(COUNT_EXACT_MAX + 1)
        return select(func.count()).select_from(rows.subquery()).scalar_subquery()

    row = db.session.execute(select(counted(), counted(has_answer()),
                                    counted(Idea.status == IN_PORTFOLIO))).one()
    return Results(*(capped(number, COUNT_EXACT_MAX) for number in row))


def load_action_fields(ideas: list[Idea]) -> None:
    """Fill in `action_fields` of these ideas (loaded with fields=False) with one query."""
    if not ideas:
        return
    rows = db.session.execute(
        select(idea_action_fields.c.idea_id, ActionField)
        .join(ActionField, ActionField.id == idea_action_fields.c.action_field_id)
        .where(idea_action_fields.c.idea_id.in_({idea.id for idea in ideas}))
        .order_by(ActionField.position)
    )
    by_idea: dict[int, list[ActionField]] = {}
    for idea_id, action_field in rows:
        by_idea.setdefault(idea_id, []).append(action_field)
    for idea in ideas:
        set_committed_value(idea, "action_fields", by_idea.get(idea.id, []))


def action_fields_with_counts(active_only: bool = True) -> list[tuple[ActionField, Count]]:
    """The action fields in order, each with how many listed ideas it has, counted up to
    COUNT_EXACT_MAX: one query, whose count per field stops there, so it costs the same at
    10,000 ideas as at 100,000."""
    listed = (
        select(idea_action_fields.c.idea_id)
        .join(Idea, Idea.id == idea_action_fields.c.idea_id)
        .where(idea_action_fields.c.action_field_id == ActionField.id)
        .where(*is_listed())
        .limit(COUNT_EXACT_MAX + 1)
        .correlate(ActionField)
    )
    counted = select(func.count()).select_from(listed.subquery()).scalar_subquery()
    stmt = select(ActionField, counted).order_by(ActionField.position, ActionField.name)
    if active_only:
        stmt = stmt.where(ActionField.is_active.is_(True))
    return [(action_field, capped(number, COUNT_EXACT_MAX)) for action_field, number in db.session.execute(stmt)]


def ideas_by_author(author_id: int) -> list[Idea]:
    """All of one person's ideas, drafts included, newest first."""
    stmt = (
        select(Idea)
        .join(Idea.municipality)
        .join(Idea.author)
        .where(Idea.author_id == author_id)
        .options(contains_eager(Idea.author), contains_eager(Idea.municipality), selectinload(Idea.action_fields), joinedload(Idea.project))
        .order_by(Idea.created_at.desc(), Idea.id.desc())
    )
    return list(db.session.scalars(stmt).unique())


SIMILAR_LIMIT = 5
_SIMILAR_CANDIDATES = 200


def similar_ideas(text_: str, *, exclude_id: int | None = None, limit: int = SIMILAR_LIMIT) -> list[Idea]:
    """Up to `limit` public ideas that share words with the text (title and summary), best first.

    The full-text index finds ideas sharing any meaningful stem; they are
    ranked by how many of the text's stems they share, so both databases
    rank alike. An idea must share two stems, or every stem of a short text.
    """
    terms = search.similarity_terms(text_ or "")
    if not terms:
        return []
    stmt = (
        visible_ideas()
        .where(Idea.status.not_in(DEFAULT_HIDDEN_STATUSES), Idea.id.in_(search.matching_idea_ids(terms, db.engine.dialect.name, any_term=True)))
        .order_by(Idea.support_count.desc(), Idea.id.desc())
        .limit(_SIMILAR_CANDIDATES)
    )
    if exclude_id is not None:
        stmt = stmt.where(Idea.id != exclude_id)
    needed = min(2, len(terms))
    ranked = []
    for idea in db.session.scalars(stmt):
        shared = search.overlap(terms, idea.search_document)
        if shared >= needed:
            ranked.append((shared, idea.support_count, idea.id, idea))
    ranked.sort(key=lambda r: (-r[0], -r[1], -r[2]))
    return [r[3] for r in ranked[:limit]]


SIMILAR_PROJECTS_LIMIT = 3


def similar_projects(text_: str, *, limit: int = SIMILAR_PROJECTS_LIMIT) -> list[Project]:
    """Portfolio projects whose title, description and goals share a meaningful word root with the
    text, those sharing most first. One root is enough (similar_ideas asks two): most of P1-P28
    are known by a short title only. The portfolio is small (dozens of projects): each is read and
    stemmed here rather than indexed."""
    terms = search.similarity_terms(text_ or "")
    if not terms:
        return []
    needed = 1
    ranked = []
    for project in db.session.scalars(select(Project).order_by(Project.number)):
        shared = search.overlap(terms, search.build_document(project.title, project.description, project.goals))
        if shared >= needed:
            ranked.append((shared, -project.number, project))
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    return [r[2] for r in ranked[:limit]]


def load_images(ideas: list[Idea]) -> None:
    """The pictures of these ideas in one query (the API lists them; the cards do not show them)."""
    if not ideas:
        return
    by_idea: dict[int, list[IdeaImage]] = {idea.id: [] for idea in ideas}
    for image in db.session.scalars(select(IdeaImage).where(IdeaImage.idea_id.in_(by_idea)).order_by(IdeaImage.idea_id, IdeaImage.position)):
        by_idea[image.idea_id].append(image)
    for idea in ideas:
        set_committed_value(idea, "images", by_idea[idea.id])

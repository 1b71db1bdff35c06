"""Pages of a long list, one way for every area: ?page= read leniently, a Page for the pager macro.

Templates show a Page with `{% from "macros/lists.html" import pager %}{{ pager(page) }}`.

A list that can grow without bound (the ideas) counts only up to a cap (`exact_up_to`, e.g.
COUNT_EXACT_MAX): counting every match costs as much as the table is large, counting up to
1,001 costs the same at 10,000 ideas as at 100,000. Beyond the cap a Page says "more than"
(`exact` is False, `total` a lower bound, `pages` unknown) and the pager offers the next page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import Select, func, select

from app.extensions import db
from app.security import parse_int

T = TypeVar("T")
PAGE_MAX = 100_000
COUNT_EXACT_MAX = 1000  # lists of ideas count exactly up to this many, beyond it "more than 1,000"


def parse_page(args: Mapping[str, str]) -> int:
    """The ?page= argument, 1 when missing or invalid."""
    return max(1, min(parse_int(args.get("page", "1")) or 1, PAGE_MAX))


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int
    exact: bool = True  # False: there are more than `total` rows (counted up to a cap)

    @property
    def pages(self) -> int | None:
        """How many pages there are; None when only a lower bound is known."""
        return max(1, math.ceil(self.total / self.per_page)) if self.exact else None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.pages is None or self.page < self.pages


class Count(NamedTuple):
    number: int
    exact: bool  # False: more than `number`


def capped(counted: int, up_to: int) -> Count:
    """A count taken up to `up_to` + 1 rows, as a Count."""
    return Count(up_to, False) if counted > up_to else Count(counted, True)


def count_rows(stmt: Select[Any], up_to: int | None = None) -> Count:
    """How many rows `stmt` has: with `up_to`, counting stops there (a statement with more rows
    gives Count(up_to, exact=False))."""
    counted = stmt.order_by(None)
    if up_to is not None:
        counted = counted.limit(up_to + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    return Count(total, True) if up_to is None else capped(total, up_to)


def paginate(
    stmt: Select[Any], page: int, per_page: int, *, count: Select[Any] | None = None, exact_up_to: int | None = None
) -> Page[Any]:
    """One page of `stmt` (already ordered); a page past the end shows the last one. `count` is a
    cheaper statement with the same rows (without eager loads), if the view has one. With
    `exact_up_to`, rows are counted only up to that many, or up to the end of the page asked for
    if that is further (so that page is known to exist): beyond, the Page is not exact."""
    up_to = None if exact_up_to is None else max(exact_up_to, page * per_page)
    total, exact = count_rows(count if count is not None else stmt, up_to)
    if exact:
        page = min(page, max(1, math.ceil(total / per_page)))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, total=total, page=page, per_page=per_page, exact=exact)

"""Pages of a long list, one way for every area: ?page= read leniently, a Page for the pager macro.

Templates show a Page with `{% from "macros/lists.html" import pager %}{{ pager(page) }}`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from app.extensions import db
from app.security import parse_int

T = TypeVar("T")
PAGE_MAX = 100_000


def parse_page(args: Mapping[str, str]) -> int:
    """The ?page= argument, 1 when missing or invalid."""
    return max(1, min(parse_int(args.get("page", "1")) or 1, PAGE_MAX))


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select[Any], page: int, per_page: int, *, count: Select[Any] | None = None) -> Page[Any]:
    """One page of `stmt` (already ordered); a page past the end shows the last one. `count` is a
    cheaper statement with the same rows (without eager loads), if the view has one."""
    total = db.session.scalar(select(func.count()).select_from((count if count is not None else stmt).order_by(None).subquery())) or 0
    page = min(page, max(1, math.ceil(total / per_page)))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, total=total, page=page, per_page=per_page)

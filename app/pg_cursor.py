"""psycopg's cursor with a `description` that builds its columns only when someone reads them.

SQLAlchemy asks the cursor for `description` after every SELECT, but reads the columns in it only
the first time a compiled statement runs: then it keeps what it learnt with the statement and
afterwards only checks that there is a description at all. psycopg builds the whole list on
every ask, one `Column` object per column, in Python: for an idea page's statements (36 columns
on average) about a twentieth of a miss's time in a profile at 100,000 ideas (docs/performance.md
has the A/B). This cursor answers with a `Description` instead: the same sequence of
`psycopg.Column`, built when an item is first read, from the result it was asked for (not from
whatever the cursor runs next).

app/database.py makes it every PostgreSQL connection's `cursor_factory`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import psycopg
from psycopg import pq

_ROWS = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class _Result:
    """What `psycopg.Column` reads of a cursor, taken when the description was asked for."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.pgresult, self._encoding, self.adapters = cursor.pgresult, cursor._encoding, cursor.adapters


class Description(Sequence[psycopg.Column]):
    """A result's columns as `psycopg.Cursor.description` gives them, built on first use."""

    __slots__ = ("_result", "_count", "_columns")

    def __init__(self, cursor: psycopg.Cursor[Any], count: int) -> None:
        self._result, self._count = _Result(cursor), count
        self._columns: list[psycopg.Column] | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...

    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        if self._columns is None:
            self._columns = [psycopg.Column(self._result, i) for i in range(self._count)]  # type: ignore[arg-type]  # reads only what _Result holds
        return self._columns[index]

    def __repr__(self) -> str:
        return repr(list(self))


class Cursor(psycopg.Cursor[Any]):
    @property
    def description(self) -> Description | None:  # type: ignore[override]  # a Sequence of the same columns, not a list
        """As psycopg's: None unless the statement returned rows (or said it would)."""
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):
            return Description(self, result.nfields)
        return None

"""Horizontal bar charts drawn on the server as SVG (no script, printable): one bar per row, in two
stacked parts (dark and light), scaled to the largest row, its value written beside it. The budget
overview (investive and consumptive per action field or Raum) and the towns' comparison
(app/towns/charts.py) draw theirs with it; templates/macros/charts.html writes the SVG. The table on
the same page carries the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.portfolio.budgets import Overview
from app.templating import format_millions

WIDTH = 640
LABEL_WIDTH = 190  # room for the action field names left of the bars
VALUE_WIDTH = 110  # room for the total right of the bars
BAR_HEIGHT = 26
GAP = 14
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    first_width: float  # the dark part (investive; answered in time)
    second_width: float  # the light part (consumptive; the rest)
    value: str  # written right of the bar


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def stacked_bars(rows: Iterable[tuple[str, Decimal | int, Decimal | int, str]], *, label_width: int = LABEL_WIDTH,
                 value_width: int = VALUE_WIDTH, bar_height: int = BAR_HEIGHT, gap: int = GAP) -> BarChart:
    """Rows of (label, first part, second part, value text) as bars scaled to the largest sum."""
    rows = list(rows)
    room = WIDTH - label_width - value_width
    largest = max((first + second for _label, first, second, _value in rows), default=0)

    def scale(value: Decimal | int) -> float:
        return 0.0 if largest == 0 else round(float(Decimal(value) / Decimal(largest)) * room, 1)

    bars = [Bar(label=label, y=TOP + index * (bar_height + gap), first_width=scale(first), second_width=scale(second), value=value)
            for index, (label, first, second, value) in enumerate(rows)]
    return BarChart(width=WIDTH, height=TOP * 2 + len(bars) * (bar_height + gap), label_width=label_width, bar_height=bar_height, bars=bars)


def budget_chart(overview: Overview, label_width: int = LABEL_WIDTH, short_labels: bool = False) -> BarChart:
    """Investive (dark) and consumptive (light) per row of the overview. `short_labels` drops the
    "Raum für " every Raum's name begins with (the caption says it)."""
    return stacked_bars(
        ((row.label.removeprefix("Raum für ") if short_labels else row.label, row.totals.investive, row.totals.consumptive,
          format_millions(row.totals.total)) for row in overview.rows),
        label_width=label_width,
    )

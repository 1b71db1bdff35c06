"""The budget bar chart, drawn on the server as SVG (no script, printable).

One horizontal bar per action field, investive and consumptive stacked, scaled
to the largest total. The table on the same page carries the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.portfolio.budgets import Overview

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
    investive_width: float
    consumptive_width: float
    total: Decimal


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def budget_chart(overview: Overview, label_width: int = LABEL_WIDTH, short_labels: bool = False) -> BarChart:
    """`short_labels` drops the "Raum für " every Raum's name begins with (the caption says it)."""
    room = WIDTH - label_width - VALUE_WIDTH
    largest = max((row.totals.total for row in overview.rows), default=Decimal(0))

    def scale(value: Decimal) -> float:
        return 0.0 if largest == 0 else round(float(value / largest) * room, 1)

    bars = []
    for index, row in enumerate(overview.rows):
        bars.append(
            Bar(
                label=row.label.removeprefix("Raum für ") if short_labels else row.label,
                y=TOP + index * (BAR_HEIGHT + GAP),
                investive_width=scale(row.totals.investive),
                consumptive_width=scale(row.totals.consumptive),
                total=row.totals.total,
            )
        )
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    return BarChart(width=WIDTH, height=height, label_width=label_width, bar_height=BAR_HEIGHT, bars=bars)

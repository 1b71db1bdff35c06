"""The relevance/potential chart, drawn on the server as SVG (no script, printable).

The template draws what `quadrant_chart` computes: four quadrants split at the
midpoint of the 0–5 scale, one dot per scored idea (a link to it). The same
numbers are shown beside it in a table for screen readers and printing.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from app.models.moderation import SCORE_MAX, SCORE_MIN

SIZE = 400  # drawing area in SVG units
MARGIN = 48


@dataclass(frozen=True)
class Dot:
    idea_id: int
    title: str
    x: float
    y: float
    relevance: Decimal
    potential: Decimal
    number: int  # the idea's row in the table beside the chart (1, 2, …), printed on the dot


@dataclass(frozen=True)
class Chart:
    size: int
    margin: int
    dots: list[Dot]
    unscored: list  # candidates without both axis scores
    ticks: list[tuple[int, float]]  # (score, offset in the drawing area)

    @property
    def width(self) -> int:
        return self.size + 2 * self.margin


def _scale(value: Decimal) -> float:
    return float(value - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * SIZE


SPREAD = 14  # how far ideas with equal scores are moved apart, in SVG units


def _spread(count: int, index: int) -> tuple[float, float]:
    """The offset of the index-th of `count` dots at one place: around a small circle, so none hides another."""
    if count == 1:
        return 0.0, 0.0
    angle = 2 * math.pi * index / count
    return SPREAD * math.cos(angle), SPREAD * math.sin(angle)


def quadrant_chart(rows) -> Chart:
    """Potential on the x axis, relevance on the y axis (upwards); dots numbered as the table's rows."""
    placed, unscored = [], []
    for number, row in enumerate(rows, start=1):
        relevance, potential = row.relevance.mean, row.potential.mean
        if relevance is None or potential is None:
            unscored.append(row)
            continue
        placed.append((number, row, relevance, potential))
    at_place = Counter((relevance, potential) for _, _, relevance, potential in placed)
    seen: Counter = Counter()
    dots = []
    for number, row, relevance, potential in placed:
        dx, dy = _spread(at_place[(relevance, potential)], seen[(relevance, potential)])
        seen[(relevance, potential)] += 1
        dots.append(
            Dot(
                idea_id=row.idea.id,
                title=row.idea.title,
                x=round(MARGIN + _scale(potential) + dx, 1),
                y=round(MARGIN + SIZE - _scale(relevance) + dy, 1),
                relevance=relevance,
                potential=potential,
                number=number,
            )
        )
    ticks = [(v, round(_scale(Decimal(v)), 1)) for v in range(SCORE_MIN, SCORE_MAX + 1)]
    return Chart(size=SIZE, margin=MARGIN, dots=dots, unscored=unscored, ticks=ticks)

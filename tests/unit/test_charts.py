"""The candidates chart: dots numbered as the table's rows; equal scores never hide each other."""

from dataclasses import dataclass
from decimal import Decimal

from app.moderation.charts import quadrant_chart


@dataclass
class Axis:
    mean: Decimal | None


@dataclass
class IdeaStub:
    id: int
    title: str


@dataclass
class Row:
    idea: IdeaStub
    relevance: Axis
    potential: Axis


def _row(n: int, relevance, potential) -> Row:
    return Row(IdeaStub(n, f"Idee {n}"), Axis(relevance), Axis(potential))


def test_dots_carry_the_table_number_and_coincident_ones_are_moved_apart():
    rows = [_row(1, Decimal("3.5"), Decimal("2")), _row(2, None, Decimal("1")), _row(3, Decimal("3.5"), Decimal("2")),
            _row(4, Decimal("3.5"), Decimal("2")), _row(5, Decimal("1"), Decimal("4"))]
    chart = quadrant_chart(rows)
    assert [d.number for d in chart.dots] == [1, 3, 4, 5], "row 2 has no relevance score and stays off the chart"
    assert [r.idea.id for r in chart.unscored] == [2]
    same = [(d.x, d.y) for d in chart.dots if d.number in (1, 3, 4)]
    assert len(set(same)) == 3, "three ideas with equal scores sit at three places"
    centre = chart.margin + 2 / 5 * chart.size, chart.margin + chart.size - 3.5 / 5 * chart.size
    assert all(abs(x - centre[0]) <= 14.1 and abs(y - centre[1]) <= 14.1 for x, y in same), "…close to their true place"
    lone = next(d for d in chart.dots if d.number == 5)
    assert (lone.x, lone.y) == (round(chart.margin + 4 / 5 * chart.size, 1), round(chart.margin + chart.size - 1 / 5 * chart.size, 1))

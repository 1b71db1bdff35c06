"""The towns compared as a bar chart (app/portfolio/charts.py draws it): one bar per town for its
ideas, the part answered within the promised days dark. The table beside it carries the same
figures (and is what narrow screens show)."""

from __future__ import annotations

from flask_babel import format_decimal

from app.portfolio.charts import BarChart, stacked_bars
from app.towns.queries import TownFigures


def towns_chart(figures: list[TownFigures]) -> BarChart:
    rows = []
    for f in figures:
        answered = min(f.answered_in_time, f.ideas)
        rows.append((f.town.name, answered, f.ideas - answered, format_decimal(f.ideas)))
    # Room for "Kreis Coesfeld (kreisweit)" on the left, a count on the right.
    return stacked_bars(rows, label_width=210, value_width=60, bar_height=22, gap=10)

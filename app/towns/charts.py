"""The towns compared as a bar chart, drawn on the server as SVG (no script, printable): one bar
per town for its ideas, the part answered within the promised days dark. The table beside it
carries the same figures (and is what narrow screens show)."""

from __future__ import annotations

from dataclasses import dataclass

from app.towns.queries import TownFigures

WIDTH = 640
LABEL_WIDTH = 210  # room for "Kreis Coesfeld (kreisweit)"
VALUE_WIDTH = 60
BAR_HEIGHT = 22
GAP = 10
TOP = 8


@dataclass(frozen=True)
class TownBar:
    label: str
    y: int
    answered_width: float  # ideas answered within the promised days
    rest_width: float  # the town's other ideas
    ideas: int


@dataclass(frozen=True)
class TownChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[TownBar]


def towns_chart(figures: list[TownFigures]) -> TownChart:
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((f.ideas for f in figures), default=0)

    def scale(value: int) -> float:
        return 0.0 if largest == 0 else round(value / largest * room, 1)

    bars = []
    for index, f in enumerate(figures):
        answered = min(f.answered_in_time, f.ideas)
        bars.append(TownBar(label=f.town.name, y=TOP + index * (BAR_HEIGHT + GAP), answered_width=scale(answered),
                            rest_width=scale(f.ideas - answered), ideas=f.ideas))
    return TownChart(width=WIDTH, height=TOP * 2 + len(bars) * (BAR_HEIGHT + GAP), label_width=LABEL_WIDTH, bar_height=BAR_HEIGHT, bars=bars)

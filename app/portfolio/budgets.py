"""Budget arithmetic: funding and own share, sums per action field and in total, shares in percent.

Money is Decimal with two places throughout. Funding is computed per line
(amount × rate, rounded half up to the cent) and the own share is the rest, so
funding + own share is always exactly the amount. Totals are sums of lines;
shares are rounded by the largest-remainder method so they add up to 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput
from app.models.portfolio import AMOUNT_MAX, CONSUMPTIVE, INVESTIVE, BudgetLine

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def funding(amount: Decimal, rate: Decimal) -> Decimal:
    """The funded part of an amount at a rate in percent, to the cent (half up)."""
    return (amount * rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def own_share(amount: Decimal, rate: Decimal) -> Decimal:
    """Eigenanteil: what funding leaves; funding + own share == amount."""
    return amount - funding(amount, rate)


def percentages(values: list[Decimal], places: int = 1) -> list[Decimal]:
    """Each value's share of their sum in percent, rounded so the shares add up to exactly 100.

    Largest remainder: every share is rounded down, then the units still
    missing go to the shares with the largest remainders (ties: first comes first).
    All zero gives all zero.
    """
    total = sum(values, ZERO)
    if total == 0:
        return [Decimal(0).quantize(Decimal(1).scaleb(-places)) for _ in values]
    unit = Decimal(1).scaleb(-places)
    exact = [v * HUNDRED / total for v in values]
    floors = [e.quantize(unit, rounding=ROUND_DOWN) for e in exact]
    missing = int(((HUNDRED - sum(floors, Decimal(0))) / unit).to_integral_value())
    by_remainder = sorted(range(len(values)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:missing]:
        floors[i] += unit
    return floors


@dataclass
class Totals:
    investive: Decimal = ZERO
    consumptive: Decimal = ZERO
    funding: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.investive + self.consumptive

    @property
    def own_share(self) -> Decimal:
        return self.total - self.funding

    def add(self, kind: str, amount: Decimal, rate: Decimal) -> None:
        if kind == INVESTIVE:
            self.investive += amount
        elif kind == CONSUMPTIVE:
            self.consumptive += amount
        else:
            raise ValueError(f"unknown budget kind {kind!r}")
        self.funding += funding(amount, rate)


@dataclass
class OverviewRow:
    key: object  # the group (an action field's slug)
    label: str
    totals: Totals = field(default_factory=Totals)
    share: Decimal = ZERO  # of the grand total, in percent


@dataclass
class Overview:
    rows: list[OverviewRow]
    total: Totals
    investive_share: Decimal
    consumptive_share: Decimal

    @property
    def funding_rate(self) -> Decimal | None:
        """The effective funding rate of the total (None without money)."""
        if self.total.total == 0:
            return None
        return (self.total.funding * HUNDRED / self.total.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def overview(groups: Iterable[tuple[object, str]], lines: Iterable[tuple[object, str, Decimal, Decimal]]) -> Overview:
    """Sum budget lines (group key, kind, amount, rate) into one row per group, in the order of `groups`."""
    rows = {key: OverviewRow(key, label) for key, label in groups}
    total = Totals()
    for key, kind, amount, rate in lines:
        rows[key].totals.add(kind, amount, rate)
        total.add(kind, amount, rate)
    ordered = list(rows.values())
    for row, share in zip(ordered, percentages([r.totals.total for r in ordered]), strict=True):
        row.share = share
    investive_share, consumptive_share = percentages([total.investive, total.consumptive])
    return Overview(ordered, total, investive_share, consumptive_share)


# Digits 0-9 only: Python's \d and int() also take Arabic-Indic and other digits.
_GERMAN_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
_WHOLE = re.compile(r"[0-9]+")
_WITH_POINT = re.compile(r"([0-9]+)\.([0-9]+)")
_FRACTION = re.compile(r"[0-9]+")


def parse_euros(text: str, *, maximum: Decimal = AMOUNT_MAX) -> Decimal:
    """An amount as people type it: "4.150.000", "4150000,50", "1.234,5 €", "2500.75". Two places at most,
    written as typed: "1,000" or "1.0000" are refused, not read as 1,00 €."""
    cleaned = (text or "").replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    not_a_number = InvalidInput(_l("Please enter the amount as a number, e.g. 12.500,00."))
    if not cleaned:
        raise InvalidInput(_l("Please enter an amount."))
    if "," in cleaned:
        whole, _, cents = cleaned.rpartition(",")
        if not _FRACTION.fullmatch(cents) or (whole and not (_WHOLE.fullmatch(whole) or _GERMAN_THOUSANDS.fullmatch(whole))):
            raise not_a_number
        whole = whole.replace(".", "") or "0"
    elif _GERMAN_THOUSANDS.fullmatch(cleaned):
        whole, cents = cleaned.replace(".", ""), ""
    elif _WHOLE.fullmatch(cleaned):
        whole, cents = cleaned, ""
    elif match := _WITH_POINT.fullmatch(cleaned):
        whole, cents = match.groups()
    else:
        raise not_a_number
    if len(cents) > 2:
        raise InvalidInput(_l("At most two decimal places (cents), please, e.g. 12.500,00."))
    try:
        value = Decimal(f"{whole}.{cents or '0'}")
    except InvalidOperation:
        raise not_a_number from None
    if value > maximum:
        raise InvalidInput(_l("This amount is too large."))
    return value.quantize(CENT)


def input_text(value: Decimal) -> str:
    """A decimal as a person types it back into a form: 12345.67 -> "12345,67" (parse_euros reads it)."""
    return f"{value:f}".replace(".", ",")


def parse_rate(text: str) -> Decimal:
    """A funding rate in percent, 0 to 100, e.g. "65", "72,5 %"."""
    try:
        return parse_euros((text or "").replace("%", ""), maximum=HUNDRED)
    except InvalidInput:
        raise InvalidInput(_l("Please enter the funding rate in percent, between 0 and 100.")) from None


def line_funding(line: BudgetLine) -> Decimal:
    """The funding of a budget line (its amount times its rate)."""
    return funding(line.amount, line.funding_rate)


def line_own_share(line: BudgetLine) -> Decimal:
    """What the district pays of a budget line itself."""
    return own_share(line.amount, line.funding_rate)

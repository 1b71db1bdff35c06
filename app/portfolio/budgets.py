"""Budget arithmetic: funding, third-party money and own share, sums per group and in total,
shares in percent, and the funding call's limits.

Money is Decimal with two places throughout. Funding is computed per line
(amount × rate, rounded half up to the cent); third-party money reduces what
is left by at most half (the call's rule) and never the funding; the own share
is the rest, so funding + third-party money + own share is always exactly the
amount. Totals are sums of lines; shares are rounded by the largest-remainder
method so they add up to 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.errors import InvalidInput
from app.models.portfolio import AMOUNT_MAX, CONSUMPTIVE, INVESTIVE, PLANNED_LINE, RELEASE_STATUSES, BudgetLine
from app.templating import format_date_short, format_euros, format_percent

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def funding(amount: Decimal, rate: Decimal) -> Decimal:
    """The funded part of an amount at a rate in percent, to the cent (half up)."""
    return (amount * rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def own_share(amount: Decimal, rate: Decimal, third_party: Decimal = ZERO) -> Decimal:
    """Eigenanteil: what funding and third-party money leave; funding + third party + own share == amount."""
    return amount - funding(amount, rate) - third_party


def third_party_cap(amount: Decimal, rate: Decimal) -> Decimal:
    """The most third-party money a line may count: half of the own share funding leaves, to the
    cent, rounded down (so never more than half)."""
    return (own_share(amount, rate) / 2).quantize(CENT, rounding=ROUND_DOWN)


def third_party_problem(amount: Decimal, rate: Decimal, third_party: Decimal) -> str | None:
    """Why a line's third-party money cannot be counted (above third_party_cap), or None: the one
    wording of the rule for the form and the services (a CSV import)."""
    cap = third_party_cap(amount, rate)
    if third_party <= cap:
        return None
    return str(_l("Third-party money may reduce the own share by at most half: at most %(cap)s here (%(excess)s less).",
                  cap=format_euros(cap), excess=format_euros(third_party - cap)))


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
    third_party: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.investive + self.consumptive

    @property
    def own_share(self) -> Decimal:
        return self.total - self.funding - self.third_party

    def add(self, kind: str, amount: Decimal, rate: Decimal, third_party: Decimal = ZERO) -> None:
        if kind == INVESTIVE:
            self.investive += amount
        elif kind == CONSUMPTIVE:
            self.consumptive += amount
        else:
            raise ValueError(f"unknown budget kind {kind!r}")
        self.funding += funding(amount, rate)
        self.third_party += third_party


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


def overview(groups: Iterable[tuple[object, str]], lines: Iterable[tuple[Any, ...]]) -> Overview:
    """Sum budget lines (group key, kind, amount, rate[, third-party money]) into one row per group,
    in the order of `groups`."""
    rows = {key: OverviewRow(key, label) for key, label in groups}
    total = Totals()
    for key, kind, amount, rate, *rest in lines:
        third_party = rest[0] if rest else ZERO
        rows[key].totals.add(kind, amount, rate, third_party)
        total.add(kind, amount, rate, third_party)
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
    """What the district pays of a budget line itself (after funding and third-party money)."""
    return own_share(line.amount, line.funding_rate, line.third_party)


# The funding call's limits ---------------------------------------------------------------


@dataclass(frozen=True)
class CallLimits:
    """What the call allows one application (app/models/portfolio.py FundingCall holds them)."""

    max_amount: Decimal
    max_years: int
    funding_rate: Decimal
    application_deadline: date | None = None
    resolutions_deadline: date | None = None


@dataclass(frozen=True)
class ApplicationLine:
    """A budget line of a project in the funding application."""

    year: int
    kind: str
    amount: Decimal
    funding_rate: Decimal
    third_party: Decimal = ZERO
    release_status: str = PLANNED_LINE


# What a warning is about; each says by how much the plan exceeds the limit.
OVER_AMOUNT, OVER_YEARS, OVER_RATE, DEADLINE_PASSED = "amount", "years", "rate", "deadline"


@dataclass(frozen=True)
class LimitWarning:
    kind: str
    excess: Decimal | int  # euros over the limit; years over it; funding over the call's rate; days past the deadline
    value: Decimal | int  # the plan's own figure: total, years, lines above the rate, lines still planned
    limit: Decimal | int | date

    def message(self) -> str:
        """The warning in words, as the overview and the export say it."""
        if self.kind == OVER_AMOUNT:
            return str(_("The application comes to %(total)s, %(excess)s more than the call's limit of %(limit)s per application.",
                     total=format_euros(self.value), excess=format_euros(self.excess), limit=format_euros(self.limit)))
        if self.kind == OVER_YEARS:
            return str(ngettext("Its budget lines span %(years)d years, %(num)d year more than the call's funding period of at most %(limit)d years.",
                            "Its budget lines span %(years)d years, %(num)d years more than the call's funding period of at most %(limit)d years.",
                            int(self.excess), years=self.value, limit=self.limit))
        if self.kind == OVER_RATE:
            return str(ngettext("%(num)d budget line counts on a higher funding rate than the call's %(rate)s: %(excess)s more funding than the call pays.",
                            "%(num)d budget lines count on a higher funding rate than the call's %(rate)s: %(excess)s more funding than the call pays.",
                            int(self.value), rate=format_percent(self.limit), excess=format_euros(self.excess)))
        ago = ngettext("%(num)d day ago", "%(num)d days ago", int(self.excess))
        deadline = self.limit if isinstance(self.limit, date) else None
        return str(ngettext("The application deadline (%(date)s) passed %(ago)s, and %(num)d budget line is still only planned.",
                        "The application deadline (%(date)s) passed %(ago)s, and %(num)d budget lines are still only planned.",
                        int(self.value), date=format_date_short(deadline), ago=ago))


@dataclass
class Application:
    """The projects in the funding application measured against the call's limits."""

    total: Totals
    years: list[int]
    by_year: list[tuple[int, Totals]]
    by_status: list[tuple[str, Totals]]
    warnings: list[LimitWarning]


def check_application(lines: Iterable[ApplicationLine], limits: CallLimits, today: date) -> Application:
    """Sum the application's lines by year and release status, and warn where they exceed the call:
    the most per application, the longest funding period (first to last year, counted inclusive),
    a higher funding rate than the call's (by the extra funding, to the cent), and lines still
    planned after the application deadline."""
    total = Totals()
    by_year: dict[int, Totals] = {}
    by_status: dict[str, Totals] = {status: Totals() for status in RELEASE_STATUSES}
    above_rate, extra_funding, planned = 0, ZERO, 0
    for line in lines:
        for totals in (total, by_year.setdefault(line.year, Totals()), by_status[line.release_status]):
            totals.add(line.kind, line.amount, line.funding_rate, line.third_party)
        if line.funding_rate > limits.funding_rate:
            above_rate += 1
            extra_funding += funding(line.amount, line.funding_rate) - funding(line.amount, limits.funding_rate)
        if line.release_status == PLANNED_LINE:
            planned += 1
    years = sorted(by_year)
    warnings = []
    if total.total > limits.max_amount:
        warnings.append(LimitWarning(OVER_AMOUNT, total.total - limits.max_amount, total.total, limits.max_amount))
    span = years[-1] - years[0] + 1 if years else 0
    if span > limits.max_years:
        warnings.append(LimitWarning(OVER_YEARS, span - limits.max_years, span, limits.max_years))
    if above_rate:
        warnings.append(LimitWarning(OVER_RATE, extra_funding, above_rate, limits.funding_rate))
    if limits.application_deadline is not None and today > limits.application_deadline and planned:
        warnings.append(LimitWarning(DEADLINE_PASSED, (today - limits.application_deadline).days, planned, limits.application_deadline))
    return Application(total, years, [(year, by_year[year]) for year in years],
                       [(status, totals) for status, totals in by_status.items() if totals.total or status == PLANNED_LINE], warnings)

"""Budget arithmetic: exact Decimal sums, funding per line, shares that add up to 100 %."""

from datetime import date
from decimal import Decimal

import pytest

from app.errors import InvalidInput
from app.portfolio import budgets
from tests.helpers import MIO, SEED_ROWS

D = Decimal

# The seed's Smart-Cities table (Mio. €): investiv, konsumtiv per "Raum".


def test_funding_and_own_share_add_up_to_the_amount():
    for amount in (D("0.01"), D("0.03"), D("1234.57"), D("4150000.00"), D("999999999.99")):
        for rate in (D("65.00"), D("72.50"), D("0.00"), D("100.00"), D("33.33")):
            assert budgets.funding(amount, rate) + budgets.own_share(amount, rate) == amount
            assert budgets.funding(amount, rate) == budgets.funding(amount, rate).quantize(D("0.01"))


def test_funding_rounds_half_up_to_the_cent():
    assert budgets.funding(D("0.10"), D("65")) == D("0.07")  # 0.065 -> 0.07
    assert budgets.funding(D("0.30"), D("65")) == D("0.20")  # 0.195 -> 0.20
    assert budgets.funding(D("1000000.00"), D("65")) == D("650000.00")


def test_percentages_add_up_to_exactly_100():
    assert budgets.percentages([D(1), D(1), D(1)]) == [D("33.4"), D("33.3"), D("33.3")]
    assert budgets.percentages([D("4.92"), D("3.28")]) == [D("60.0"), D("40.0")]
    shares = budgets.percentages([D(n) for n in (7, 13, 17, 19, 23, 29, 31)])
    assert sum(shares) == D("100.0")
    assert budgets.percentages([D(0), D(0)]) == [D("0.0"), D("0.0")]
    assert budgets.percentages([]) == []


def test_overview_of_the_seed_table_sums_the_rows_exactly():
    groups = [(name, name) for name, _i, _k in SEED_ROWS]
    lines = []
    for name, investive, consumptive in SEED_ROWS:
        lines.append((name, "investiv", D(investive) * MIO, D("65.00")))
        lines.append((name, "konsumtiv", D(consumptive) * MIO, D("65.00")))
    overview = budgets.overview(groups, lines)

    expected_investive = sum((D(i) for _n, i, _k in SEED_ROWS), D(0)) * MIO
    expected_consumptive = sum((D(k) for _n, _i, k in SEED_ROWS), D(0)) * MIO
    assert overview.total.investive == expected_investive == D("4920000.00")
    assert overview.total.consumptive == expected_consumptive == D("3280000.00")
    assert overview.total.total == D("8200000.00")
    assert overview.total.funding == D("5330000.00")
    assert overview.total.own_share == D("2870000.00")
    assert (overview.investive_share, overview.consumptive_share) == (D("60.0"), D("40.0"))
    assert sum(row.share for row in overview.rows) == D("100.0")
    mobility = overview.rows[1]
    assert mobility.totals.total == D("4150000.00") and mobility.share == D("50.6")
    assert sum((row.totals.total for row in overview.rows), D(0)) == overview.total.total
    assert overview.funding_rate == D("65.0")


def test_overview_without_lines_is_zero_everywhere():
    overview = budgets.overview([("a", "A")], [])
    assert overview.total.total == 0 and overview.rows[0].share == 0 and overview.funding_rate is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4.150.000", "4150000.00"),
        ("4150000,50", "4150000.50"),
        ("1.234,5 €", "1234.50"),
        ("2500.75", "2500.75"),
        ("12 500,00", "12500.00"),
        ("0", "0.00"),
        (",5", "0.50"),
    ],
)
def test_parse_euros_understands_how_people_type_amounts(text, value):
    assert budgets.parse_euros(text) == D(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.23.4", "-5", "1,234", "12,3456", "1e9", "9999999999"])
def test_parse_euros_refuses_with_a_message(text):
    with pytest.raises(InvalidInput) as error:
        budgets.parse_euros(text)
    assert str(error.value.message)


def test_parse_rate():
    assert budgets.parse_rate("65") == D("65.00")
    assert budgets.parse_rate("72,5 %") == D("72.50")
    with pytest.raises(InvalidInput):
        budgets.parse_rate("101")


# Third-party money and the call's limits (issue #35) --------------------------------------

CALL = budgets.CallLimits(max_amount=D("15000000.00"), max_years=4, funding_rate=D("65.00"),
                          application_deadline=date(2021, 3, 14), resolutions_deadline=date(2021, 4, 14))


def test_third_party_money_reduces_the_own_share_by_at_most_half_and_never_the_funding():
    # 1.000,00 € at 65 %: funding 650,00 €, own share 350,00 €; third parties may bring at most 175,00 €.
    assert budgets.third_party_cap(D("1000.00"), D("65")) == D("175.00")
    assert budgets.own_share(D("1000.00"), D("65"), D("175.00")) == D("175.00")
    assert budgets.funding(D("1000.00"), D("65")) == D("650.00")  # unchanged by third-party money
    # An odd cent: 0,35 € own share, half is 0,175 €: the cap rounds down, never above half.
    assert budgets.third_party_cap(D("1.00"), D("65")) == D("0.17")
    totals = budgets.Totals()
    totals.add("investiv", D("1000.00"), D("65"), D("100.00"))
    totals.add("konsumtiv", D("0.30"), D("65"), D("0.05"))
    assert (totals.total, totals.funding, totals.third_party, totals.own_share) == (D("1000.30"), D("650.20"), D("100.05"), D("250.05"))
    assert totals.funding + totals.third_party + totals.own_share == totals.total


def test_the_seeds_application_keeps_within_the_call():
    lines = [budgets.ApplicationLine(2022, kind, D(value) * MIO, D("65.00"), release_status="beantragt")
             for _name, investive, consumptive in SEED_ROWS for kind, value in (("investiv", investive), ("konsumtiv", consumptive))]
    application = budgets.check_application(lines, CALL, date(2021, 3, 1))
    assert application.warnings == []
    assert (application.total.total, application.total.funding, application.total.own_share) == (D("8200000.00"), D("5330000.00"), D("2870000.00"))
    assert application.years == [2022]
    assert [(status, t.total) for status, t in application.by_status] == [("geplant", D("0.00")), ("beantragt", D("8200000.00"))]


def test_each_limit_exceeded_is_named_with_how_much():
    lines = [
        budgets.ApplicationLine(2022, "investiv", D("9000000.00"), D("65.00"), third_party=D("100000.00")),
        budgets.ApplicationLine(2026, "konsumtiv", D("6000000.01"), D("70.00"), release_status="bewilligt"),
        budgets.ApplicationLine(2024, "konsumtiv", D("0.30"), D("80.00")),
    ]
    application = budgets.check_application(lines, CALL, date(2021, 3, 24))
    by_kind = {w.kind: w for w in application.warnings}
    assert set(by_kind) == {budgets.OVER_AMOUNT, budgets.OVER_YEARS, budgets.OVER_RATE, budgets.DEADLINE_PASSED}
    amount = by_kind[budgets.OVER_AMOUNT]
    assert (amount.value, amount.excess, amount.limit) == (D("15000000.31"), D("0.31"), D("15000000.00"))
    years = by_kind[budgets.OVER_YEARS]
    assert (years.value, years.excess) == (5, 1)  # 2022 to 2026, counted inclusive
    rate = by_kind[budgets.OVER_RATE]
    # 6.000.000,01 € at 70 % instead of 65 %: 4.200.000,01 − 3.900.000,01 (half up); 0,30 € at 80 %: 0,24 − 0,20.
    assert (rate.value, rate.excess) == (2, D("300000.00") + D("0.04"))
    deadline = by_kind[budgets.DEADLINE_PASSED]
    assert (deadline.value, deadline.excess) == (2, 10)  # two lines still planned, ten days after 14 March
    assert application.total.third_party == D("100000.00")
    assert [year for year, _t in application.by_year] == [2022, 2024, 2026]


def test_limits_exactly_reached_are_not_exceeded():
    lines = [budgets.ApplicationLine(2022, "investiv", D("7500000.00"), D("65.00"), release_status="beantragt"),
             budgets.ApplicationLine(2025, "konsumtiv", D("7500000.00"), D("65.00"))]
    assert budgets.check_application(lines, CALL, date(2021, 3, 14)).warnings == []  # on the deadline's day, not after
    assert budgets.check_application([], CALL, date(2030, 1, 1)).warnings == []  # nothing in the application: nothing to warn of

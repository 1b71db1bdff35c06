"""What the report shows as it stands today, beside the period's figures: the candidates on the
relevance/potential chart, the portfolio's budget by action field and by Raum, and the funding
application against the call's limits. Charts are drawn on the server (SVG) with tables beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal

from app import reference
from app.models import FundingCall, Project
from app.moderation import charts as moderation_charts
from app.moderation import queries as moderation_queries
from app.portfolio import budgets, charts, queries


@dataclass
class Standing:
    candidates: list[moderation_queries.Candidate]
    candidate_chart: moderation_charts.Chart
    by_field: budgets.Overview
    field_chart: charts.BarChart
    by_raum: budgets.Overview
    raum_chart: charts.BarChart
    application: budgets.Application
    limits: budgets.CallLimits
    call: FundingCall | None
    application_projects: list[Project]


def build(today: date) -> Standing:
    rows = moderation_queries.candidates(moderation_queries.Filters())
    by_field = queries.budget_overview(reference.action_fields(active_only=False))
    by_raum = queries.budget_by_raum(reference.raeume())
    return Standing(rows, moderation_charts.quadrant_chart(rows), by_field, charts.budget_chart(by_field),
                    by_raum, charts.budget_chart(by_raum, label_width=330, short_labels=True),
                    queries.application(today), queries.call_limits(), queries.funding_call(), queries.application_projects())


def count_chart(rows: list[tuple[str, int]]) -> charts.BarChart:
    """One bar per row (ideas by action field or by town), its count beside it."""
    return charts.stacked_bars(((label, count, 0, format_decimal(count)) for label, count in rows))

"""The report as one document: the period's figures, what stands today and the charts, for the
page, the PDF in the request and the PDF the worker writes (app/reports/requests.py)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from app.models import utcnow
from app.reports import figures, pdf, standing
from app.templating import local_today


def context(built: figures.Report) -> dict[str, Any]:
    """The period's figures with charts, and what stands today (candidates, budgets, the application)."""
    return {"report": built, "now": standing.build(local_today()), "field_chart": standing.count_chart(built.by_field),
            "town_chart": standing.count_chart(built.by_town)}


def build(period: figures.Period) -> figures.Report:
    return figures.build(period, utcnow())


def pdf_bytes(built: figures.Report) -> bytes:
    return pdf.render(render_template("reports/pdf.html", made=local_today(), **context(built)))


def file_name(period: figures.Period) -> str:
    """The name the download carries: bericht-2026-09-08-2026-12-06.pdf."""
    return f"bericht-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.pdf"

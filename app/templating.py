"""Template filters and globals: dates in Europe/Berlin, numbers in German, Markdown."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from markupsafe import Markup, escape

from app.audit import changes as audit_changes
from app.audit import describe as audit_describe
from app.i18n import LANGUAGE_NAMES
from app.ideas import images
from app.ideas.states import action_label
from app.ideas.states import label as status_label
from app.models import utcnow
from app.models.user import ROLE_LABELS
from app.portfolio import budgets
from app.portfolio import labels as portfolio_labels
from app.security import render_markdown


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (None removes one); page resets unless given."""
    args = request.args.to_dict(flat=False)
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == [] or value == "":
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    return url_for(request.endpoint or "main.index", **(request.view_args or {}), **args)


def hidden_cause_label(cause: str | None) -> str:
    from app.moderation.services import HIDDEN_CAUSE_LABELS

    return str(HIDDEN_CAUSE_LABELS.get(cause, cause or ""))


def format_score(value) -> str:
    """A score like 3.25 as "3,25" (two decimals, German)."""
    return "" if value is None else format_decimal(value, format="0.00")


def format_euros(value) -> str:
    """Exact euros: 4150000 -> "4.150.000,00 €"."""
    return "" if value is None else f"{format_decimal(value, format='#,##0.00')}\u00a0€"


def format_millions(value) -> str:
    """Millions of euros, two places, half up: 4150000 -> "4,15 Mio. €"."""
    if value is None:
        return ""
    millions = (Decimal(value) / Decimal(1_000_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{format_decimal(millions, format='#,##0.00')}\u00a0Mio.\u00a0€"


def format_percent(value) -> str:
    """A share in percent with one place: 60.0 -> "60,0 %"."""
    return "" if value is None else f"{format_decimal(value, format='0.0')}\u00a0%"


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def register(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(lambda dt: format_datetime(dt, "dd.MM.yyyy, HH:mm") if dt else "", "datetime")
    app.add_template_filter(lambda dt: format_date(dt, "dd.MM.yyyy") if dt else "", "date")
    # "Innenstadt/Dorfmitte" may wrap after the slash, not inside a word.
    app.add_template_filter(lambda text: escape(text).replace("/", Markup("/<wbr>")), "wbr")
    app.add_template_filter(lambda dt: (utcnow() - dt).days if dt else 0, "days_since")
    # <time datetime="…">: to the second (HTML allows at most three decimals; Python writes six).
    app.add_template_filter(lambda dt: dt.isoformat(timespec="seconds") if dt else "", "iso")
    app.add_template_filter(lambda n: format_decimal(n), "number")
    app.add_template_filter(format_score, "decimal")
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(format_euros, "euros")
    app.add_template_filter(format_millions, "millions")
    app.add_template_filter(format_percent, "percent")

    @app.context_processor
    def globals_():
        return {
            "current_locale": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "url_with": url_with,
            "status_label": status_label,
            "status_action_label": action_label,
            "hidden_cause_label": hidden_cause_label,
            "audit_label": audit_describe,
            "audit_changes": audit_changes,
            "role_label": role_label,
            "project_status_label": portfolio_labels.project_status_label,
            "priority_label": portfolio_labels.priority_label,
            "kind_label": portfolio_labels.kind_label,
            "image_url": images.url,
            "image_srcset": images.srcset,
            "line_funding": lambda line: budgets.funding(line.amount, line.funding_rate),
            "line_own_share": lambda line: budgets.own_share(line.amount, line.funding_rate),
        }

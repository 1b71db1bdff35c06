"""Template filters and globals every area shares: dates in Europe/Berlin, numbers in German, Markdown.

This module depends on no area: each area registers its own labels on its blueprint
(e.g. `status_label` in app/ideas/routes.py, `project_status_label` in app/portfolio/routes.py).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_babel import format_decimal, get_locale
from markupsafe import Markup, escape

from app.audit import changes as audit_changes
from app.audit import describe as audit_describe
from app.audit import target as audit_target
from app.i18n import LANGUAGE_NAMES
from app.models import utcnow
from app.models.user import ROLE_LABELS
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
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint or "main.index", **values)


def lead_in(label: object) -> str:
    """A field's label before its error, as the error summary writes it: "Titel: …", but a label
    that ends a sentence or a question keeps its own mark ("Was zeigt das Bild? …", not "Bild?: …")."""
    text = str(label).rstrip()
    return text if text[-1:] in ".?!:" else f"{text}:"


def local_time(dt: datetime) -> datetime:
    """A stored time (UTC; naive means UTC) in the reader's time zone, Europe/Berlin: what
    Flask-Babel's to_user_timezone gives, at a fifth of its cost (it asks the request for its time
    zone and normalises with pytz each time; a page with 100 comments shows 100 times)."""
    return (dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)).astimezone(local_zone())


def format_datetime_short(dt: datetime | None) -> str:
    """"01.12.2026, 22:15" in the reader's time zone (Europe/Berlin). The same as Babel's
    format_datetime(dt, "dd.MM.yyyy, HH:mm"), which costs ten times as much (pages list 100 dates)."""
    return local_time(dt).strftime("%d.%m.%Y, %H:%M") if dt else ""


def format_time_span(start: datetime, end: datetime) -> str:
    """"12.01.2027, 18:00–20:00", or "12.01.2027, 18:00 – 13.01.2027, 12:00" across days (local time)."""
    start, end = local_time(start), local_time(end)
    if start.date() == end.date():
        return f"{start:%d.%m.%Y, %H:%M}–{end:%H:%M}"
    return f"{start:%d.%m.%Y, %H:%M} – {end:%d.%m.%Y, %H:%M}"


def format_date_short(dt: datetime | date | None) -> str:
    """"01.12.2026" in the reader's time zone (a calendar date as it is)."""
    if dt is None:
        return ""
    if not isinstance(dt, datetime):
        return dt.strftime("%d.%m.%Y")
    return local_time(dt).strftime("%d.%m.%Y")


def local_zone() -> ZoneInfo:
    """The platform's time zone (BABEL_DEFAULT_TIMEZONE, Europe/Berlin) as a zoneinfo zone, for
    times people type or calendars carry: Flask-Babel's get_timezone() is a pytz zone here, which
    `datetime.replace(tzinfo=…)` and `datetime.combine(…, tz)` would get wrong (LMT)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today's date in the reader's time zone (Europe/Berlin)."""
    return local_time(utcnow()).date()


def format_score(value) -> str:
    """A score like 3.25 as "3,25" (two decimals, German)."""
    return "" if value is None else format_decimal(value, format="0.00")


def format_days(value) -> str:
    """A number of days with at most one place: 34.4 -> "34,4", 33.0 -> "33" (a median of days)."""
    return "" if value is None else format_decimal(value, format="#,##0.#")


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


def slug_options(items) -> list[tuple[str, str]]:
    """(slug, name) pairs for a filter's select (macros/lists.html), e.g. of action fields or towns."""
    return [(item.slug, item.name) for item in items]


# The strategy's words /hilfe explains (its glossary's anchors): `glossary` links them where they appear.
GLOSSARY = {"Steuerungsgremium": "steuerungsgremium", "Portfolio": "portfolio", "Themenfeld": "themenfeld",
            "Kandidat": "kandidat", "Shortlist": "shortlist", "investiv": "investiv", "konsumtiv": "investiv"}
_GLOSSARY_WORDS = re.compile(r"\b(" + "|".join(GLOSSARY) + r")(\w*)")


def link_glossary(text: object) -> Markup:
    """The text (escaped unless it is Markup) with the first use of each of the strategy's words
    linked to its explanation on /hilfe ("Steuerungsgremiums" too). Words inside a tag or a link
    are left alone, so a text can pass through twice."""
    html = str(text if isinstance(text, Markup) else escape(text))
    seen = set(re.findall(r'class="term" href="[^"#]*#([a-z]+)"', html))

    def link(match: re.Match[str]) -> str:
        anchor = GLOSSARY[match.group(1)]
        if anchor in seen:
            return match.group(0)
        seen.add(anchor)
        return f'<a class="term" href="{url_for("main.help_page")}#{anchor}">{match.group(0)}</a>'

    # Only text between tags, and not inside an <a>: split keeps the tags as their own parts.
    parts, in_link = re.split(r"(<[^>]*>)", html), False
    for i, part in enumerate(parts):
        if part.startswith("<"):
            in_link = part.startswith("<a ") or (in_link and not part.startswith("</a"))
        elif not in_link:
            parts[i] = _GLOSSARY_WORDS.sub(link, part)
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - escaped text, links of url_for and its own words


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def register(app: Flask) -> None:
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(lead_in, "lead_in")
    app.add_template_filter(format_datetime_short, "datetime")
    app.add_template_filter(format_date_short, "date")
    app.add_template_filter(format_time_span, "time_span")
    # "Innenstadt/Dorfmitte" may wrap after the slash, not inside a word.
    app.add_template_filter(lambda text: escape(text).replace("/", Markup("/<wbr>")), "wbr")
    app.add_template_filter(lambda dt: (utcnow() - dt).days if dt else 0, "days_since")
    # <time datetime="…">: to the second (HTML allows at most three decimals; Python writes six).
    app.add_template_filter(lambda dt: dt.isoformat(timespec="seconds") if dt else "", "iso")
    app.add_template_filter(lambda n: format_decimal(n), "number")
    app.add_template_filter(format_score, "decimal")
    app.add_template_filter(format_days, "days")
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(format_euros, "euros")
    app.add_template_filter(format_millions, "millions")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(link_glossary, "glossary")

    # Globals, not a context processor: imported macros (macros/lists.html) see them too.
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
    app.add_template_global(url_with, "url_with")
    app.add_template_global(audit_describe, "audit_label")
    app.add_template_global(audit_changes, "audit_changes")
    app.add_template_global(audit_target, "audit_target")
    app.add_template_global(role_label, "role_label")
    app.add_template_global(slug_options, "slug_options")

    @app.context_processor
    def per_request():
        return {"current_locale": str(get_locale())}

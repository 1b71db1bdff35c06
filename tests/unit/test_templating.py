"""The template filters' dates: Europe/Berlin, the same text Babel's format_datetime gives, around DST changes."""

from datetime import datetime, timezone

import pytest
from flask_babel import format_date, format_datetime, to_user_timezone

from app.templating import format_date_short, format_datetime_short, local_time

MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc),  # a minute before summer time
    datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc),   # summer time begins: 03:00 in Berlin
    datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc),  # the hour that comes twice
    datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc),
    datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc),  # already next year in Berlin
]


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.isoformat())
def test_dates_are_what_babel_writes_in_berlin_time(app, moment):
    with app.test_request_context():
        assert format_datetime_short(moment) == format_datetime(moment, "dd.MM.yyyy, HH:mm")
        assert format_date_short(moment) == format_date(moment, "dd.MM.yyyy")
        naive = moment.replace(tzinfo=None)  # as SQLite gives a stored time back: UTC
        assert format_datetime_short(naive) == format_datetime(moment, "dd.MM.yyyy, HH:mm")
        ours, babels = local_time(naive), to_user_timezone(moment)  # the same wall time and offset (the hour that comes twice too)
        assert (ours.replace(tzinfo=None), ours.utcoffset()) == (babels.replace(tzinfo=None), babels.utcoffset())
        assert local_time(moment).utcoffset() == ours.utcoffset()
    assert format_datetime_short(None) == "" and format_date_short(None) == ""


def test_new_year_in_berlin(app):
    with app.test_request_context():
        assert format_datetime_short(MOMENTS[-1]) == "01.01.2027, 00:30"


def test_templates_translate_in_the_request_s_language_and_in_a_forced_one(app):
    """app.i18n.template_translations keeps the catalogue per request and language."""
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Log out') }} {{ ngettext('%(num)s support', '%(num)s supports', 2) }}"
    with app.test_request_context():
        assert render_template_string(template) == "Abmelden 2 Unterstützungen"
        with force_locale("en"):
            assert render_template_string(template) == "Log out 2 supports"
        assert render_template_string(template) == "Abmelden 2 Unterstützungen"

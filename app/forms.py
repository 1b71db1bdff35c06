"""Shared form pieces."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import Length

from app.reasons import REASON_MAX
from app.security import one_line, parse_int


class ActionForm(FlaskForm):
    """An empty form: gives one-button POST actions (log out, support, follow) their CSRF token."""


def form_status() -> int:
    """200 for showing a form, 422 when a sent form comes back with errors."""
    return 200 if request.method == "GET" else 422


def at_most(limit: int) -> Length:
    """The length limit of a text field, with its German message."""
    return Length(max=limit, message=_l("At most %(max)d characters, please.", max=limit))


REASON_LENGTH = at_most(REASON_MAX)  # every reason field (app/reasons.py)


def strip(value):
    """The `filters` entry of every text field: surrounding whitespace goes."""
    return value.strip() if isinstance(value, str) else value


def single_line(value):
    """The `filters` entry of every title field: one line (app.security.one_line), so a title read
    into a mail subject or a CSV cell never carries a line break."""
    return one_line(value) if isinstance(value, str) else value


def coerce_id(value) -> int:
    """`coerce` for select fields of ids: ASCII digits within the database's range, else a field error."""
    if isinstance(value, int):
        return value
    number = parse_int(value)
    if number is None:
        raise ValueError(_l("Please choose one of the options."))
    return number


def coerce_choice_id(value) -> int:
    """`coerce_id` for a required select whose first option is the empty "Please choose" (HTML
    wants value="" there): the empty value is 0, which the form's own check then refuses."""
    return 0 if value in ("", None) else coerce_id(value)


class WholeNumberField(IntegerField):
    """An IntegerField that reads only ASCII digits within the database's range (app.security.parse_int);
    WTForms' own accepts "٣" and numbers PostgreSQL cannot store."""

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        text = valuelist[0]
        if text is None or str(text).strip() == "":
            self.data = None
            return
        self.data = parse_int(str(text))
        if self.data is None:
            raise ValueError(self.gettext(_l("Please enter a whole number with the digits 0–9.")))

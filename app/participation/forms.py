from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.forms import strip
from app.models.participation import COMMENT_MAX, REPORT_NOTE_MAX

REPORT_REASON_LABELS = [
    SelectChoice("spam", _l("Spam")),
    SelectChoice("insult", _l("Insult")),
    SelectChoice("wrong_field", _l("Wrong action field")),
    SelectChoice("personal_data", _l("Personal data")),
    SelectChoice("other", _l("Other")),
]


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        description=_l("Paragraphs, lists and links are possible."),
        validators=[
            DataRequired(_l("Please write a comment.")),
            Length(max=COMMENT_MAX, message=_l("At most %(max)d characters, please.", max=COMMENT_MAX)),
        ],
        filters=[strip],
    )
    parent_id = HiddenField()


class ReportForm(FlaskForm):
    reason = RadioField(_l("Reason"), choices=REPORT_REASON_LABELS, validators=[DataRequired(_l("Please choose a reason."))])
    note = TextAreaField(
        _l("Note (optional)"),
        description=_l("What should the moderation know?"),
        validators=[Optional(), Length(max=REPORT_NOTE_MAX, message=_l("At most %(max)d characters, please.", max=REPORT_NOTE_MAX))],
        filters=[strip],
    )

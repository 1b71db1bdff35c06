from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.forms import single_line, strip
from app.models.notification import ANNOUNCEMENT_BODY_MAX, ANNOUNCEMENT_TITLE_MAX, CHANNELS
from app.notifications import kinds


class SettingsForm(FlaskForm):
    """One radio group per setting (fields are added for the settings this person has)."""

    @classmethod
    def for_settings(cls, settings):
        class Form(cls):
            pass

        for setting, current in settings:
            field = RadioField(
                setting.label,
                choices=[SelectChoice(c, kinds.CHANNEL_LABELS[c]) for c in CHANNELS],
                default=current,
                validators=[DataRequired(_l("Please choose one of the options."))],
            )
            setattr(Form, "s_" + setting.key.replace(".", "_"), field)
        form = Form()
        form.setting_keys = [setting.key for setting, _current in settings]
        return form

    def field_for(self, key: str):
        return self["s_" + key.replace(".", "_")]

    def chosen(self) -> dict[str, str]:
        return {key: self.field_for(key).data for key in self.setting_keys}


class AnnouncementForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Please give the news a title (at most 150 characters).")),
                    Length(max=ANNOUNCEMENT_TITLE_MAX, message=_l("At most %(max)d characters, please.", max=ANNOUNCEMENT_TITLE_MAX))],
        filters=[single_line],
    )
    body = TextAreaField(
        _l("Text"),
        description=_l("Paragraphs, lists and links are possible."),
        validators=[DataRequired(_l("Please write the news (at most 5,000 characters).")),
                    Length(max=ANNOUNCEMENT_BODY_MAX, message=_l("At most %(max)d characters, please.", max=ANNOUNCEMENT_BODY_MAX))],
        filters=[strip],
    )

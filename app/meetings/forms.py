"""The event form of staff: the card of an event, and afterwards its report."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.errors import InvalidInput
from app.forms import WholeNumberField, at_most, coerce_id, single_line, strip
from app.ideas.forms import CheckboxListField
from app.meetings.labels import KIND_LABELS
from app.meetings.services import MeetingInput, check_online_url
from app.models.meeting import CAPACITY_MAX, MEETING_LINE_MAX, MEETING_TEXT_MAX, MEETING_TITLE_MAX, MEETING_URL_MAX
from app.templating import local_zone

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">


def _town_or_none(value) -> int | None:
    return None if value in ("", None) else coerce_id(value)


class MeetingForm(FlaskForm):
    # Always one of the kinds (no empty first option, so no HTML `required`); anything else is refused as no valid choice.
    kind = SelectField(_l("Kind of event"), choices=[SelectChoice(k, label) for k, label in KIND_LABELS.items()])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please give the event a title.")), at_most(MEETING_TITLE_MAX)],
                        filters=[single_line])
    starts_at = DateTimeLocalField(_l("Starts"), format=LOCAL_FORMAT, description=_l("Date and time (German time)."),
                                   validators=[InputRequired(_l("Please enter when the event starts."))])
    ends_at = DateTimeLocalField(_l("Ends"), format=LOCAL_FORMAT, validators=[InputRequired(_l("Please enter when the event ends."))])
    municipality_id = SelectField(_l("Town"), coerce=_town_or_none, validate_choice=False,
                                  description=_l("Empty for an event that takes place online only."))
    address = StringField(_l("Address"), description=_l("E.g. “Rathaus Dülmen, Markt 1, Ratssaal”"),
                          validators=[at_most(MEETING_LINE_MAX)], filters=[single_line])
    online_url = StringField(_l("Link for taking part online"), description=_l("Optional; a complete address beginning with https://"),
                             validators=[at_most(MEETING_URL_MAX)], filters=[strip])
    description = TextAreaField(_l("Description"), validators=[at_most(MEETING_TEXT_MAX)], filters=[strip])
    action_field_ids = CheckboxListField(_l("Action fields"), coerce=coerce_id)
    partners = StringField(_l("Partners"), validators=[at_most(MEETING_LINE_MAX)], filters=[single_line])
    capacity = WholeNumberField(_l("Places (empty: no limit)"),
                                validators=[Optional(), NumberRange(min=1, max=CAPACITY_MAX, message=_l("A number from 1 to %(max)d, please.", max=CAPACITY_MAX))])
    report = TextAreaField(_l("Report afterwards"), description=_l("What came of it; shown on the event's page. Paragraphs, lists and links are possible."),
                           validators=[at_most(MEETING_TEXT_MAX)], filters=[strip])

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The event must end after it starts."))

    def validate_online_url(self, field) -> None:
        try:
            check_online_url(field.data or "")
        except InvalidInput as error:  # its German message goes beside the field
            raise ValidationError(str(error.message)) from None

    def validate_municipality_id(self, field) -> None:
        if field.data is None and not (self.online_url.data or "").strip():
            raise ValidationError(_l("Please choose the town where the event takes place, or give the link for taking part online."))

    def meeting(self) -> MeetingInput:
        return MeetingInput(
            kind=self.kind.data or "", title=self.title.data or "", starts_at=_aware(self.starts_at.data), ends_at=_aware(self.ends_at.data),
            municipality_id=self.municipality_id.data, address=self.address.data or "", online_url=self.online_url.data or "",
            description=self.description.data or "", partners=self.partners.data or "", capacity=self.capacity.data,
            action_field_ids=list(self.action_field_ids.data or []), report=self.report.data or "",
        )


def _aware(local: datetime | None) -> datetime | None:
    """A time typed in the form, which is German time (Europe/Berlin, summer time included)."""
    return local.replace(tzinfo=local_zone()) if local else None


def local_value(moment: datetime) -> datetime:
    """A stored time as the form shows it: German time, without the zone."""
    return moment.astimezone(local_zone()).replace(tzinfo=None)

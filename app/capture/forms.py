"""The card of an idea taken down for someone, with who it is from and how they hear of it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import Optional, ValidationError

from app.auth.forms import public_name, valid_email
from app.capture.services import PUBLIC_NAME_MAX, OnBehalf
from app.forms import at_most, single_line, strip
from app.ideas.forms import IdeaForm


def _meeting_or_none(value) -> int | None:
    return None if value in ("", None) else int(value) if str(value).isdigit() and len(str(value)) < 12 else -1


class CaptureForm(IdeaForm):
    public_name = StringField(_l("Name to show (optional)"),
                              description=_l("As the person wants to be named, e.g. “Maria aus Lette”. Empty: “Participant of the workshop …”."),
                              validators=[at_most(PUBLIC_NAME_MAX), public_name], filters=[single_line])
    meeting_id = SelectField(_l("Collected at the event"), coerce=_meeting_or_none, validate_choice=False)
    email = StringField(_l("E-mail address of the person (optional)"),
                        description=_l("They get a link to take the idea into their own account. Deleted once used, or after 30 days."),
                        validators=[Optional(), valid_email], filters=[strip])
    consent = BooleanField(_l("The person agrees to get this link by e-mail."))
    save_entry = SubmitField(_l("Save and take down the next idea"))

    def validate(self, extra_validators=None) -> bool:
        self.publish.data = True  # the whole card, always: the idea is published for review
        return super().validate(extra_validators)

    def validate_consent(self, field) -> None:
        if (self.email.data or "").strip() and not field.data:
            raise ValidationError(_l("Only with the person's consent: please tick that they agree to get the link by e-mail."))

    def validate_meeting_id(self, field) -> None:
        if field.data == -1 or (field.data is not None and field.data not in {c.value for c in field.choices}):
            raise ValidationError(_l("Please choose an event from the list."))
        if field.data is None and not (self.public_name.data or "").strip():
            raise ValidationError(_l("Please give the name the person wants to be shown with, or choose the event where the idea was collected."))

    def who(self) -> OnBehalf:
        return OnBehalf(public_name=self.public_name.data or "", meeting_id=self.meeting_id.data, email=self.email.data or "",
                        consent=bool(self.consent.data))

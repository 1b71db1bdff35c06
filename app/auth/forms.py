from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.auth import passwords
from app.auth.services import PASSWORD_MAX, PASSWORD_MIN, check_public_name
from app.errors import InvalidInput
from app.forms import coerce_id, strip
from app.models.user import ACCOUNT_CITIZEN, ACCOUNT_ORGANISATION
from app.reference import municipalities

PASSWORD_LENGTH_MESSAGE = _l("The password must be between 12 and 128 characters long.")


def valid_email(form, field) -> None:
    try:
        field.data = validate_email(field.data or "", check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(_l("Please enter a valid e-mail address.")) from exc


def public_name(form, field) -> None:
    """One line, no web address (services.check_public_name)."""
    try:
        field.data = check_public_name(field.data or "")
    except InvalidInput as error:
        raise ValidationError(str(error.message)) from None


class SignupForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254), valid_email],
        filters=[strip],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 12 characters. A sentence you can remember works well."),
        validators=[DataRequired(_l("Please choose a password.")), Length(PASSWORD_MIN, PASSWORD_MAX, PASSWORD_LENGTH_MESSAGE)],
    )
    password_confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(_l("Please repeat the password.")), EqualTo("password", _l("The passwords do not match."))],
    )
    display_name = StringField(
        _l("Display name"),
        description=_l("Shown with your ideas and comments. A pseudonym is fine."),
        validators=[DataRequired(_l("Please enter a display name.")), Length(2, 60, _l("Between 2 and 60 characters, please.")), public_name],
        filters=[strip],
    )
    account_type = RadioField(
        _l("I am signing up as"),
        choices=[SelectChoice(ACCOUNT_CITIZEN, _l("Citizen")), SelectChoice(ACCOUNT_ORGANISATION, _l("Business / organisation"))],
        default=ACCOUNT_CITIZEN,
        validators=[DataRequired(_l("Please choose an account type."))],
    )
    organisation_name = StringField(
        _l("Name of the organisation"),
        description=_l("Only for businesses and organisations; shown on their ideas."),
        validators=[Length(max=120, message=_l("At most 120 characters, please.")), public_name],
        filters=[strip],
    )
    municipality_id = SelectField(_l("Home municipality (optional)"), coerce=coerce_id, validators=[Optional()])
    accept_terms = BooleanField(
        _l("I accept the terms of use and have read the privacy policy."),
        validators=[DataRequired(_l("Please accept the terms of use to sign up."))],
    )
    # Honeypot: hidden from people by CSS and from screen readers by aria-hidden; bots fill it in.
    website = StringField(_l("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = [SelectChoice(0, _l("No answer"))] + [SelectChoice(m.id, m.name) for m in municipalities()]

    def validate_password(self, field) -> None:
        """The rules of app/auth/passwords.py, with this person's address and names as context (not
        again when the field's own length check has said it already)."""
        if field.errors:
            return
        try:
            passwords.check(field.data or "", email=self.email.data or "", names=(self.display_name.data or "", self.organisation_name.data or ""))
        except InvalidInput as error:
            raise ValidationError(str(error.message)) from None

    def validate_organisation_name(self, field) -> None:
        if self.account_type.data == ACCOUNT_ORGANISATION and not field.data:
            raise ValidationError(_l("Please enter the name of your organisation."))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254)],
        filters=[strip],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254), valid_email],
        filters=[strip],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters."),
        validators=[DataRequired(_l("Please choose a password.")), Length(PASSWORD_MIN, PASSWORD_MAX, PASSWORD_LENGTH_MESSAGE)],
    )
    password_confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(_l("Please repeat the password.")), EqualTo("password", _l("The passwords do not match."))],
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes."),
        validators=[DataRequired(_l("Please enter the code.")), Length(max=32, message=_l("This is not a valid code."))],
        filters=[strip],
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        description=_l("Enter the 6-digit code your app shows now."),
        validators=[DataRequired(_l("Please enter the code.")), Length(max=32, message=_l("This is not a valid code."))],
        filters=[strip],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Please enter your current password.")), Length(max=PASSWORD_MAX)])
    password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A sentence you can remember works well."),
        validators=[DataRequired(_l("Please choose a password.")), Length(PASSWORD_MIN, PASSWORD_MAX, PASSWORD_LENGTH_MESSAGE)],
    )
    password_confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(_l("Please repeat the password.")), EqualTo("password", _l("The passwords do not match."))],
    )


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _l("New e-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254), valid_email],
        filters=[strip],
    )
    password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Please enter your current password.")), Length(max=PASSWORD_MAX)])


class ProfileForm(FlaskForm):
    """What others see of the account (the public name) and its home town: the account page."""

    display_name = StringField(
        _l("Display name"),
        description=_l("Shown with your ideas and comments. A pseudonym is fine."),
        validators=[DataRequired(_l("Please enter a display name.")), Length(2, 60, _l("Between 2 and 60 characters, please.")), public_name],
        filters=[strip],
    )
    organisation_name = StringField(
        _l("Name of the organisation"),
        description=_l("Shown on your organisation's ideas."),
        validators=[Length(max=120, message=_l("At most 120 characters, please.")), public_name],
        filters=[strip],
    )
    municipality_id = SelectField(_l("Home municipality (optional)"), coerce=coerce_id, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = [SelectChoice(0, _l("No answer"))] + [SelectChoice(m.id, m.name) for m in municipalities()]


class ContactForm(FlaskForm):
    """A digital officer's contact on their towns' pages (the account page)."""

    contact_name = StringField(_l("Name to publish"), description=_l("Empty: you are not shown as a contact."),
                               validators=[Length(max=80, message=_l("At most 80 characters, please.")), public_name], filters=[strip])
    contact_function = StringField(_l("Function"), description=_l("E.g. “Digitalisierungsbeauftragte der Stadt Dülmen”"),
                                   validators=[Length(max=120, message=_l("At most 120 characters, please.")), public_name], filters=[strip])

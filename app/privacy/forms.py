from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.auth.services import PASSWORD_MAX
from app.forms import strip

KEEP_CONTRIBUTIONS = "behalten"
REMOVE_CONTRIBUTIONS = "entfernen"


class DeleteAccountForm(FlaskForm):
    contributions = RadioField(
        _l("What happens to your published ideas and comments?"),
        choices=[
            SelectChoice(KEEP_CONTRIBUTIONS, _l("They stay, without my name: the author reads “deleted account”.")),
            SelectChoice(REMOVE_CONTRIBUTIONS, _l("Remove them too: my ideas are deleted (with the comments on them), my comments read “Comment deleted”.")),
        ],
        default=KEEP_CONTRIBUTIONS,
        validators=[DataRequired(_l("Please choose what happens to your ideas and comments."))],
    )
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)])
    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("The 6 digits your app shows now, or one of your recovery codes."),
        validators=[Optional(), Length(max=32)],
        filters=[strip],
    )
    confirm = BooleanField(
        _l("I understand that my account cannot be restored"),
        validators=[DataRequired(_l("Please confirm that you want to delete your account."))],
    )

"""The administration's forms: a role change and the reason of a block or unblock."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.forms import REASON_LENGTH, strip
from app.models.user import STAFF_ROLES

GRANT, REVOKE = "grant", "revoke"


class RoleChangeForm(FlaskForm):
    """One button per role on the account page: grant or revoke that role."""

    role = SelectField(choices=[SelectChoice(role, role) for role in STAFF_ROLES])
    change = SelectField(choices=[SelectChoice(GRANT, GRANT), SelectChoice(REVOKE, REVOKE)])


class ReasonForm(FlaskForm):
    """Block or unblock an account, with an optional reason for the audit log."""

    reason = StringField(_l("Reason (optional)"), validators=[Optional(), REASON_LENGTH], filters=[strip])

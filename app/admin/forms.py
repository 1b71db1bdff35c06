"""The administration's forms: roles, blocking, and the district's settings (towns, action fields, criteria, the funding call)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.forms import REASON_LENGTH, WholeNumberField, at_most, coerce_id, single_line, strip
from app.ideas.forms import CheckboxListField
from app.models.site import SITE_TEXT_MAX
from app.models.user import STAFF_ROLES
from app.portfolio.budgets import CallLimits
from app.portfolio.forms import euros_validator as _euros
from app.portfolio.forms import rate_validator as _rate
from app.reference import SITE_TEXTS

GRANT, REVOKE = "grant", "revoke"


class RoleChangeForm(FlaskForm):
    """One button per role on the account page: grant or revoke that role."""

    role = SelectField(choices=[SelectChoice(role, role) for role in STAFF_ROLES])
    change = SelectField(choices=[SelectChoice(GRANT, GRANT), SelectChoice(REVOKE, REVOKE)])


class ReasonForm(FlaskForm):
    """Block or unblock an account, with an optional reason for the audit log."""

    reason = StringField(_l("Reason (optional)"), validators=[Optional(), REASON_LENGTH], filters=[strip])


class OfficerTownsForm(FlaskForm):
    """The towns a digital officer looks after (choices: the 11 towns, set by the view)."""

    towns = CheckboxListField(_l("Towns of this digital officer"), coerce=coerce_id,
                              description=_l("Ideas of these towns: review, official answers, scores, hiding and merging. "
                                             "District-wide ideas stay with the district's moderation."))


class MunicipalityForm(FlaskForm):
    """A town's name and office address (its slug, in every address of its pages, stays)."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the town's name.")), at_most(100)], filters=[single_line])
    office_address = TextAreaField(_l("Office address"),
                                   description=_l("Shown on the town's page, e.g. the town hall's office with street, postcode, opening hours."),
                                   validators=[at_most(500)], filters=[strip])


class ActionFieldForm(FlaskForm):
    """An action field: its name, the Leitbild text, its place in the lists, active or retired."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the action field's name.")), at_most(100)], filters=[single_line])
    description = TextAreaField(_l("Leitbild text"), description=_l("What the strategy says about this action field; shown on the help page."),
                                validators=[at_most(5000)], filters=[strip])
    position = WholeNumberField(_l("Order"), description=_l("Lower numbers come first."),
                                validators=[InputRequired(_l("Please give a number.")), NumberRange(0, 1000, _l("A number from 0 to 1000, please."))])
    active = BooleanField(_l("Active: new ideas can choose it"), default=True)


class CriterionForm(FlaskForm):
    """A criterion of the Relevanz/Potenzial rubric."""

    axis = SelectField(_l("Axis"), choices=[SelectChoice("", _l("Please choose")), SelectChoice("relevance", _l("Relevance")),
                                            SelectChoice("potential", _l("Potential"))],
                       validators=[DataRequired(_l("Please choose the axis: Relevanz or Potenzial."))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the criterion's name.")), at_most(80)], filters=[single_line])
    description = StringField(_l("Guiding question and what 0, 3 and 5 mean"),
                              description=_l("E.g. “Gibt es Partner, die mitziehen? 0 = keine bekannt; 3 = erste Partner in Sicht; 5 = ein starkes Bündnis steht bereit.”"),
                              validators=[at_most(300)], filters=[single_line])
    position = WholeNumberField(_l("Order"), description=_l("Lower numbers come first."),
                                validators=[InputRequired(_l("Please give a number.")), NumberRange(0, 1000, _l("A number from 0 to 1000, please."))])
    active = BooleanField(_l("Active: moderators score it"), default=True)


class FundingCallForm(FlaskForm):
    """The Smart-Cities call's limits: the budget overview warns when the application exceeds them."""

    name = StringField(_l("Name of the call"), validators=[at_most(200)], filters=[single_line])
    max_amount = StringField(_l("Most per application, in euros"), description=_l("E.g. 15.000.000,00"), validators=[_euros])
    max_years = WholeNumberField(_l("Longest funding period in years"),
                                 validators=[InputRequired(_l("Please give a number of years.")), NumberRange(1, 20, _l("A number from 1 to 20, please."))])
    funding_rate = StringField(_l("Funding rate in percent"), description=_l("Of the eligible costs, e.g. 65."), validators=[_rate])
    application_deadline = DateField(_l("Application deadline (optional)"), validators=[Optional()])
    resolutions_deadline = DateField(_l("Deadline for the political resolutions (optional)"), validators=[Optional()])

    def validate_resolutions_deadline(self, field) -> None:
        if field.data and self.application_deadline.data and field.data < self.application_deadline.data:
            raise ValidationError(_l("The deadline for the political resolutions cannot be before the application deadline."))

    def limits(self) -> CallLimits:
        return CallLimits(max_amount=self.max_amount.decimal, max_years=self.max_years.data or 0, funding_rate=self.funding_rate.decimal,
                          application_deadline=self.application_deadline.data, resolutions_deadline=self.resolutions_deadline.data)


class RaumForm(FlaskForm):
    """A Raum of the Smart-Cities call: its name and place in the lists (its slug stays)."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Please give the Raum's name.")), at_most(120)], filters=[single_line])
    position = WholeNumberField(_l("Order"), description=_l("Lower numbers come first."),
                                validators=[InputRequired(_l("Please give a number.")), NumberRange(0, 1000, _l("A number from 0 to 1000, please."))])


class SiteTextsForm(FlaskForm):
    """The site's texts, one field each (SITE_TEXTS); Markdown, empty: not shown."""


for _kind in SITE_TEXTS:
    setattr(SiteTextsForm, _kind.key, TextAreaField(_kind.label, description=_kind.where, validators=[at_most(SITE_TEXT_MAX)], filters=[strip]))

"""Forms of the portfolio: shortlist note, project, budget line, import plan, CSV import."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, Form, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.errors import InvalidInput
from app.forms import REASON_LENGTH, WholeNumberField, at_most, coerce_choice_id, coerce_id, single_line, strip
from app.ideas.forms import CheckboxListField
from app.models.portfolio import (
    BUDGET_LABEL_MAX,
    CONSUMPTIVE,
    CONTACT_MAX,
    DEFAULT_FUNDING_RATE,
    INVESTIVE,
    MILESTONE_TEXT_MAX,
    MILESTONE_TITLE_MAX,
    PHASE_B,
    PHASES,
    PLANNED_LINE,
    PRIORITY_GROUPS,
    PROJECT_TEXT_MAX,
    PROJECT_TITLE_MAX,
    RELEASE_STATUSES,
    RESPONSIBLE_MAX,
    TRIAL_LINE_MAX,
    TRIAL_TEXT_MAX,
    YEAR_MAX,
    YEAR_MIN,
)
from app.portfolio import budgets, imports, labels
from app.portfolio.services import BudgetInput, MilestoneInput, ProjectData, TrialInput
from app.reference import action_fields, municipalities, project_choice, projects, raeume
from app.security import parse_int


def _euros(form, field) -> None:
    try:
        field.decimal = budgets.parse_euros("" if field.data is None else str(field.data))
    except InvalidInput as error:
        raise ValidationError(str(error.message)) from None


def _optional_euros(form, field) -> None:
    """An amount or nothing (then 0,00 €)."""
    if not (field.data or "").strip():
        field.decimal = budgets.ZERO
        return
    _euros(form, field)


def _rate(form, field) -> None:
    try:
        field.decimal = budgets.parse_rate("" if field.data is None else str(field.data))
    except InvalidInput as error:
        raise ValidationError(str(error.message)) from None


# For other areas' forms with amounts and rates (the funding call's limits).
euros_validator, rate_validator = _euros, _rate


def _field_choices():
    return [SelectChoice(f.id, f.name) for f in action_fields(active_only=False)]


def _municipality_choices():
    return [SelectChoice(m.id, m.name) for m in municipalities()]


PRIORITY_CHOICES = [SelectChoice("", labels.NO_PRIORITY_LABEL), *[SelectChoice(g, _l("Priority %(group)s", group=g)) for g in PRIORITY_GROUPS]]
KIND_CHOICES = [SelectChoice(kind, labels.KIND_LABELS[kind]) for kind in (INVESTIVE, CONSUMPTIVE)]
PHASE_CHOICES = [SelectChoice(phase, labels.PHASE_LABELS[phase]) for phase in PHASES]
RELEASE_CHOICES = [SelectChoice(status, labels.RELEASE_LABELS[status]) for status in RELEASE_STATUSES]
DEFAULT_RATE_TEXT = budgets.input_text(DEFAULT_FUNDING_RATE.normalize())  # "65"


class ShortlistForm(FlaskForm):
    note = TextAreaField(
        _l("Note"),
        description=_l("Why the steering committee decides so. Shown in the idea's public history."),
        validators=[Optional(), REASON_LENGTH],
        filters=[strip],
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for declining"),
        description=_l("Required. Shown in the idea's public history and on “Wie entschieden wurde”."),
        validators=[DataRequired(_l("Please give a reason.")), REASON_LENGTH],
        filters=[strip],
    )


class ProjectFields:
    """The project's fields, shared by the edit form and the import plan."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("Please give the project a title.")), at_most(PROJECT_TITLE_MAX)], filters=[single_line])
    description = TextAreaField(_l("Description"), validators=[at_most(PROJECT_TEXT_MAX)], filters=[strip])
    action_field_id = SelectField(_l("Action field"), coerce=coerce_id, validate_choice=False)
    municipality_id = SelectField(
        _l("Lead municipality"), description=_l("Choose the district for projects that concern every town."), coerce=coerce_id, validate_choice=False
    )
    priority_group = SelectField(_l("Priority group"), choices=PRIORITY_CHOICES)

    def set_choices(self) -> None:
        self.action_field_id.choices = _field_choices()
        self.municipality_id.choices = _municipality_choices()

    def validate_action_field_id(self, field) -> None:
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Please choose an action field."))

    def validate_municipality_id(self, field) -> None:
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Please choose a municipality."))

    def data_(self) -> ProjectData:
        return ProjectData(
            title=self.title.data or "",
            action_field_id=self.action_field_id.data or 0,
            municipality_id=self.municipality_id.data or None,
            priority_group=self.priority_group.data or None,
            description=self.description.data or "",
        )


class ProjectForm(ProjectFields, FlaskForm):
    goals = TextAreaField(_l("Goals"), validators=[at_most(PROJECT_TEXT_MAX)], filters=[strip])
    responsible_body = StringField(
        _l("Responsible body"), description=_l("E.g. Kreisentwicklung, a town's administration or the wfc."), validators=[at_most(RESPONSIBLE_MAX)], filters=[single_line]
    )
    status = SelectField(_l("Status"), choices=[SelectChoice(s, label) for s, label in labels.PROJECT_STATUS_LABELS.items()])
    partner_town_ids = CheckboxListField(_l("Partner towns"), description=_l("The towns taking part beside the lead town."), coerce=coerce_id)
    raum_id = SelectField(_l("Raum of the Smart-Cities call"), description=_l("The funding application groups its projects by Raum."),
                          coerce=coerce_choice_id, validate_choice=False)
    in_application = BooleanField(_l("Part of the funding application"),
                                  description=_l("The call's limits (most per application, funding period, rate) are checked against these projects."))
    contact_name = StringField(_l("Contact: name (optional)"), description=_l("Only with the person's consent; empty: the responsible body is the contact."),
                               validators=[at_most(CONTACT_MAX)], filters=[single_line])
    contact_function = StringField(_l("Contact: function (optional)"), description=_l("E.g. “Digitalisierungsbeauftragte der Stadt Dülmen”"),
                                   validators=[at_most(CONTACT_MAX)], filters=[single_line])
    reason = TextAreaField(
        _l("Reason for the change"),
        description=_l("Optional. When the status changes, it is shown in the project's public history."),
        validators=[Optional(), REASON_LENGTH],
        filters=[strip],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices()
        self.partner_town_ids.choices = [SelectChoice(m.id, m.name) for m in municipalities() if not m.is_district]
        self.raum_id.choices = [SelectChoice("", _l("not assigned")), *(SelectChoice(r.id, r.name) for r in raeume())]

    def validate_raum_id(self, field) -> None:
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Please choose a Raum from the list."))

    def data_(self) -> ProjectData:
        data = ProjectFields.data_(self)
        data.goals = self.goals.data or ""
        data.responsible_body = self.responsible_body.data or ""
        data.status = self.status.data
        data.contact_name = self.contact_name.data or ""
        data.contact_function = self.contact_function.data or ""
        data.partner_town_ids = list(self.partner_town_ids.data or [])
        data.raum_id = self.raum_id.data or None
        data.in_application = bool(self.in_application.data)
        return data


class BudgetLineForm(FlaskForm):
    label = StringField(_l("Budget line"), description=_l("What the money is for."), validators=[DataRequired(_l("Please name the budget line.")), at_most(BUDGET_LABEL_MAX)], filters=[single_line])
    year = WholeNumberField(
        _l("Year"),
        validators=[
            InputRequired(_l("Please enter a year between %(min)d and %(max)d.", min=YEAR_MIN, max=YEAR_MAX)),
            NumberRange(YEAR_MIN, YEAR_MAX, _l("Please enter a year between %(min)d and %(max)d.", min=YEAR_MIN, max=YEAR_MAX)),
        ],
        default=lambda: date.today().year,
    )
    kind = RadioField(_l("Kind of cost"), choices=KIND_CHOICES, default=INVESTIVE, validators=[InputRequired(_l("Please choose investive or consumptive."))])
    amount = StringField(_l("Amount in euros"), description=_l("E.g. 12.500,00"), validators=[_euros])
    funding_rate = StringField(
        _l("Funding rate in percent"), description=_l("The funding call pays 65 %."), default=DEFAULT_RATE_TEXT, validators=[_rate]
    )
    third_party = StringField(
        _l("Third-party money in euros (optional)"),
        description=_l("From companies, foundations, the Land or the EU towards the own share: at most half of it, never the funding."),
        validators=[_optional_euros],
    )
    phase = RadioField(_l("Phase"), choices=PHASE_CHOICES, default=PHASE_B, validators=[InputRequired(_l("Please choose Phase A or Phase B."))])
    release_status = RadioField(_l("Release status"), choices=RELEASE_CHOICES, default=PLANNED_LINE,
                                 validators=[InputRequired(_l("Please choose the release status."))])

    def validate_third_party(self, field) -> None:
        amount, rate, given = (getattr(f, "decimal", None) for f in (self.amount, self.funding_rate, field))
        if amount is None or rate is None or given is None:
            return  # a wrong amount or rate has its own message
        if too_much := budgets.third_party_problem(amount, rate, given):
            raise ValidationError(too_much)

    def line(self) -> BudgetInput:
        return BudgetInput(
            label=self.label.data or "", year=self.year.data, kind=self.kind.data, amount=self.amount.decimal, funding_rate=self.funding_rate.decimal,
            phase=self.phase.data, release_status=self.release_status.data, third_party=self.third_party.decimal,
        )


class BudgetPart:
    """An optional budget line in an import: a new project's first, or one added with contributions."""

    budget_label = StringField(_l("Name"), description=_l("E.g. “Sensors and installation”"), validators=[at_most(BUDGET_LABEL_MAX)], filters=[single_line])
    budget_year = WholeNumberField(
        _l("Year"), validators=[Optional(), NumberRange(YEAR_MIN, YEAR_MAX, _l("Please enter a year between %(min)d and %(max)d.", min=YEAR_MIN, max=YEAR_MAX))]
    )
    budget_kind = RadioField(_l("Kind of cost"), choices=KIND_CHOICES, default=INVESTIVE)
    budget_amount = StringField(_l("Amount in euros"), description=_l("E.g. 12.500,00"))
    budget_rate = StringField(_l("Funding rate in percent"), default=DEFAULT_RATE_TEXT, validators=[_rate])

    def validate_budget_amount(self, field) -> None:
        if self.budget_label.data or (field.data or "").strip():
            if not self.budget_label.data:
                self.budget_label.errors.append(str(_l("Please name the budget line.")))
            if self.budget_year.data is None:
                self.budget_year.errors.append(str(_l("Please enter a year between %(min)d and %(max)d.", min=YEAR_MIN, max=YEAR_MAX)))
            _rate(self, self.budget_rate)
            _euros(self, field)

    def preview(self) -> tuple | None:
        """(funding, own share) of the budget line as typed, or None while it is incomplete or wrong."""
        if not self.budget_label.data or self.budget_amount.errors or self.budget_rate.errors:
            return None
        amount, rate = getattr(self.budget_amount, "decimal", None), getattr(self.budget_rate, "decimal", None)
        if amount is None or rate is None:
            return None
        return budgets.funding(amount, rate), budgets.own_share(amount, rate)

    def budget(self) -> BudgetInput | None:
        if not self.budget_label.data:
            return None
        return BudgetInput(
            label=self.budget_label.data,
            year=self.budget_year.data,
            kind=self.budget_kind.data,
            amount=self.budget_amount.decimal,
            funding_rate=self.budget_rate.decimal,
        )


class PlanForm(ProjectFields, BudgetPart, Form):
    """One project of an import: its ideas (ids), fields and an optional first budget line."""

    idea_ids = HiddenField()

    def id_list(self) -> list[int]:
        return _id_list(self.idea_ids.data)


def _id_list(text: str | None) -> list[int]:
    return [number for part in (text or "").split(",") if (number := parse_int(part)) is not None]


class ContributionForm(BudgetPart, FlaskForm):
    """The import's third choice: shortlisted ideas (ids) added to an existing project, with an
    optional budget line for that project."""

    idea_ids = HiddenField()
    project = SelectField(_l("Add to the project"), coerce=coerce_choice_id, validate_choice=False,
                          validators=[InputRequired(_l("Please choose a project of the portfolio from the list."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.project.choices = [SelectChoice("", _l("Please choose"))] + [SelectChoice(p.id, project_choice(p)) for p in projects()]

    def id_list(self) -> list[int]:
        return _id_list(self.idea_ids.data)


class ImportForm(FlaskForm):
    projects = FieldList(FormField(PlanForm), min_entries=1, max_entries=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for entry in self.projects:
            entry.form.set_choices()


class CsvImportForm(FlaskForm):
    kind = RadioField(
        _l("What does the file contain?"),
        choices=[SelectChoice(imports.PROJECTS, _l("Projects")), SelectChoice(imports.BUDGET, _l("Budget lines"))],
        default=imports.PROJECTS,
        validators=[InputRequired(_l("Please choose what the file contains."))],
    )
    file = FileField(
        _l("CSV file"),
        description=_l("Semicolon- or comma-separated, at most %(kb)d KB and %(rows)d rows.", kb=imports.MAX_BYTES // 1024, rows=imports.MAX_ROWS),
        validators=[
            FileRequired(_l("Please choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Please choose a CSV file (.csv).")),
            FileSize(max_size=imports.MAX_BYTES, message=_l("The file is larger than %(kb)d KB. Please split it.", kb=imports.MAX_BYTES // 1024)),
        ],
    )


class CsvConfirmForm(FlaskForm):
    """Carries the checked file, signed, from the preview to the import."""

    token = HiddenField()


class NextStepsForm(FlaskForm):
    """A project's official "Was passiert als Nächstes?"."""

    text = TextAreaField(
        _l("What happens next?"),
        description=_l("Shown on the project's page with today's date; the project's followers hear of it. Paragraphs, lists and links are possible. Empty: no text."),
        validators=[at_most(5000)],
        filters=[strip],
    )


class MilestoneForm(FlaskForm):
    """A milestone of a project: what, planned when, done when, a short text."""

    title = StringField(_l("Milestone"), validators=[DataRequired(_l("Please name the milestone.")), at_most(MILESTONE_TITLE_MAX)],
                        filters=[single_line])
    planned_on = DateField(_l("Planned for"), validators=[InputRequired(_l("Please enter the planned date."))])
    done_on = DateField(_l("Done on (empty while it is not done)"), validators=[Optional()])
    text = TextAreaField(_l("Short text"), validators=[at_most(MILESTONE_TEXT_MAX)], filters=[strip])

    def validate_done_on(self, field) -> None:
        if field.data and self.planned_on.data and field.data < self.planned_on.data:
            raise ValidationError(_l("A milestone cannot be done before its planned date. Correct the planned date if it was earlier."))

    def milestone(self) -> MilestoneInput:
        return MilestoneInput(title=self.title.data or "", planned_on=self.planned_on.data, done_on=self.done_on.data, text=self.text.data or "")


class TrialForm(FlaskForm):
    """A trial of a project in the Reallabor."""

    what = TextAreaField(_l("What is tested"), validators=[DataRequired(_l("Please say what is tested.")), at_most(TRIAL_TEXT_MAX)], filters=[strip])
    municipality_id = SelectField(_l("Municipality"), coerce=coerce_choice_id, validate_choice=False,
                                  validators=[InputRequired(_l("Please choose a municipality."))])
    place = StringField(_l("Place"), description=_l("E.g. “Bahnhof Dülmen, Busbahnhof”"), validators=[at_most(TRIAL_LINE_MAX)], filters=[single_line])
    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Please enter the first day of the trial."))])
    ends_on = DateField(_l("Until (empty while open)"), validators=[Optional()])
    partners = StringField(_l("With whom"), description=_l("Partners, e.g. “Bürgerbusverein, Stadtwerke”"), validators=[at_most(TRIAL_LINE_MAX)],
                           filters=[single_line])
    result = TextAreaField(_l("Result"), description=_l("What came of it (once known)."), validators=[at_most(TRIAL_TEXT_MAX)], filters=[strip])
    figures = StringField(_l("Figures (optional)"), description=_l("E.g. “120 trips, 4.5 of 5 stars”"), validators=[at_most(TRIAL_LINE_MAX)],
                          filters=[single_line])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id.choices = [SelectChoice("", _l("Please choose"))] + [SelectChoice(m.id, m.name) for m in municipalities()]

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("A trial cannot end before it starts."))

    def trial(self) -> TrialInput:
        return TrialInput(what=self.what.data or "", municipality_id=self.municipality_id.data or None, starts_on=self.starts_on.data,
                          ends_on=self.ends_on.data, place=self.place.data or "", partners=self.partners.data or "",
                          result=self.result.data or "", figures=self.figures.data or "")

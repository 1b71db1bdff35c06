from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from app.forms import at_most, coerce_choice_id, coerce_id, single_line, strip
from app.ideas.services import IdeaCard
from app.models.idea import IMAGE_ALT_MAX, LONG_TEXT_MAX, PARTNERS_MAX, SUMMARY_MAX, TITLE_MAX
from app.reasons import REASON_MAX
from app.reference import action_fields, find_project, municipalities, projects


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ChoiceOrEmptyField(SelectField):
    """A select whose empty first option ("Please choose") is a valid answer here: the form decides
    when it is needed (to publish), with its own message."""

    def pre_validate(self, form) -> None:
        if self.data:
            super().pre_validate(form)


class IdeaForm(FlaskForm):
    """The strategy's draft card ("ENTWURF")."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Please give your idea a title.")), at_most(TITLE_MAX)],
        filters=[single_line],
    )
    summary = TextAreaField(
        _l("Short description"),
        description=_l("What is the idea? In a few sentences."),
        validators=[at_most(SUMMARY_MAX)],
        filters=[strip],
    )
    benefit = TextAreaField(
        _l("Central benefit of the idea"),
        description=_l("Who gains what? Paragraphs, lists and links are possible."),
        validators=[at_most(LONG_TEXT_MAX)],
        filters=[strip],
    )
    challenges = TextAreaField(
        _l("Expected challenges and difficulties"),
        description=_l("What could stand in the way? Paragraphs, lists and links are possible."),
        validators=[at_most(LONG_TEXT_MAX)],
        filters=[strip],
    )
    action_field_ids = CheckboxListField(
        _l("Action fields"),
        description=_l("Choose one or more."),
        coerce=coerce_id,
    )
    municipality_id = ChoiceOrEmptyField(
        _l("Municipality"),
        description=_l("Where should the idea take effect? Choose the district for ideas that concern every town."),
        coerce=coerce_choice_id,
    )
    partners = TextAreaField(
        _l("Possible partners (optional)"),
        description=_l("Who could help make it happen: partners, networks, clubs."),
        validators=[at_most(PARTNERS_MAX)],
        filters=[strip],
    )
    save_draft = SubmitField(_l("Save as draft"))
    publish = SubmitField(_l("Publish"))
    # The step before publishing a new idea: similar ideas are shown once; then "Publish" publishes.
    check_similar = SubmitField(_l("Check for similar ideas"))
    similar_checked = HiddenField(default="")
    # "Meine Idee ergänzt ein bestehendes Projekt": typed or chosen from the list (a <datalist>:
    # the browser offers matching projects by number or title, no JavaScript needed).
    builds_on = StringField(  # not "project": IdeaForm(obj=idea) would fill it with the Project itself
        _l("My idea builds on an existing project (optional)"),
        description=_l("The project's number or title, e.g. “P20”. Leave empty for a new idea of its own."),
        validators=[at_most(250)],
        filters=[strip],
        render_kw={"list": "portfolio-projects", "autocomplete": "off"},
    )
    # A picture in the form itself (optional; more later on the idea's picture page). A kept upload
    # travels in picture_token when the form comes back (app/ideas/images.py, keep_upload).
    picture = FileField(
        _l("Picture file"),
        description=_l("JPEG, PNG or WebP, at most 10 MB. We remove location and camera data. You can add more pictures later."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    picture_alt = StringField(
        _l("What does the picture show?"),
        description=_l("For people who cannot see it, e.g. “Bench with a sign at the bus stop in Billerbeck”. At most 300 characters."),
        validators=[at_most(IMAGE_ALT_MAX)],
        filters=[strip],
    )
    picture_token = HiddenField(default="")
    # The gate's "support this one instead" buttons (name support_instead, value: the idea's id): the
    # card is kept as a private draft and the person goes to that idea. Never rendered as a field.
    support_instead = HiddenField(default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_field_ids.choices = [SelectChoice(f.id, f.name) for f in action_fields()]
        self.municipality_id.choices = [SelectChoice("", _l("Please choose"))] + [SelectChoice(m.id, m.name) for m in municipalities()]
        self.project_choices = projects()

    # What publishing needs beyond the title; a private draft needs only the title (the services
    # check the same again: app/ideas/services.py, _check_card(complete=True) and _require_complete).
    # "Check for similar ideas" never gets here: the view answers it before validating.
    REQUIRED_TO_PUBLISH = (
        ("summary", _l("Please describe your idea briefly.")),
        ("benefit", _l("Please describe the central benefit.")),
        ("challenges", _l("Please name the expected challenges.")),
        ("action_field_ids", _l("Please choose at least one action field.")),
        ("municipality_id", _l("Please choose a municipality.")),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.publish.data:
            for name, message in self.REQUIRED_TO_PUBLISH:
                field = self[name]
                if not field.data and not field.errors:
                    field.errors = [*field.errors, message]
                    valid = False
        return valid

    def similar_idea_chosen(self) -> int | None:
        """The id of the similar idea whose "support instead" button was pressed, if one was."""
        value = (self.support_instead.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 12 else None

    def validate_builds_on(self, field) -> None:
        if field.data and find_project(field.data, self.project_choices) is None:
            raise ValidationError(_l("Please choose a project of the portfolio from the list."))

    def project_id(self) -> int | None:
        found = find_project(self.builds_on.data or "", self.project_choices)
        return found.id if found else None

    def similarity_text(self) -> str:
        return f"{self.title.data or ''} {self.summary.data or ''}"

    def card(self) -> IdeaCard:
        return IdeaCard(
            title=self.title.data or "",
            summary=self.summary.data or "",
            benefit=self.benefit.data or "",
            challenges=self.challenges.data or "",
            municipality_id=self.municipality_id.data or 0,
            action_field_ids=list(self.action_field_ids.data or []),
            partners=self.partners.data or "",
            project_id=self.project_id(),
        )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown publicly on the idea page."),
        validators=[DataRequired(_l("Please give a reason.")), at_most(REASON_MAX)],
        filters=[strip],
    )


class ImageForm(FlaskForm):
    """One picture with its alternative text (app/ideas/images.py checks the file itself)."""

    picture = FileField(
        _l("Picture"),
        description=_l("JPEG, PNG or WebP, at most 10 MB. We remove location and camera data."),
        validators=[FileRequired(_l("Please choose a picture."))],
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    alt_text = StringField(
        _l("What does the picture show?"),
        description=_l("For people who cannot see it, e.g. “Bench with a sign at the bus stop in Billerbeck”. At most 300 characters."),
        validators=[DataRequired(_l("Please describe the picture for people who cannot see it.")), at_most(IMAGE_ALT_MAX)],
        filters=[strip],
    )

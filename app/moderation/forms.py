from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from app.forms import REASON_LENGTH, WholeNumberField, at_most, coerce_id, strip
from app.ideas.forms import CheckboxListField
from app.models.moderation import ANSWER_MAX, SCORE_MAX, SCORE_MIN, SCORE_NOTE_MAX, SIGNATURE_MAX
from app.reasons import REASON_MAX
from app.reference import action_fields, municipalities, project_choice, projects


class StatusForm(FlaskForm):
    to_status = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Public reason"),
        description=_l("Shown on the idea page. Required when declining."),
        validators=[Optional(), REASON_LENGTH],
        filters=[strip],
    )


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Kept in the audit log; the author does not see it."),
        validators=[DataRequired(_l("Please give a reason.")), REASON_LENGTH],
        filters=[strip],
    )


class RestoreForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), REASON_LENGTH], filters=[strip])


class MergeForm(FlaskForm):
    target_id = WholeNumberField(
        _l("Number of the idea to merge into"),
        description=_l("The number is in the idea's address, e.g. 42 in /ideen/42. Similar ideas are listed above."),
        validators=[InputRequired(_l("Please give the number of the idea.")), NumberRange(min=1, message=_l("Please give the number of the idea."))],
    )
    reason = TextAreaField(
        _l("Public reason"),
        description=_l("Shown on both idea pages."),
        validators=[DataRequired(_l("Please give a reason; it will be shown publicly.")), REASON_LENGTH],
        filters=[strip],
    )


class AnswerForm(FlaskForm):
    body = TextAreaField(
        _l("Official answer"),
        description=_l("Shown prominently on the idea page. Paragraphs, lists and links are possible."),
        validators=[
            DataRequired(_l("Please write the answer.")),
            at_most(ANSWER_MAX),
        ],
        filters=[strip],
    )
    signature = StringField(
        _l("Signed as"),
        description=_l("Role and place, e.g. “Moderation, Dülmen”."),
        validators=[
            DataRequired(_l("Please sign the answer.")),
            at_most(SIGNATURE_MAX),
        ],
        filters=[strip],
    )


SCORE_CHOICES = [SelectChoice(str(v), str(v)) for v in range(SCORE_MIN, SCORE_MAX + 1)]


def score_form_class(criteria):
    """A form with a 0–5 choice and a note per active criterion (criteria are data, not code)."""

    class ScoreForm(FlaskForm):
        pass

    for criterion in criteria:
        setattr(
            ScoreForm,
            f"value_{criterion.id}",
            RadioField(
                criterion.name,
                choices=SCORE_CHOICES,
                validators=[InputRequired(_l("Please choose a score from 0 to 5."))],
            ),
        )
        setattr(
            ScoreForm,
            f"note_{criterion.id}",
            TextAreaField(
                _l("Note on “%(criterion)s” (optional)", criterion=criterion.name),
                validators=[Optional(), at_most(SCORE_NOTE_MAX)],
                filters=[strip],
            ),
        )
    return ScoreForm


class ProjectLinkForm(FlaskForm):
    """The portfolio project an idea builds on: chosen, changed or removed, with a public reason."""

    project = SelectField(_l("Project the idea builds on"), coerce=coerce_id, validate_choice=False)
    link_reason = TextAreaField(
        _l("Public reason"),
        description=_l("Shown in the idea's history."),
        validators=[DataRequired(_l("Please give a reason.")), REASON_LENGTH],
        filters=[strip],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.project.choices = [SelectChoice(0, _l("No project"))] + [SelectChoice(p.id, project_choice(p)) for p in projects()]


class MoveForm(FlaskForm):
    """Move an idea to other action fields or another town, with a public reason."""

    action_field_ids = CheckboxListField(_l("Action fields"), coerce=coerce_id)
    municipality_id = SelectField(_l("Municipality"), coerce=coerce_id)
    move_reason = TextAreaField(_l("Public reason"), description=_l("Shown in the idea's history, e.g. “The idea is about school routes: Bildung.”"),
                                validators=[DataRequired(_l("Please give a reason.")), at_most(REASON_MAX)], filters=[strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_field_ids.choices = [SelectChoice(f.id, f.name) for f in action_fields()]
        self.municipality_id.choices = [SelectChoice(m.id, m.name) for m in municipalities()]

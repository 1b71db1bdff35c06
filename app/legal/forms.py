from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.forms import at_most, strip
from app.models.legal import BARRIER_TEXT_MAX, LEGAL_TEXT_MAX


class LegalTextForm(FlaskForm):
    body = TextAreaField(
        _l("Text"),
        description=_l("Markdown: paragraphs, **bold**, lists and links. Every save is a new version with its date."),
        validators=[DataRequired(_l("Please write the text (at most 50,000 characters).")),
                    Length(max=LEGAL_TEXT_MAX, message=_l("Please write the text (at most 50,000 characters)."))],
        filters=[strip],
    )
    material = BooleanField(
        _l("Material change"),
        description=_l("Only for the terms of use: everyone who is signed in accepts the new version before contributing again."),
    )


class AcceptTermsForm(FlaskForm):
    accept = BooleanField(_l("I accept the terms of use and have read the privacy policy."),
                          validators=[DataRequired(_l("Please accept the terms of use to continue."))])


class BarrierForm(FlaskForm):
    page = StringField(_l("Page or address (optional)"), description=_l("Where did you notice the barrier?"),
                       validators=[Optional(), at_most(500)], filters=[strip])
    description = TextAreaField(
        _l("What is the barrier?"),
        description=_l("E.g. “The button cannot be reached with the keyboard” or “The contrast is too low”."),
        validators=[DataRequired(_l("Please describe the barrier (at most 5,000 characters).")),
                    Length(max=BARRIER_TEXT_MAX, message=_l("Please describe the barrier (at most 5,000 characters)."))],
        filters=[strip],
    )
    name = StringField(_l("Your name (optional)"), validators=[Optional(), at_most(120)], filters=[strip])
    email = EmailField(_l("Your e-mail address (optional, for our answer)"),
                       validators=[Optional(), Email(_l("Please enter a valid e-mail address.")), Length(max=254)], filters=[strip])

"""The staff export of ideas: every public idea with counts and axis scores.

For staff only (moderation, steering committee, administration): it lists
hidden ideas too, marked as such, and the organisation an idea came from, but
no e-mail addresses or names of private persons.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.exports import Table
from app.extensions import db
from app.ideas import images, states
from app.models import Idea
from app.models.idea import DRAFT
from app.moderation import rubric


def ideas_table() -> Table:
    ideas = db.session.scalars(
        select(Idea)
        .where(Idea.status != DRAFT)
        .options(joinedload(Idea.author), joinedload(Idea.municipality), joinedload(Idea.project), selectinload(Idea.action_fields),
                 selectinload(Idea.images))
        .order_by(Idea.id)
    ).all()
    scores = rubric.scores_for_ideas([i.id for i in ideas])
    table = Table(
        _("Ideas"),
        [
            _("ID"), _("Title"), _("State"), _("Action fields"), _("Municipality"), _("Organisation"), _("Published"),
            _("Supports"), _("Comments"), _("Relevance"), _("Potential"), _("Scored by"), _("Hidden"), _("Project"),
            _("Pictures"),
        ],
    )
    for idea in ideas:
        axes = scores[idea.id]
        table.rows.append(
            [
                idea.id,
                idea.title,
                states.label(idea.status),
                ", ".join(f.name for f in idea.action_fields),
                idea.municipality.name,
                idea.author.organisation_name if idea.author.is_organisation else "",
                idea.published_at,
                idea.support_count,
                idea.comment_count,
                axes["relevance"].mean,
                axes["potential"].mean,
                max(axes["relevance"].scorers, axes["potential"].scorers),
                idea.is_hidden,
                idea.project.code if idea.project else "",
                "\n".join(f"{images.public_address(i)} ({i.alt_text})" for i in idea.images),
            ]
        )
    return table

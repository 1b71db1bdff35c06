from __future__ import annotations

from flask import Blueprint, abort, current_app
from sqlalchemy import select

from app.cache import layers
from app.extensions import db
from app.ideas import queries as idea_queries
from app.ideas import states
from app.meetings import queries as meeting_queries
from app.models import Municipality
from app.templating import local_today
from app.towns import charts, queries

bp = Blueprint("towns", __name__, url_prefix="/kommunen")


@bp.route("")
def index():
    """The 12 compared: ideas, supports, answered within the promised days, projects."""
    days = current_app.config["NOTIFY_ANSWER_WAITING_DAYS"]
    figures = queries.figures(days)
    return layers.render_page("towns/index.html", figures=figures, days=days, chart=charts.towns_chart(figures))


@bp.route("/<slug>")
def show(slug: str):
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug[:60]))
    if town is None:
        abort(404)
    days = current_app.config["NOTIFY_ANSWER_WAITING_DAYS"]
    mine = next(f for f in queries.figures(days) if f.town.id == town.id)
    newest = idea_queries.list_ideas(idea_queries.IdeaFilters(municipality=town.slug), 5, card=True)
    return layers.render_page(
        "towns/show.html", town=town, figures=mine, days=days, newest=newest.items,
        states=[(s, states.label(s)) for s in states.LABELS if s in mine.by_status],
        projects=queries.town_projects(town), trials=queries.town_trials(town, local_today()),
        meetings=meeting_queries.upcoming_in(town), contacts=queries.town_contacts(town),
    )

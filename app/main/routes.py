from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from app import reference
from app.forms import ActionForm
from app.i18n import is_supported
from app.ideas import queries
from app.security import safe_redirect_target

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    fields = reference.action_fields()
    return render_template(
        "main/index.html",
        fields=fields,
        field_counts=queries.idea_counts_by_action_field(),
        newest=queries.top_ideas("newest", 5),
        most_supported=queries.top_ideas("supported", 5),
    )


@bp.route("/sprache", methods=["POST"])
def set_language():
    form = ActionForm()
    lang = request.form.get("lang")
    if form.validate_on_submit() and is_supported(lang):
        session["lang"] = lang
    return redirect(safe_redirect_target(request.form.get("next"), url_for("main.index")))

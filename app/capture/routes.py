"""Taking down ideas for people who are not online (/erfassen), one after the other, and the page
where the person claims an idea with the link from the mail."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.auth.decorators import confirmed_required, role_required
from app.capture import services
from app.capture.forms import CaptureForm
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm, form_status
from app.meetings import queries as meeting_queries
from app.models import Idea, utcnow
from app.security import parse_int
from app.templating import format_date_short
from app.views import attempt

bp = Blueprint("capture", __name__)
capture_required = role_required(*services.CAPTURE_ROLES)
RECENT_ENTRIES = 20


def _form(**kwargs) -> CaptureForm:
    form = CaptureForm(**kwargs)
    # Events of the last 30 days and the coming ones: where ideas are collected.
    meetings = meeting_queries.starting_since(utcnow() - timedelta(days=30))
    form.meeting_id.choices = [SelectChoice("", _("— none —")), *(SelectChoice(m.id, f"{m.title} ({format_date_short(m.starts_at)})") for m in meetings)]
    return form


@bp.route("/erfassen", methods=["GET", "POST"])
@capture_required
def take_down():
    """The card and who it is from; after saving, the form comes back empty with the same event
    chosen, for the next idea from the same wall."""
    form = _form()
    if request.method == "GET":
        form.meeting_id.data = parse_int(request.args.get("veranstaltung"))
    if form.validate_on_submit() and (done := attempt(services.take_down, current_user, form.card(), form.who(), errors_to=form)):
        idea, _token = done.value
        flash(_("Saved: “%(title)s” is published for review. Take down the next idea.", title=idea.title), "success")
        return redirect(url_for("capture.take_down", veranstaltung=idea.meeting_id) + "#titel", code=303)
    entries = db.session.scalars(select(Idea).where(Idea.entered_by_id == current_user.id)
                                 .order_by(Idea.entered_at.desc()).limit(RECENT_ENTRIES)).all()
    return render_template("capture/form.html", form=form, entries=entries), form_status()


@bp.route("/ideen/uebernehmen/<token>", methods=["GET", "POST"])
def claim(token: str):
    """The link from the mail: the idea, and a button to take it into the signed-in account."""
    found = services.claim_of(token)
    if found is None:
        abort(404)
    try:
        services.check_claimable(found)
    except DomainError as error:
        return render_template("capture/claim.html", claim=found, idea=found.idea, problem=str(error.message)), 410
    if request.method == "POST":
        return _claim_now(token)
    return render_template("capture/claim.html", claim=found, idea=found.idea, problem=None, form=ActionForm())


@confirmed_required
def _claim_now(token: str):
    found = services.claim_of(token)
    if found is None:
        abort(404)
    done = attempt(services.claim_idea, found, current_user, success=_("The idea now belongs to your account."))
    if not done:
        return redirect(url_for("capture.claim", token=token), code=303)
    return redirect(url_for("ideas.show", idea_id=done.value.id), code=303)



"""Events: the public list (/veranstaltungen), an event's page, its .ics file and the calendar
feed; staff plan and change events (a digital officer in their own towns)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import reference
from app.auth import scope
from app.auth.decorators import confirmed_required, role_required
from app.cache import layers
from app.extensions import db
from app.forms import form_status
from app.meetings import calendar, queries, services
from app.meetings.forms import MeetingForm, local_value
from app.meetings.labels import KIND_LABELS, kind_and_title, kind_label
from app.models import Meeting
from app.models.user import ROLE_HELPER
from app.views import attempt

bp = Blueprint("meetings", __name__, url_prefix="/veranstaltungen")
bp.add_app_template_global(kind_label, "meeting_kind")
bp.add_app_template_global(kind_and_title, "meeting_kind_and_title")
organiser_required = role_required(*services.ORGANISER_ROLES)
ICS = "text/calendar; charset=utf-8"


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _can_plan() -> bool:
    return current_user.is_authenticated and current_user.has_role(*services.ORGANISER_ROLES)


@bp.route("")
def index():
    filters = queries.MeetingFilters.from_args(request.args)
    return layers.render_page(
        "meetings/index.html", filters=filters, upcoming=queries.upcoming(filters), past=queries.past(filters),
        towns=reference.municipalities(), fields=reference.action_fields(), kinds=list(KIND_LABELS.items()), can_plan=_can_plan(),
    )


@bp.route("/<int:meeting_id>")
def show(meeting_id: int):
    meeting = _meeting(meeting_id)
    return layers.render_page("meetings/show.html", meeting=meeting, ideas=queries.ideas_collected_at(meeting),
                              parts=lambda: _parts(meeting), signed_up=services.signup_count(meeting),
                              open_for_signup=services.is_open_for_signup(meeting),
                              can_edit=services.may_organise(current_user, meeting.municipality_id) if current_user.is_authenticated else False,
                              can_take_down=current_user.is_authenticated and current_user.has_role(*services.ORGANISER_ROLES, ROLE_HELPER))


def _parts(meeting: Meeting) -> layers.Parts:
    """The reader's layer of an event's page: the sign-up box (signed up, waiting at place n, or the button)."""
    reader = current_user if current_user.is_authenticated else None
    return layers.render_parts("meetings/_personal.html", meeting=meeting, place=services.place_of(reader, meeting),
                               open_for_signup=services.is_open_for_signup(meeting))


def _cached_parts(view_args) -> layers.Parts | None:
    meeting = db.session.get(Meeting, view_args["meeting_id"])
    return _parts(meeting) if meeting is not None else None


layers.PARTS_OF_ENDPOINT["meetings.show"] = _cached_parts


@bp.route("/<int:meeting_id>/anmelden", methods=["POST"])
@confirmed_required
def sign_up(meeting_id: int):
    meeting = _meeting(meeting_id)
    attempt(services.sign_up, current_user, meeting,
            success=lambda added: _("You are signed up. We remind you the day before (settings: “Notifications”).") if added
            else _("You are signed up already."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#anmeldung", code=303)


@bp.route("/<int:meeting_id>/abmelden", methods=["POST"])
@confirmed_required
def cancel(meeting_id: int):
    meeting = _meeting(meeting_id)
    attempt(services.cancel_signup, current_user, meeting, success=_("You are no longer signed up."))
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#anmeldung", code=303)


@bp.route("/<int:meeting_id>.ics")
def calendar_file(meeting_id: int):
    meeting = _meeting(meeting_id)
    body = calendar.calendar_of([meeting], lambda m: url_for("meetings.show", meeting_id=m.id), meeting.title)
    return Response(body, mimetype=ICS, headers={"Content-Disposition": f'attachment; filename="veranstaltung-{meeting.id}.ics"'})


@bp.route("/kalender.ics")
def feed():
    """Upcoming events (with the list's filters) as a feed a calendar app can subscribe to."""
    filters = queries.MeetingFilters.from_args(request.args)
    body = calendar.calendar_of(queries.upcoming(filters, limit=500), lambda m: url_for("meetings.show", meeting_id=m.id),
                                _("Coesfeld 12.0 – events"))
    return Response(body, mimetype=ICS)


def _form(**kwargs) -> MeetingForm:
    form = MeetingForm(**kwargs)
    towns = reference.municipalities()
    if not current_user.has_role(*services.DISTRICT_ORGANISERS):
        allowed = scope.officer_towns(current_user)
        towns = [t for t in towns if t.id in allowed]
    form.municipality_id.choices = [SelectChoice("", _("— online only —")), *(SelectChoice(t.id, t.name) for t in towns)]
    form.action_field_ids.choices = [SelectChoice(f.id, f.name) for f in reference.action_fields()]
    return form


@bp.route("/neu", methods=["GET", "POST"])
@organiser_required
def new():
    form = _form()
    if form.validate_on_submit() and (done := attempt(services.create_meeting, current_user, form.meeting(),
                                                       success=_("The event is published."), errors_to=form)):
        return redirect(url_for("meetings.show", meeting_id=done.value.id), code=303)
    return render_template("meetings/form.html", form=form, meeting=None), form_status()


@bp.route("/<int:meeting_id>/bearbeiten", methods=["GET", "POST"])
@organiser_required
def edit(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not services.may_organise(current_user, meeting.municipality_id):
        abort(403)
    if request.method == "GET":
        form = _form(obj=meeting, action_field_ids=[f.id for f in meeting.action_fields])
        form.starts_at.data, form.ends_at.data = local_value(meeting.starts_at), local_value(meeting.ends_at)  # German time
    else:
        form = _form()
    if form.validate_on_submit() and attempt(services.edit_meeting, meeting, current_user, form.meeting(),
                                             success=lambda changed: _("The event is saved.") if changed else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)
    return render_template("meetings/form.html", form=form, meeting=meeting), form_status()

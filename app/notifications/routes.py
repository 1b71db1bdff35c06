from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.decorators import confirmed_required, role_required
from app.cache import layers
from app.extensions import csrf, db
from app.forms import ActionForm, form_status
from app.models import User
from app.models.user import ROLE_ADMIN, ROLE_MODERATOR
from app.notifications import kinds, mails, services
from app.notifications.forms import AnnouncementForm, SettingsForm
from app.notifications.messages import describe
from app.pagination import parse_page
from app.security import is_safe_redirect
from app.views import attempt

bp = Blueprint("notifications", __name__)


@bp.route("/benachrichtigungen")
@login_required
def centre():
    page = services.notifications_of(current_user, parse_page(request.args))
    return render_template(
        "notifications/centre.html",
        entries=[(n, describe(n)) for n in page.items],
        page=page,
        form=ActionForm(),
    )


@bp.route("/benachrichtigungen/<int:notification_id>/oeffnen", methods=["POST"])
@login_required
def open_notification(notification_id: int):
    """Marks it read and goes to the spot it is about (a POST: reading changes state)."""
    notification = services.own_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    attempt(services.mark_read, current_user, notification)
    path = describe(notification).path
    return redirect(path if is_safe_redirect(path) else url_for("notifications.centre"), code=303)


@bp.route("/benachrichtigungen/alle-gelesen", methods=["POST"])
@login_required
def mark_all_read():
    attempt(services.mark_all_read, current_user, success=_("All notifications are marked as read."))
    return redirect(url_for("notifications.centre"), code=303)


@bp.route("/benachrichtigungen/einstellungen", methods=["GET", "POST"])
@login_required
def settings():
    choices = services.settings_of(current_user)
    form = SettingsForm.for_settings(choices)
    if form.validate_on_submit() and attempt(services.save_settings, current_user, form.chosen(),
                                             success=_("Your notification settings are saved."), errors_to=form):
        return redirect(url_for("notifications.settings"), code=303)
    return render_template("notifications/settings.html", form=form, choices=choices, labels=kinds.CHANNEL_LABELS), form_status()


@bp.route("/benachrichtigungen/abbestellen/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client POSTs without a session; the signed token authorises
def unsubscribe(token: str):
    read = mails.read_unsubscribe_token(token)
    user = db.session.get(User, read[0]) if read else None
    if read is None or user is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 400
    what = read[1]
    label = kinds.BY_KEY[what].label if what in kinds.BY_KEY else kinds.CHANNEL_LABELS.get(what.removeprefix("digest."), what)
    if request.method == "POST" and attempt(mails.unsubscribe, user, what):
        return render_template("notifications/unsubscribe.html", done=True, label=label)
    return render_template("notifications/unsubscribe.html", token=token, label=label)


@bp.route("/neuigkeiten")
def news():
    return layers.render_page("notifications/news.html", announcements=services.latest_announcements(50))


@bp.route("/neuigkeiten/neu", methods=["GET", "POST"])
@confirmed_required
@role_required(ROLE_MODERATOR, ROLE_ADMIN)
def new_announcement():
    form = AnnouncementForm()
    if form.validate_on_submit() and attempt(services.publish_announcement, current_user, form.title.data, form.body.data,
                                             success=_("The news is published."), errors_to=form):
        return redirect(url_for("notifications.news"), code=303)
    return render_template("notifications/announcement_form.html", form=form), form_status()

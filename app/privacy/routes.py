"""Meine Daten: request, download and delete the download of one's data; delete the account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import sessions
from app.auth.services import WrongPassword
from app.database import committed_in_get
from app.errors import DomainError
from app.forms import ActionForm, form_status
from app.models import utcnow
from app.privacy import deletion, services
from app.privacy.forms import REMOVE_CONTRIBUTIONS, DeleteAccountForm
from app.rate_limits import limit_per_account
from app.views import attempt

bp = Blueprint("privacy", __name__)


@bp.route("/konto/daten")
@login_required
def index():
    return render_template("privacy/index.html", exports=services.exports_of(current_user), form=ActionForm(),
                           is_pending=services.is_pending)


@bp.route("/konto/daten/anfordern", methods=["POST"])
@login_required
@limit_per_account("RATELIMIT_RESET")
def request_export():
    done = attempt(services.request_export, current_user, errors_to=[],
                   success=_("We are preparing your data. This usually takes a few minutes; we will send you a mail when it is ready."))
    if not done:
        flash(done.error, "info")  # one is being prepared already: not an error
    return redirect(url_for("privacy.index"), code=303)


@bp.route("/konto/daten/<int:export_id>/herunterladen")
@login_required
def download(export_id: int):
    row = services.downloadable(current_user, export_id)
    if row is None:
        abort(404)
    if row.downloaded_at is None:
        # The retention clock starts: bookkeeping; if the database is busy, at the next download.
        committed_in_get(lambda: setattr(row, "downloaded_at", utcnow()))
    response = send_file(services.file_path(row), mimetype="application/zip", as_attachment=True,
                         download_name=f"meine-daten-coesfeld-{row.ready_at:%Y-%m-%d}.zip", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/konto/daten/<int:export_id>/loeschen", methods=["POST"])
@login_required
def delete_export(export_id: int):
    if not attempt(services.delete_export, current_user, export_id).value:
        abort(404)
    flash(_("The download of your data is deleted."), "success")
    return redirect(url_for("privacy.index"), code=303)


@bp.route("/konto/loeschen", methods=["GET", "POST"])
@login_required
@limit_per_account("RATELIMIT_LOGIN")
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit() and attempt(
        lambda: deletion.delete_account(current_user, password=form.password.data, code=form.code.data or "",
                                        remove_contributions=form.contributions.data == REMOVE_CONTRIBUTIONS),
        errors_to={WrongPassword: form.password, deletion.WrongCode: form.code, DomainError: form},
    ):
        sessions.end_session()  # its row went with the account; this logs the browser out (and clears the session)
        flash(_("Your account is deleted. Thank you for taking part."), "success")
        return redirect(url_for("main.index"), code=303)
    return render_template("privacy/delete.html", form=form, in_portfolio=deletion.kept_in_portfolio(current_user)), form_status()

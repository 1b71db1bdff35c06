"""/berichte: the report for a period, as a page (printable) and as a PDF; a long period is written
by the worker and mailed as a link (app/reports/requests.py)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from app.auth.decorators import role_required
from app.errors import InvalidInput
from app.models.user import ROLE_ADMIN, ROLE_BOARD, ROLE_MODERATOR, ROLE_STEERING
from app.reports import document, figures, requests
from app.templating import local_today
from app.views import attempt

bp = Blueprint("reports", __name__, url_prefix="/berichte")
READERS = (ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN, ROLE_BOARD)
reader_required = role_required(*READERS)


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    von = DateField(_l("From"), validators=[Optional()])
    bis = DateField(_l("Until"), validators=[Optional()])


class RequestForm(FlaskForm):
    """Ask the worker for the report of a period (the period's dates in hidden fields)."""

    von = DateField(validators=[Optional()])
    bis = DateField(validators=[Optional()])


def _period(form: FlaskForm) -> figures.Period | None:
    """The form's period, or None with the error beside the end date."""
    if not form.validate():
        return None
    try:
        period = figures.period(form.von.data, form.bis.data, local_today())
    except InvalidInput as error:
        form.bis.errors = [*form.bis.errors, str(error.message)]
        return None
    form.von.data, form.bis.data = period.start, period.end
    return period


def _page(form: PeriodForm, period: figures.Period | None, status: int = 200):
    """The page: the form's error, the offer to prepare a long period, or the report itself."""
    shown = {"form": form, "period": period, "prepared": requests.requests_of(current_user)}
    if period is None:
        return render_template("reports/page.html", report=None, **shown), 422
    if requests.is_long(period):
        return render_template("reports/page.html", report=None, long=True, **shown), status
    return render_template("reports/page.html", **shown, **document.context(document.build(period))), status


@bp.route("")
@reader_required
def report():
    form = PeriodForm(request.args)
    return _page(form, _period(form))


@bp.route("/bericht.pdf")
@reader_required
def report_pdf():
    form = PeriodForm(request.args)
    period = _period(form)
    if period is None or requests.is_long(period):
        return _page(form, period, status=422)
    body = document.pdf_bytes(document.build(period))
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{document.file_name(period)}"'})


@bp.route("/anfordern", methods=["POST"])
@reader_required
def request_report():
    form = RequestForm()
    period = _period(form)
    if period is None:  # the page's own form says what is wrong, beside the field
        page_form = PeriodForm(request.form)
        return _page(page_form, _period(page_form))
    if attempt(requests.request_report, current_user, period,
               success=_("The report is being prepared. We will send you a mail with the link when it is ready.")):
        return redirect(url_for("reports.report", von=period.start.isoformat(), bis=period.end.isoformat()), code=303)
    return _page(PeriodForm(request.form), period, status=422)


@bp.route("/abruf/<int:request_id>")
@reader_required
def download(request_id: int):
    row = requests.downloadable(current_user, request_id)
    if row is None:
        abort(404)
    response = send_file(requests.file_path(row), mimetype="application/pdf", as_attachment=True,
                         download_name=document.file_name(requests.period_of(row)), max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response

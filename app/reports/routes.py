"""/berichte: the report for a period, as a page (printable) and as a PDF."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from app.auth.decorators import role_required
from app.errors import InvalidInput
from app.models import utcnow
from app.models.user import ROLE_ADMIN, ROLE_BOARD, ROLE_MODERATOR, ROLE_STEERING
from app.reports import figures, pdf, standing
from app.templating import local_today

bp = Blueprint("reports", __name__, url_prefix="/berichte")
READERS = (ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN, ROLE_BOARD)
reader_required = role_required(*READERS)


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    von = DateField(_l("From"), validators=[Optional()])
    bis = DateField(_l("Until"), validators=[Optional()])


def _report():
    """The form and the report, or the form with its error (and no report)."""
    form = PeriodForm(request.args)
    if not form.validate():
        return form, None
    try:
        period = figures.period(form.von.data, form.bis.data, local_today())
    except InvalidInput as error:
        form.bis.errors = [*form.bis.errors, str(error.message)]
        return form, None
    form.von.data, form.bis.data = period.start, period.end
    return form, figures.build(period, utcnow())


def _context(built: figures.Report) -> dict:
    """The period's figures with charts, and what stands today (candidates, budgets, the application)."""
    return {"report": built, "now": standing.build(local_today()), "field_chart": standing.count_chart(built.by_field),
            "town_chart": standing.count_chart(built.by_town)}


@bp.route("")
@reader_required
def report():
    form, built = _report()
    if built is None:
        return render_template("reports/page.html", form=form, report=None), 422
    return render_template("reports/page.html", form=form, **_context(built))


@bp.route("/bericht.pdf")
@reader_required
def report_pdf():
    form, built = _report()
    if built is None:
        return render_template("reports/page.html", form=form, report=None), 422
    body = pdf.render(render_template("reports/pdf.html", made=local_today(), **_context(built)))
    name = f"bericht-{built.period.start:%Y-%m-%d}-{built.period.end:%Y-%m-%d}.pdf"
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})

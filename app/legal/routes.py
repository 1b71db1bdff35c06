from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.decorators import role_required
from app.cache import layers
from app.forms import form_status
from app.legal import services
from app.legal.forms import AcceptTermsForm, BarrierForm, LegalTextForm
from app.models.legal import DOCUMENTS
from app.models.user import ROLE_ADMIN
from app.rate_limits import limit_per_address
from app.security import safe_redirect_target
from app.views import attempt

bp = Blueprint("legal", __name__)
# The staff banner "Rechtstexte unvollständig" (templates/parts/notice.html) lists these.
bp.add_app_template_global(services.unfinished, "unfinished_legal_texts")
bp.add_app_template_global(lambda document: str(services.TITLES[document]), "legal_title")


@bp.route("/<any(impressum, datenschutz, nutzungsbedingungen, barrierefreiheit):document>")
def show(document: str):
    text = services.current(document)
    is_admin = current_user.is_authenticated and current_user.has_role(ROLE_ADMIN)
    unfinished = services.is_unfinished(text)
    hidden = unfinished and current_app.config["LEGAL_HIDE_UNFINISHED"] and not is_admin
    return layers.render_page("legal/show.html", text=text, hidden=hidden, unfinished=unfinished)


@bp.route("/barrierefreiheit/barriere-melden", methods=["GET", "POST"])
@limit_per_address("RATELIMIT_REPORT")
def report_barrier():
    form = BarrierForm()
    if request.method == "GET" and not form.page.data:
        form.page.data = safe_redirect_target(request.args.get("seite"), "")
    if form.validate_on_submit() and attempt(lambda: services.report_barrier(page=form.page.data, description=form.description.data, name=form.name.data, email=form.email.data),
                                             success=_("Thank you! Your report has reached the administration."), errors_to=form.description):
        return redirect(url_for("legal.show", document="barrierefreiheit"), code=303)
    return render_template("legal/barrier.html", form=form), form_status()


@bp.route("/nutzungsbedingungen/zustimmen", methods=["GET", "POST"])
@login_required
def accept_terms():
    next_url = safe_redirect_target(request.args.get("next"), url_for("main.index"))
    form = AcceptTermsForm()
    if form.validate_on_submit() and attempt(services.record_acceptance, current_user, success=_("Thank you. You can contribute again.")):
        return redirect(next_url, code=303)
    return render_template("legal/accept.html", form=form, text=services.current("nutzungsbedingungen"), next_url=next_url), form_status()


@bp.route("/verwaltung/rechtstexte/<document>", methods=["GET", "POST"])
@role_required(ROLE_ADMIN)
def edit(document: str):
    if document not in DOCUMENTS:
        abort(404)
    text = services.current(document)
    form = LegalTextForm(data={"body": text.body} if request.method == "GET" else None)
    if form.validate_on_submit() and attempt(lambda: services.publish(document, current_user, form.body.data, material=form.material.data),
                                             success=_("The new version is published."), errors_to=form.body):
        return redirect(url_for("legal.show", document=document), code=303)
    return render_template("legal/edit.html", form=form, text=text, documents=DOCUMENTS, titles=services.TITLES), form_status()

"""Administration: accounts (roles, blocking, second factor), the audit log and the mail queue."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app import audit, mail, reference
from app.admin import queries, services
from app.admin.forms import (
    GRANT,
    ActionFieldForm,
    CriterionForm,
    FundingCallForm,
    MunicipalityForm,
    OfficerTownsForm,
    RaumForm,
    ReasonForm,
    RoleChangeForm,
    SiteTextsForm,
)
from app.auth.decorators import role_required
from app.extensions import db
from app.forms import ActionForm, form_status
from app.models import ActionField, AuditEntry, Criterion, Municipality, Raum, User
from app.models.user import ROLE_ADMIN, STAFF_ROLES
from app.moderation import rubric
from app.pagination import paginate, parse_page
from app.portfolio import budgets
from app.portfolio import queries as portfolio_queries
from app.views import attempt

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")
admin_required = role_required(ROLE_ADMIN)
PER_PAGE = 50


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    return user


@bp.route("/konten")
@admin_required
def accounts():
    filters = queries.AccountFilters.from_args(request.args)
    stmt = filters.query()
    page = paginate(stmt.options(selectinload(User.roles)).order_by(User.email), parse_page(request.args), PER_PAGE, count=stmt)
    return render_template("admin/accounts.html", page=page, q=filters.q, role=filters.role, blocked=filters.blocked, roles=STAFF_ROLES)


@bp.route("/konten/<int:user_id>")
@admin_required
def account(user_id: int):
    return _account_page(_user(user_id))


def _account_page(user: User, reason_form: ReasonForm | None = None, status: int = 200, towns_form: OfficerTownsForm | None = None):
    if towns_form is None:
        towns_form = _towns_form(user, formdata=None, towns=[t.municipality_id for t in user.officer_towns])
    return render_template("admin/account.html", user=user, roles=STAFF_ROLES, audit_entries=audit.entries_for("user", user.id),
                           reason_form=reason_form or ReasonForm(formdata=None), towns_form=towns_form), status


@bp.route("/konten/<int:user_id>/rolle", methods=["POST"])
@admin_required
def change_role(user_id: int):
    user = _user(user_id)
    form = RoleChangeForm()
    if not form.validate_on_submit():
        abort(400)
    if form.change.data == GRANT:
        attempt(services.grant_role, user, form.role.data, current_user, success=_("Role granted."))
    else:
        attempt(services.revoke_role, user, form.role.data, current_user, success=_("Role revoked."))
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/konten/<int:user_id>/kommunen", methods=["POST"])
@admin_required
def officer_towns(user_id: int):
    user = _user(user_id)
    form = _towns_form(user)
    if form.validate_on_submit() and attempt(services.set_officer_towns, user, form.towns.data or [], current_user,
                                             success=_("The towns are saved."), errors_to=form.towns):
        return redirect(url_for("admin.account", user_id=user.id) + "#h-towns", code=303)
    return _account_page(user, towns_form=form, status=422)


def _towns_form(user: User, **kwargs) -> OfficerTownsForm:
    form = OfficerTownsForm(**kwargs)
    form.towns.choices = [SelectChoice(m.id, m.name) for m in reference.municipalities() if not m.is_district]
    return form


@bp.route("/kommunen")
@admin_required
def municipalities():
    return render_template("admin/municipalities.html", towns=reference.municipalities())


@bp.route("/kommunen/<int:municipality_id>", methods=["GET", "POST"])
@admin_required
def municipality(municipality_id: int):
    town = db.session.get(Municipality, municipality_id)
    if town is None:
        abort(404)
    form = MunicipalityForm(obj=town) if request.method == "GET" else MunicipalityForm()
    if form.validate_on_submit() and attempt(services.edit_municipality, town, current_user, name=form.name.data or "",
                                             office_address=form.office_address.data or "",
                                             success=lambda changed: _("The town is saved.") if changed else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("admin.municipalities"), code=303)
    return render_template("admin/municipality.html", form=form, town=town), form_status()


@bp.route("/themenfelder")
@admin_required
def action_fields():
    return render_template("admin/action_fields.html", fields=reference.action_fields(active_only=False))


@bp.route("/themenfelder/neu", methods=["GET", "POST"])
@admin_required
def new_action_field():
    form = ActionFieldForm()
    if request.method == "GET":
        form.position.data = (max((f.position for f in reference.action_fields(active_only=False)), default=0) + 1)
    if form.validate_on_submit() and attempt(services.create_action_field, current_user, name=form.name.data or "",
                                             description=form.description.data or "", position=form.position.data,
                                             success=_("The action field is added."), errors_to=form):
        return redirect(url_for("admin.action_fields"), code=303)
    return render_template("admin/action_field.html", form=form, field_=None), form_status()


@bp.route("/themenfelder/<int:field_id>", methods=["GET", "POST"])
@admin_required
def action_field(field_id: int):
    field = db.session.get(ActionField, field_id)
    if field is None:
        abort(404)
    form = ActionFieldForm(obj=field) if request.method == "GET" else ActionFieldForm()
    if request.method == "GET":
        form.active.data = field.is_active
    if form.validate_on_submit() and attempt(services.edit_action_field, field, current_user, name=form.name.data or "",
                                             description=form.description.data or "", position=form.position.data, active=bool(form.active.data),
                                             success=lambda changed: _("The action field is saved.") if changed else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("admin.action_fields"), code=303)
    return render_template("admin/action_field.html", form=form, field_=field), form_status()


@bp.route("/kriterien")
@admin_required
def criteria():
    all_criteria = db.session.scalars(select(Criterion).order_by(Criterion.axis.desc(), Criterion.position, Criterion.id)).all()
    return render_template("admin/criteria.html", criteria=all_criteria, axis_labels=rubric.AXIS_LABELS)


@bp.route("/kriterien/neu", methods=["GET", "POST"])
@admin_required
def new_criterion():
    form = CriterionForm()
    if request.method == "GET":
        form.position.data = 10
    if form.validate_on_submit() and attempt(services.create_criterion, current_user, axis=form.axis.data or "", name=form.name.data or "",
                                             description=form.description.data or "", position=form.position.data,
                                             success=_("The criterion is added."), errors_to=form):
        return redirect(url_for("admin.criteria"), code=303)
    return render_template("admin/criterion.html", form=form, criterion=None), form_status()


@bp.route("/kriterien/<int:criterion_id>", methods=["GET", "POST"])
@admin_required
def criterion(criterion_id: int):
    found = db.session.get(Criterion, criterion_id)
    if found is None:
        abort(404)
    form = CriterionForm(obj=found) if request.method == "GET" else CriterionForm()
    if request.method == "GET":
        form.active.data = found.is_active
    if form.validate_on_submit() and attempt(services.edit_criterion, found, current_user, axis=form.axis.data or "", name=form.name.data or "",
                                             description=form.description.data or "", position=form.position.data, active=bool(form.active.data),
                                             success=lambda changed: _("The criterion is saved.") if changed else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("admin.criteria"), code=303)
    return render_template("admin/criterion.html", form=form, criterion=found), form_status()


@bp.route("/foerderaufruf", methods=["GET", "POST"])
@admin_required
def funding_call():
    form = FundingCallForm()
    if request.method == "GET":
        limits, call = portfolio_queries.call_limits(), portfolio_queries.funding_call()
        form.name.data = call.name if call else ""
        form.max_amount.data = budgets.input_text(limits.max_amount)
        form.max_years.data = limits.max_years
        form.funding_rate.data = budgets.input_text(limits.funding_rate.normalize())
        form.application_deadline.data, form.resolutions_deadline.data = limits.application_deadline, limits.resolutions_deadline
    if form.validate_on_submit() and attempt(services.edit_funding_call, current_user, name=form.name.data or "", limits=form.limits(),
                                             success=lambda changed: _("The call's limits are saved.") if changed else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("portfolio.budget") + "#application", code=303)
    return render_template("admin/funding_call.html", form=form), form_status()


@bp.route("/raeume")
@admin_required
def raeume():
    return render_template("admin/raeume.html", raeume=reference.raeume())


@bp.route("/raeume/<int:raum_id>", methods=["GET", "POST"])
@admin_required
def raum(raum_id: int):
    found = db.session.get(Raum, raum_id)
    if found is None:
        abort(404)
    form = RaumForm(obj=found) if request.method == "GET" else RaumForm()
    if form.validate_on_submit() and attempt(services.edit_raum, found, current_user, name=form.name.data or "", position=form.position.data,
                                             success=lambda changed: _("The Raum is saved.") if changed else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("admin.raeume"), code=303)
    return render_template("admin/raum.html", form=form, raum=found), form_status()


@bp.route("/texte", methods=["GET", "POST"])
@admin_required
def site_texts():
    form = SiteTextsForm()
    if request.method == "GET":
        for key, text in reference.site_texts().items():
            form[key].data = text
    if form.validate_on_submit() and attempt(services.edit_site_texts, current_user, {kind.key: form[kind.key].data or "" for kind in reference.SITE_TEXTS},
                                             success=lambda changed: ngettext("%(num)d text is saved.", "%(num)d texts are saved.", changed)
                                             if changed else _("Nothing changed."), errors_to=form):
        return redirect(url_for("admin.site_texts"), code=303)
    return render_template("admin/site_texts.html", form=form, kinds=reference.SITE_TEXTS), form_status()


@bp.route("/konten/<int:user_id>/sperren", methods=["POST"])
@admin_required
def block(user_id: int):
    return _with_reason(user_id, services.block_user, _("The account is blocked; its contributions are hidden."))


@bp.route("/konten/<int:user_id>/entsperren", methods=["POST"])
@admin_required
def unblock(user_id: int):
    return _with_reason(user_id, services.unblock_user, _("The account is unblocked; its contributions are visible again."))


def _with_reason(user_id: int, change, success: str):
    """Block or unblock with the form's reason; a refused reason comes back on the account page."""
    user = _user(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _account_page(user, form, 422)
    attempt(change, user, current_user, form.reason.data or "", success=success)
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/konten/<int:user_id>/zweiter-faktor-zuruecksetzen", methods=["POST"])
@admin_required
def reset_second_factor(user_id: int):
    user = _user(user_id)
    attempt(services.reset_second_factor, user, current_user,
            success=_("The second factor is reset; it will be set up again at the next login."))
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/protokoll")
@admin_required
def audit_log():
    filters = queries.AuditFilters.from_args(request.args)
    stmt = filters.query()
    page = paginate(stmt.options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc()), parse_page(request.args), PER_PAGE, count=stmt)
    return render_template(
        "admin/audit_log.html",
        page=page,
        audit_entries=page.items,
        actions=audit.ACTIONS,
        target_types=[(t, t) for t in audit.TARGET_TYPES],
        selected=filters,
    )


@bp.route("/mails")
@admin_required
def mails():
    return render_template("admin/mails.html", status=mail.queue_status(), form=ActionForm())


@bp.route("/mails/erneut-versuchen", methods=["POST"])
@admin_required
def retry_mails():
    attempt(services.retry_given_up_mails, current_user,
            success=lambda count: ngettext("%(num)s mail is queued again.", "%(num)s mails are queued again.", count))
    return redirect(url_for("admin.mails"))

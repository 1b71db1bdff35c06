"""Administration: accounts (roles, blocking, second factor) and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import audit
from app.admin import services
from app.auth.decorators import role_required
from app.extensions import db
from app.forms import ActionForm
from app.models import AuditEntry, User, UserRole
from app.models.user import ROLE_ADMIN, STAFF_ROLES
from app.pagination import paginate, parse_page
from app.security import parse_int
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
    q = (request.args.get("q") or "").strip()[:100]
    role = request.args.get("role", "")
    blocked = request.args.get("blocked") == "1"
    stmt = select(User).where(User.deleted_at.is_(None))  # deleted accounts are empty tombstones
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern),
                func.lower(func.coalesce(User.organisation_name, "")).like(pattern))
        )
    if role in STAFF_ROLES:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    else:
        role = ""
    if blocked:
        stmt = stmt.where(User.is_blocked.is_(True))
    page = paginate(stmt.options(selectinload(User.roles)).order_by(User.email), parse_page(request.args), PER_PAGE, count=stmt)
    return render_template(
        "admin/accounts.html",
        page=page,
        q=q,
        role=role,
        blocked=blocked,
        roles=STAFF_ROLES,
    )


@bp.route("/konten/<int:user_id>")
@admin_required
def account(user_id: int):
    user = _user(user_id)
    return render_template("admin/account.html", user=user, roles=STAFF_ROLES, audit_entries=audit.entries_for("user", user.id))


def _valid_post() -> bool:
    return ActionForm().validate_on_submit()


@bp.route("/konten/<int:user_id>/rolle", methods=["POST"])
@admin_required
def change_role(user_id: int):
    user = _user(user_id)
    role, change = request.form.get("role", ""), request.form.get("change", "")
    if role not in STAFF_ROLES or change not in ("grant", "revoke") or not _valid_post():
        abort(400)
    if change == "grant":
        attempt(services.grant_role, user, role, current_user, success=_("Role granted."))
    else:
        attempt(services.revoke_role, user, role, current_user, success=_("Role revoked."))
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/konten/<int:user_id>/sperren", methods=["POST"])
@admin_required
def block(user_id: int):
    user = _user(user_id)
    if _valid_post():
        attempt(services.block_user, user, current_user, request.form.get("reason", "")[:1000],
                success=_("The account is blocked; its contributions are hidden."))
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/konten/<int:user_id>/entsperren", methods=["POST"])
@admin_required
def unblock(user_id: int):
    user = _user(user_id)
    if _valid_post():
        attempt(services.unblock_user, user, current_user, request.form.get("reason", "")[:1000],
                success=_("The account is unblocked; its contributions are visible again."))
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/konten/<int:user_id>/zweiter-faktor-zuruecksetzen", methods=["POST"])
@admin_required
def reset_second_factor(user_id: int):
    user = _user(user_id)
    if _valid_post():
        attempt(services.reset_second_factor, user, current_user,
                success=_("The second factor is reset; it will be set up again at the next login."))
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/protokoll")
@admin_required
def audit_log():
    action = request.args.get("action", "")
    target_type = request.args.get("target_type", "")
    actor = (request.args.get("actor") or "").strip()[:254]
    target_id = request.args.get("target_id", "")
    stmt = select(AuditEntry)
    if action in audit.ACTIONS:
        stmt = stmt.where(AuditEntry.action == action)
    else:
        action = ""
    if target_type in audit.TARGET_TYPES:
        stmt = stmt.where(AuditEntry.target_type == target_type)
    else:
        target_type = ""
    if parse_int(target_id) is not None:
        stmt = stmt.where(AuditEntry.target_id == parse_int(target_id))
    else:
        target_id = ""
    if actor:
        stmt = stmt.where(AuditEntry.actor_id.in_(select(User.id).where(func.lower(User.email).like(f"%{actor.lower()}%"))))
    page = paginate(stmt.options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc()), parse_page(request.args), PER_PAGE, count=stmt)
    return render_template(
        "admin/audit_log.html",
        page=page,
        audit_entries=page.items,
        actions=audit.ACTIONS,
        target_types=[(t, t) for t in audit.TARGET_TYPES],
        selected={"action": action, "target_type": target_type, "actor": actor, "target_id": target_id},
    )

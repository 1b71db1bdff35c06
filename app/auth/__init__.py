"""Accounts: sign-up, e-mail confirmation, log-in/out, password reset."""

from flask import url_for
from flask_babel import gettext as _

from app import audit
from app.audit import Target
from app.cache import declare
from app.extensions import db
from app.models import AuthSession, OfficerTown, PendingLogin, RecoveryCode, User, UserRole
from app.templating import role_label

_FORM = "a form with the reader's CSRF token"
# An account is private: a change of what pages show of a person (the public name) calls
# cache.public_content_changed(). Roles decide the audience of a shared layer, not its content.
declare(
    not_cached={"auth.signup": _FORM, "auth.check_mail": _FORM, "auth.confirm": _FORM, "auth.login": _FORM, "auth.second_factor": _FORM,
                "auth.enrol_second_factor": _FORM, "auth.forgot_password": _FORM, "auth.reset_password": _FORM, "auth.unlock": _FORM,
                "auth.confirm_email_change": _FORM},
    private=(User, UserRole, OfficerTown, AuthSession, PendingLogin, RecoveryCode),
)


def _name_account(user_id: int) -> Target | None:
    user = db.session.get(User, user_id)
    if user is None:
        return None
    if user.is_deleted:
        return Target(_("deleted account"))
    return Target(f"{user.public_name} <{user.email}>", url_for("admin.account", user_id=user_id))


audit.name_targets("user", _name_account)
audit.name_values("author", lambda user_id: (_name_account(user_id) or Target(str(user_id))).label)
for _key in ("roles", "role"):
    audit.name_values(_key, role_label)

"""Accounts: sign-up, e-mail confirmation, log-in/out, password reset."""

from app.cache import declare
from app.models import AuthSession, PendingLogin, RecoveryCode, User, UserRole

_FORM = "a form with the reader's CSRF token"
# An account is private: a change of what pages show of a person (the public name) calls
# cache.public_content_changed(). Roles decide the audience of a shared layer, not its content.
declare(
    not_cached={"auth.signup": _FORM, "auth.check_mail": _FORM, "auth.confirm": _FORM, "auth.login": _FORM, "auth.second_factor": _FORM,
                "auth.enrol_second_factor": _FORM, "auth.forgot_password": _FORM, "auth.reset_password": _FORM, "auth.unlock": _FORM,
                "auth.confirm_email_change": _FORM},
    private=(User, UserRole, AuthSession, PendingLogin, RecoveryCode),
)

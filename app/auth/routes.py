from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.auth import lockout, services, sessions, tokens
from app.auth import second_factor as second_factor_service
from app.auth.decorators import role_required
from app.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ContactForm,
    EnrolForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SecondFactorForm,
    SignupForm,
)
from app.database import committed_in_get
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm, form_status
from app.models import User
from app.models.user import ROLE_MODERATOR, ROLE_OFFICER, ROLE_STEERING
from app.rate_limits import limit_per_address, limit_per_address_and_email, went_through
from app.security import safe_next, safe_redirect_target
from app.transactions import writing
from app.views import attempt

bp = Blueprint("auth", __name__)


@bp.route("/registrieren", methods=["GET", "POST"])
# Only sign-ups that went through count: a workshop on one town hall Wi-Fi must not be locked out
# by the typos of its first five people.
@limit_per_address_and_email("RATELIMIT_SIGNUP", "RATELIMIT_SIGNUP_ADDRESS", counts=went_through)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    next_path = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        if form.website.data:
            # Honeypot filled: answer as usual, create nothing.
            return redirect(url_for("auth.check_mail"))
        registration = attempt(
            services.sign_up,
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data,
            account_type=form.account_type.data,
            organisation_name=form.organisation_name.data,
            municipality_id=form.municipality_id.data or None,
            next_path=next_path,
        )
        if registration:
            _remember_signup(form.email.data, registration.value.user if registration.value.is_new else None, next_path)
            return redirect(url_for("auth.check_mail"))
    return render_template("auth/signup.html", form=form, next_path=next_path), form_status()


# This browser signed up: the check-mail page shows the address typed, and opening the link here
# signs the person in (the link proves the address, this browser's cookie the password). The
# address is what the person typed, whether or not it had an account: nothing is revealed.
# SIGNUP_NEXT is the place they signed up from (an idea to support), kept for "send again".
SIGNUP_EMAIL, SIGNUP_ACCOUNT, SIGNUP_NEXT = "signup_email", "signup_account", "signup_next"


def _remember_signup(email: str, new_account: User | None, next_path: str) -> None:
    session[SIGNUP_EMAIL] = email
    session[SIGNUP_ACCOUNT] = new_account.id if new_account is not None else None
    session[SIGNUP_NEXT] = next_path


@bp.route("/registrieren/postfach")
def check_mail():
    return render_template("auth/check_mail.html", email=session.get(SIGNUP_EMAIL), form=ActionForm())


@bp.route("/registrieren/postfach/erneut", methods=["POST"])
@limit_per_address("RATELIMIT_RESET")
def resend_signup_mail():
    if not session.get(SIGNUP_EMAIL):
        return redirect(url_for("auth.signup"), code=303)
    account_id = session.get(SIGNUP_ACCOUNT)
    user = db.session.get(User, account_id) if account_id else services.find_user_by_email(session[SIGNUP_EMAIL])
    attempt(services.resend_signup_mail, user, new_account=bool(account_id), next_path=safe_next(session.get(SIGNUP_NEXT)))
    flash(_("We have sent the mail again."), "info")
    return redirect(url_for("auth.check_mail"), code=303)


def _account_of_link(token: str, read, matches, *, reset: bool = False):
    """(account, None, what else the link carries) for a valid mail link, else (None, the German
    "link invalid/expired" page, []). `read` returns (user id, fingerprint, *more)."""
    try:
        user_id, fingerprint, *more = read(token)
    except tokens.TokenExpired:
        return None, (render_template("auth/token_invalid.html", expired=True, reset=reset), 400), []
    except tokens.TokenInvalid:
        return None, (render_template("auth/token_invalid.html", expired=False, reset=reset), 400), []
    user = db.session.get(User, user_id)
    if user is None or not matches(user, fingerprint):
        return None, (render_template("auth/token_invalid.html", expired=False, reset=reset), 400), []
    return user, None, more


@bp.route("/bestaetigen/<token>")
def confirm(token: str):
    """Shows a button; the POST confirms (no state change on GET, and mail scanners can't trigger it)."""
    return render_template("auth/confirm.html", token=token, form=ActionForm())


@bp.route("/bestaetigen/<token>", methods=["POST"])
def confirm_post(token: str):
    user, refused, carried = _account_of_link(token, tokens.read_confirm_token, tokens.email_matches)
    if refused:
        return refused
    next_path = safe_next(carried[0] if carried else "")  # where they signed up from: back there
    if not attempt(services.confirm_account, user).value:
        flash(_("This link has already been used. Your e-mail address is confirmed."), "info")
        return redirect(url_for("auth.login", next=next_path or None))
    if current_user.is_authenticated and current_user.id == user.id:
        flash(_("Thank you! Your e-mail address is confirmed."), "success")
        return redirect(next_path or url_for("main.index"))
    if session.get(SIGNUP_ACCOUNT) == user.id and not user.is_staff and user.is_active:
        sessions.start_session(user)  # signed up in this browser: no second password prompt
        flash(_("Thank you! Your e-mail address is confirmed and you are signed in."), "success")
        return redirect(next_path or url_for("main.index"))
    flash(_("Thank you! Your e-mail address is confirmed."), "success")
    return redirect(url_for("auth.login", next=next_path or None))


@bp.route("/bestaetigen/erneut", methods=["POST"])
@login_required
@limit_per_address("RATELIMIT_RESET")
def resend_confirmation():
    if not current_user.is_confirmed:
        attempt(services.resend_confirmation, current_user, success=_("We have sent you a new confirmation link."), category="info")
    return redirect(url_for("main.index"))


def staff_home(user: User) -> str:
    """Where staff land after the second factor: their work, not the start page."""
    if user.has_role(ROLE_MODERATOR):
        return url_for("moderation.dashboard")
    if user.has_role(ROLE_STEERING):
        return url_for("moderation.candidates")
    return url_for("admin.accounts")


@bp.route("/anmelden", methods=["GET", "POST"])
@limit_per_address_and_email("RATELIMIT_LOGIN", "RATELIMIT_LOGIN_ADDRESS")
def login():
    next_url = safe_redirect_target(request.args.get("next"), url_for("main.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except lockout.AccountLocked as error:
            form.password.errors.append(str(error.message))
            return render_template("auth/login.html", form=form), 422
        finally:
            db.session.commit()  # a failed log-in counts towards the lockout
        if user is not None and user.is_staff:
            sessions.begin_pending_login(user, next_url if request.args.get("next") else staff_home(user))
            if user.has_second_factor:
                return redirect(url_for("auth.second_factor"))
            return redirect(url_for("auth.enrol_second_factor"))
        if user is not None:
            sessions.start_session(user)
            flash(_("You are logged in."), "success")
            return redirect(next_url)
        form.password.errors.append(_("E-mail address or password is wrong."))
    return render_template("auth/login.html", form=form), form_status()


@bp.route("/anmelden/code", methods=["GET", "POST"])
@limit_per_address("RATELIMIT_LOGIN")
def second_factor():
    """Step two of a staff login: a code from the app or a recovery code."""
    pending = sessions.pending_login()
    if pending is None or not pending[0].has_second_factor:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    user, next_url = pending
    form = SecondFactorForm()
    if form.validate_on_submit():
        if second_factor_service.check(user, form.code.data):
            sessions.start_session(user, second_factor=True)
            flash(_("You are logged in."), "success")
            return redirect(next_url)
        if not sessions.failed_second_factor(user):
            flash(_("Too many wrong codes. Please log in again."), "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(_("This code is not valid (or was already used)."))
    return render_template("auth/second_factor.html", form=form), form_status()


@bp.route("/anmelden/app-einrichten", methods=["GET", "POST"])
@limit_per_address("RATELIMIT_LOGIN")
def enrol_second_factor():
    """First staff login: connect an authenticator app, then show the recovery codes once."""
    pending = sessions.pending_login()
    if pending is None or pending[0].has_second_factor:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    user, next_url = pending
    # The secret is kept from the first view on; refused as busy, it is written again (committed_in_get).
    if not committed_in_get(lambda: second_factor_service.start_enrolment(user)):
        with writing():
            second_factor_service.start_enrolment(user)
            db.session.commit()
    secret = user.totp_secret
    form = EnrolForm()
    if form.validate_on_submit():
        codes = second_factor_service.finish_enrolment(user, form.code.data)
        if codes is not None:
            sessions.start_session(user, second_factor=True)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
        if not sessions.failed_second_factor(user):
            flash(_("Too many wrong codes. Please log in again."), "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(_("This code is not valid. Check the time on your phone and try the next code."))
    uri = second_factor_service.provisioning_uri(user)
    # Drawn by segno from our own otpauth URI; it contains no user-written markup.
    qr_svg = Markup(second_factor_service.qr_code_svg(uri))  # nosec B704
    return render_template("auth/enrol.html", form=form, qr_svg=qr_svg, secret=second_factor_service.grouped(secret)), form_status()


@bp.route("/abmelden", methods=["POST"])
def logout():
    sessions.end_session()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limit_per_address_and_email("RATELIMIT_RESET", "RATELIMIT_RESET_ADDRESS")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit() and attempt(
            services.request_password_reset, form.email.data,
            success=_("If an account exists for this address, we have sent a link to choose a new password."), category="info"):
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), form_status()


@bp.route("/konto-entsperren/<token>")
def unlock(token: str):
    """Shows a button; the POST unlocks (no state change on GET)."""
    return render_template("auth/unlock.html", token=token, form=ActionForm())


@bp.route("/konto-entsperren/<token>", methods=["POST"])
def unlock_post(token: str):
    user, refused, _more = _account_of_link(token, tokens.read_unlock_token, tokens.lock_matches)
    if refused:
        return refused
    attempt(lockout.unlock, user, success=_("Your account is unlocked. You can log in again."))
    return redirect(url_for("auth.login"))


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user, refused, _more = _account_of_link(token, tokens.read_reset_token, tokens.password_matches, reset=True)
    if refused:
        return refused
    form = ResetPasswordForm()
    if form.validate_on_submit() and attempt(services.set_password, user, form.password.data,
                                             success=_("Your password has been changed. Please log in."), errors_to=form.password):
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token), form_status()


@bp.route("/konto")
@login_required
def account():
    """My account: the public name and town, the password, the address, the signed-in browsers."""
    return _account_page()


def _profile_form() -> ProfileForm:
    return ProfileForm(formdata=None, data={"display_name": current_user.display_name, "organisation_name": current_user.organisation_name or "",
                                            "municipality_id": current_user.municipality_id or 0})


def _account_page(password_form=None, email_form=None, profile_form=None, contact_form=None, status: int = 200):
    return render_template(
        "auth/account.html",
        profile_form=profile_form or _profile_form(),
        contact_form=contact_form or ContactForm(formdata=None, contact_name=current_user.contact_name,
                                                 contact_function=current_user.contact_function),
        password_form=password_form or ChangePasswordForm(formdata=None),
        email_form=email_form or ChangeEmailForm(formdata=None, prefix=EMAIL_FORM_PREFIX),
        sessions=sessions.sessions_of(current_user),
        current_session=sessions.current_session_id(),
        recovery_codes_left=second_factor_service.remaining_recovery_codes(current_user) if current_user.has_second_factor else None,
        form=ActionForm(),
    ), status


@bp.route("/konto/passwort", methods=["POST"])
@login_required
@limit_per_address("RATELIMIT_LOGIN")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and attempt(services.change_password, current_user, form.current_password.data, form.password.data,
                                             success=_("Your password has been changed. Every other browser has been logged out."),
                                             errors_to={services.WrongPassword: form.current_password, DomainError: form.password}):
        return redirect(url_for("auth.account"), code=303)
    return _account_page(password_form=form, status=422)


@bp.route("/konto/profil", methods=["POST"])
@login_required
def change_profile():
    form = ProfileForm()
    if form.validate_on_submit() and attempt(services.change_profile, current_user, display_name=form.display_name.data,
                                             organisation_name=form.organisation_name.data, municipality_id=form.municipality_id.data or None,
                                             success=_("Your public name and town are saved."), errors_to=form):
        return redirect(url_for("auth.account"), code=303)
    return _account_page(profile_form=form, status=422)


@bp.route("/konto/ansprechperson", methods=["POST"])
@role_required(ROLE_OFFICER)
def change_contact():
    form = ContactForm()
    if form.validate_on_submit() and attempt(services.change_contact, current_user, name=form.contact_name.data or "",
                                             function=form.contact_function.data or "",
                                             success=_("Your contact on your towns' pages is saved."), errors_to=form):
        return redirect(url_for("auth.account") + "#h-contact", code=303)
    return _account_page(contact_form=form, status=422)


EMAIL_FORM_PREFIX = "neu"  # two forms on the account page: their fields need distinct names and ids


@bp.route("/konto/email", methods=["POST"])
@login_required
@limit_per_address("RATELIMIT_RESET")
def change_email():
    form = ChangeEmailForm(prefix=EMAIL_FORM_PREFIX)
    if form.validate_on_submit() and attempt(services.request_email_change, current_user, form.password.data, form.email.data,
                                             success=_("We have sent a link to the new address. Your address changes once you open it; until then the old one stays."),
                                             category="info", errors_to={services.WrongPassword: form.password, DomainError: form.email}):
        return redirect(url_for("auth.account"), code=303)
    return _account_page(email_form=form, status=422)


@bp.route("/konto/email-bestaetigen/<token>")
def confirm_email_change(token: str):
    """Shows a button; the POST changes the address (no state change on GET)."""
    return render_template("auth/confirm_email_change.html", token=token, form=ActionForm())


@bp.route("/konto/email-bestaetigen/<token>", methods=["POST"])
def confirm_email_change_post(token: str):
    user, refused, carried = _account_of_link(token, tokens.read_email_change_token, tokens.email_matches)
    if refused:
        return refused
    if not attempt(services.change_email, user, carried[0]).value:  # the address was taken meanwhile
        return render_template("auth/token_invalid.html", expired=False), 400
    flash(_("Your e-mail address is changed."), "success")
    return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"), code=303)


@bp.route("/konto/sitzungen/<int:session_id>/beenden", methods=["POST"])
@login_required
def end_session(session_id: int):
    if session_id == sessions.current_session_id():
        sessions.end_session()
        flash(_("You are logged out."), "success")
        return redirect(url_for("main.index"), code=303)
    if not attempt(sessions.end_session_of, current_user, session_id).value:
        abort(404)
    flash(_("That browser is logged out."), "success")
    return redirect(url_for("auth.account") + "#sitzungen", code=303)


@bp.route("/konto/sitzungen/andere-beenden", methods=["POST"])
@login_required
def end_other_sessions():
    attempt(sessions.end_other_sessions, current_user, success=lambda count: _("%(count)d other browsers are logged out.", count=count))
    return redirect(url_for("auth.account") + "#sitzungen", code=303)

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import emails, services, sessions, tokens
from app.auth.forms import ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm
from app.extensions import db
from app.forms import ActionForm, form_status
from app.models import User
from app.security import limit_per_address, safe_redirect_target

bp = Blueprint("auth", __name__)


@bp.route("/registrieren", methods=["GET", "POST"])
@limit_per_address("RATELIMIT_SIGNUP")
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    if form.validate_on_submit():
        if form.website.data:
            # Honeypot filled: answer as usual, create nothing.
            return redirect(url_for("auth.check_mail"))
        registration = services.register_account(
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data,
            account_type=form.account_type.data,
            organisation_name=form.organisation_name.data,
            municipality_id=form.municipality_id.data or None,
        )
        db.session.commit()
        if registration.is_new:
            emails.send_confirmation(registration.user)
        else:
            emails.send_already_registered(registration.user)
        return redirect(url_for("auth.check_mail"))
    return render_template("auth/signup.html", form=form), form_status()


@bp.route("/registrieren/postfach")
def check_mail():
    return render_template("auth/check_mail.html")


@bp.route("/bestaetigen/<token>")
def confirm(token: str):
    """Shows a button; the POST confirms (no state change on GET, and mail scanners can't trigger it)."""
    return render_template("auth/confirm.html", token=token, form=ActionForm())


@bp.route("/bestaetigen/<token>", methods=["POST"])
def confirm_post(token: str):
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("auth/confirm.html", token=token, form=form), 400
    try:
        user_id, email_fingerprint = tokens.read_confirm_token(token)
    except tokens.TokenExpired:
        return render_template("auth/token_invalid.html", expired=True), 400
    except tokens.TokenInvalid:
        return render_template("auth/token_invalid.html", expired=False), 400
    user = db.session.get(User, user_id)
    if user is None or not tokens.email_matches(user, email_fingerprint):
        return render_template("auth/token_invalid.html", expired=False), 400
    if not services.confirm_account(user):
        flash(_("This link has already been used. Your e-mail address is confirmed."), "info")
        return redirect(url_for("auth.login"))
    db.session.commit()
    flash(_("Thank you! Your e-mail address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("main.index"))
    return redirect(url_for("auth.login"))


@bp.route("/bestaetigen/erneut", methods=["POST"])
@login_required
@limit_per_address("RATELIMIT_RESET")
def resend_confirmation():
    form = ActionForm()
    if form.validate_on_submit() and not current_user.is_confirmed:
        emails.send_confirmation(current_user)
        flash(_("We have sent you a new confirmation link."), "info")
    return redirect(url_for("main.index"))


@bp.route("/anmelden", methods=["GET", "POST"])
@limit_per_address("RATELIMIT_LOGIN")
def login():
    next_url = safe_redirect_target(request.args.get("next"), url_for("main.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            sessions.start_session(user)
            flash(_("You are logged in."), "success")
            return redirect(next_url)
        form.password.errors.append(_("E-mail address or password is wrong."))
    return render_template("auth/login.html", form=form), form_status()


@bp.route("/abmelden", methods=["POST"])
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        sessions.end_session()
        flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limit_per_address("RATELIMIT_RESET")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and not user.is_blocked:
            emails.send_password_reset(user)
        flash(_("If an account exists for this address, we have sent a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), form_status()


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user_id, password_fingerprint = tokens.read_reset_token(token)
    except tokens.TokenExpired:
        return render_template("auth/token_invalid.html", expired=True, reset=True), 400
    except tokens.TokenInvalid:
        return render_template("auth/token_invalid.html", expired=False, reset=True), 400
    user = db.session.get(User, user_id)
    if user is None or not tokens.password_matches(user, password_fingerprint):
        return render_template("auth/token_invalid.html", expired=False, reset=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token), form_status()

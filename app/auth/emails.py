"""The texts of the account mails, in the person's language.

Each is queued in the caller's transaction (app/mail.py); the worker sends it.
They never echo the display name: whoever signs up chooses it, and a mail to an address
that has not been confirmed must not carry someone else's text (phishing).
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.auth import tokens
from app.mail import queue_mail
from app.models import User
from app.urls import absolute_url


def queue_confirmation(user: User, next_path: str = "") -> None:
    """The confirmation link; it brings the person back to `next_path` (where they signed up from)."""
    link = absolute_url("auth.confirm", token=tokens.make_confirm_token(user, next_path))
    body = _(
        "Hello,\n\nplease confirm your e-mail address for the Coesfeld 12.0 idea platform "
        "by opening this link:\n\n%(link)s\n\nThe link is valid for 3 days and can be used once.\n"
        "If you did not sign up, you can ignore this mail.\n",
        link=link,
    )
    queue_mail(user.email, _("Please confirm your e-mail address"), body)


def queue_already_registered(user: User, next_path: str = "") -> None:
    body = _(
        "Hello,\n\nsomeone tried to sign up with this e-mail address, but it already has an account.\n"
        "If that was you, log in here: %(login)s\nForgotten your password? Reset it here: %(reset)s\n"
        "If it was not you, you can ignore this mail.\n",
        login=absolute_url("auth.login", next=next_path or None),
        reset=absolute_url("auth.forgot_password"),
    )
    queue_mail(user.email, _("Sign-up attempt with your e-mail address"), body)


def queue_password_reset(user: User) -> None:
    link = absolute_url("auth.reset_password", token=tokens.make_reset_token(user))
    body = _(
        "Hello,\n\nyou can choose a new password for your account on the Coesfeld 12.0 idea platform with this link:\n\n%(link)s\n\n"
        "The link is valid for one hour and can be used once.\n"
        "If you did not ask for this, you can ignore this mail; your password stays as it is.\n",
        link=link,
    )
    queue_mail(user.email, _("Reset your password"), body)


def queue_unlock(user: User) -> None:
    link = absolute_url("auth.unlock", token=tokens.make_unlock_token(user))
    body = _(
        "Hello,\n\nthere were too many failed log-ins to your account on the Coesfeld 12.0 idea platform, "
        "so we have locked it.\nUnlock it with this link:\n\n%(link)s\n\nThe link is valid for 7 days.\n"
        "If the failed log-ins were not yours, someone may be guessing your password: please choose a "
        "new one after unlocking (%(reset)s).\n",
        link=link,
        reset=absolute_url("auth.forgot_password"),
    )
    queue_mail(user.email, _("Your account has been locked"), body)


def queue_password_changed(user: User) -> None:
    body = _(
        "Hello,\n\nthe password of your account on the Coesfeld 12.0 idea platform has just been changed, "
        "and every other browser has been logged out.\n\nIf that was not you, choose a new password now: %(reset)s\n",
        reset=absolute_url("auth.forgot_password"),
    )
    queue_mail(user.email, _("Your password has been changed"), body)


def queue_email_change(user: User, new_email: str) -> None:
    link = absolute_url("auth.confirm_email_change", token=tokens.make_email_change_token(user, new_email))
    body = _(
        "Hello,\n\nplease confirm that this is the new e-mail address of your account on the Coesfeld 12.0 idea platform "
        "by opening this link:\n\n%(link)s\n\nThe link is valid for 3 days. Until then, your old address stays in use.\n"
        "If you did not ask for this, you can ignore this mail.\n",
        link=link,
    )
    queue_mail(new_email, _("Please confirm your new e-mail address"), body)


def queue_email_changed_notice(old_email: str, new_email: str) -> None:
    masked = new_email[:2] + "…@" + new_email.partition("@")[2]
    body = _(
        "Hello,\n\nthe e-mail address of your account on the Coesfeld 12.0 idea platform has been changed to %(masked)s. "
        "From now on, mail goes there.\n\nIf that was not you, write to us at once: %(contact)s\n",
        masked=masked,
        contact=absolute_url("legal.show", document="impressum"),
    )
    queue_mail(old_email, _("Your e-mail address has been changed"), body)

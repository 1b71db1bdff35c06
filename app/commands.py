"""`flask seed ...` and `flask users ...`: idempotent, each with --help."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.admin import services as admin_services
from app.auth import services as auth_services
from app.errors import DomainError
from app.extensions import db
from app.models import utcnow
from app.models.user import ACCOUNT_TYPES, STAFF_ROLES

seed_cli = AppGroup("seed", help="Load reference data and demo content (idempotent).")
users_cli = AppGroup("users", help="Manage accounts from the command line.")


@seed_cli.command("reference")
def seed_reference() -> None:
    """Municipalities, action fields and the portfolio projects P1–P28."""
    from app.seed.reference import load_reference_data

    result = load_reference_data()
    db.session.commit()
    click.echo(f"Reference data: {result.created} created, {result.existing} already there.")


@seed_cli.command("demo")
def seed_demo() -> None:
    """About 40 demo ideas with comments and supports, and one account per role (printed)."""
    from flask import current_app

    from app.seed.demo import DEMO_PASSWORD, curate_demo_ideas, load_demo_data
    from app.seed.reference import load_reference_data

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo data is refused in production: its accounts have a published password.")

    load_reference_data()
    result = load_demo_data()
    curate_demo_ideas()
    db.session.commit()
    click.echo(f"Demo data: {result.ideas_created} ideas created, {result.ideas_existing} already there.")
    click.echo("Demo accounts (password for all: %s):" % DEMO_PASSWORD)
    width = max((len(role) for role, _email in result.accounts), default=0)
    for role, email in result.accounts:
        click.echo(f"  {role:<{width}}  {email}")
    click.echo("Staff accounts log in with a second factor. In development, this prints the current code:")
    click.echo("  .venv/bin/flask users totp-code moderation@coesfeld.example")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=click.Choice(STAFF_ROLES), help="Staff role; repeat for several.")
@click.option("--name", "display_name", default=None, help="Display name (default: the part before @).")
@click.option("--password", default=None, help="Password (at least 12 characters). Asked for if not given.")
@click.option("--account-type", type=click.Choice(ACCOUNT_TYPES), default="citizen", show_default=True)
@click.option("--organisation", "organisation_name", default=None, help="Organisation name (organisation accounts).")
def users_create(email, roles, display_name, password, account_type, organisation_name) -> None:
    """Create a confirmed account, or add roles to an existing one. Safe to run twice."""
    user = auth_services.find_user_by_email(email)
    if user is None:
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            registration = auth_services.register_account(
                email=email,
                password=password,
                display_name=display_name or email.split("@")[0],
                account_type=account_type,
                organisation_name=organisation_name,
            )
        except DomainError as error:
            raise click.ClickException(str(error.message)) from error
        user = registration.user
        user.confirmed_at = utcnow()
        click.echo(f"Created {user.email}.")
    else:
        click.echo(f"{user.email} exists already.")
    for role in roles:
        if auth_services.grant_role(user, role):
            click.echo(f"Granted role {role}.")
    db.session.commit()


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(STAFF_ROLES))
def users_grant(email, role) -> None:
    """Give an existing account a staff role."""
    user = auth_services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    changed = auth_services.grant_role(user, role)
    db.session.commit()
    click.echo(f"Granted role {role}." if changed else f"{email} already has role {role}.")


def _find(email: str):
    user = auth_services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    return user


def _run(action, *args):
    try:
        return action(*args)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error


@users_cli.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice(STAFF_ROLES))
def users_revoke(email, role) -> None:
    """Take a staff role away from an account."""
    changed = _run(admin_services.revoke_role, _find(email), role, None)
    db.session.commit()
    click.echo(f"Revoked role {role}." if changed else f"{email} does not have role {role}.")


@users_cli.command("block")
@click.argument("email")
@click.option("--reason", default="", help="Why (kept in the audit log).")
def users_block(email, reason) -> None:
    """Block an account: no more logins, its ideas and comments are hidden."""
    user = _find(email)
    was_blocked = user.is_blocked
    hidden = _run(admin_services.block_user, user, None, reason)
    db.session.commit()
    click.echo(f"{email} was already blocked." if was_blocked else f"Blocked {email}; {hidden} items hidden.")


@users_cli.command("unblock")
@click.argument("email")
@click.option("--reason", default="", help="Why (kept in the audit log).")
def users_unblock(email, reason) -> None:
    """Unblock an account and show again what the block hid."""
    user = _find(email)
    was_blocked = user.is_blocked
    restored = _run(admin_services.unblock_user, user, None, reason)
    db.session.commit()
    click.echo(f"Unblocked {email}; {restored} items shown again." if was_blocked else f"{email} is not blocked.")


@users_cli.command("reset-second-factor")
@click.argument("email")
def users_reset_second_factor(email) -> None:
    """Forget the account's authenticator app and recovery codes; it enrols again at the next login."""
    _run(admin_services.reset_second_factor, _find(email), None)
    db.session.commit()
    click.echo(f"Second factor of {email} reset; it will be set up again at the next login.")


@users_cli.command("totp-code")
@click.argument("email")
def users_totp_code(email) -> None:
    """Development only: print the account's current TOTP code (for the demo staff accounts)."""
    import pyotp
    from flask import current_app

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Not available in production.")
    user = _find(email)
    if not user.totp_secret:
        raise click.ClickException(f"{email} has no second factor yet.")
    click.echo(pyotp.TOTP(user.totp_secret).now())


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every task once and stop (cron, tests).")
def worker_command(once) -> None:
    """The background worker: delivers queued mail (and later notifications, digests, retention).

    Safe to run on several machines at once. Stops on SIGTERM or Ctrl-C.
    """
    from app import worker

    if once:
        for name, result in worker.run_once().items():
            click.echo(f"{name}: {result}")
        return
    worker.run_forever()


mail_cli = AppGroup("mail", help="The outgoing mail queue.")


@mail_cli.command("status")
def mail_status() -> None:
    """How many mails wait (and fail), are sent, or were given up; the mails with problems."""
    from app import mail

    status = mail.queue_status()
    click.echo(f"waiting: {status.waiting} (failing: {status.failing}), sent: {status.sent}, given up: {status.given_up}")
    for row in status.problems:
        state = "given up" if row.failed_at else f"next attempt {row.next_attempt_at:%Y-%m-%d %H:%M} UTC"
        click.echo(f"  mail {row.id}: {row.attempts} attempts, {state}: {row.last_error}")


@mail_cli.command("retry")
def mail_retry() -> None:
    """Try again the mails the worker gave up on (e.g. after a long mail server outage)."""
    from app import mail

    count = mail.retry_failed()
    db.session.commit()
    click.echo(f"{count} mails queued again.")

"""Deleting an account (DSGVO Art. 17), driven by inventory.py.

What goes: the e-mail address, names, organisation, town, password, second factor, roles,
sessions, settings, notifications, consents, follows, reports made, mails to the address,
downloads, and every support (the ideas' counts drop in the same transaction). Drafts go too.
What stays: published ideas and comments, under "gelöschtes Konto", so discussions stay readable,
unless the person chooses to remove them too: then their ideas are deleted and their comments read
"Kommentar gelöscht", as when an author deletes one. An idea that is part of a portfolio project
always keeps its text (a public record); only its author is anonymised. Entries the district keeps
(audit log, state changes, official answers, scores) stay without naming the person.

The account's row stays as an empty tombstone (users.deleted_at) that nobody can sign in to,
so the kept contributions still have an author and the ids in the audit log stay unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ColumnElement, delete, func, select, update

from app import cache
from app.auth import second_factor
from app.auth.services import require_password
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.ideas import images
from app.models import Base, DataExport, Idea, User, UserRole, utcnow
from app.models.idea import DRAFT, IN_PORTFOLIO
from app.models.user import ACCOUNT_CITIZEN, ROLE_ADMIN
from app.participation import services as participation
from app.privacy import services as exports
from app.privacy.inventory import DELETE, HOLDINGS, UNLINK

# The tombstone: what a deleted account's row holds instead of the person's data.
TOMBSTONE_DOMAIN = "geloescht.invalid"  # RFC 2606: never a real address


@dataclass
class Deleted:
    ideas_removed: int = 0
    ideas_kept: int = 0
    comments_removed: int = 0
    supports_removed: int = 0


class WrongCode(InvalidInput):
    default_message = _l("The code is not right. Enter the 6 digits your app shows now, or a recovery code.")


def kept_in_portfolio(user: User) -> int:
    """How many of the person's ideas are part of a portfolio project (and so always keep their text)."""
    return db.session.scalar(select(func.count(Idea.id)).where(Idea.author_id == user.id, _in_portfolio())) or 0


def _in_portfolio() -> ColumnElement[bool]:
    return (Idea.status == IN_PORTFOLIO) | Idea.project_id.is_not(None)


def check_deletion(user: User, *, password: str, code: str = "") -> None:
    """The password (and, for staff, the second factor) before anything is deleted; and never the last administrator."""
    require_password(user, password)
    if user.has_second_factor and not second_factor.check(user, code):
        raise WrongCode()
    if user.has_role(ROLE_ADMIN):
        others = db.session.scalar(
            select(func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
            .where(UserRole.role == ROLE_ADMIN, User.id != user.id, User.deleted_at.is_(None), User.is_blocked.is_(False))
        )
        if not others:
            raise NotAllowed(_l("You are the only administrator. Give another account the administration role first."))


def delete_account(user: User, *, password: str, code: str = "", remove_contributions: bool = False) -> Deleted:
    """Check, then delete. Flushes, never commits: the view commits once, so all of it happens or none."""
    check_deletion(user, password=password, code=code)
    return erase(user, remove_contributions=remove_contributions)


def erase(user: User, *, remove_contributions: bool = False) -> Deleted:
    """Delete the account without asking (the checks are `check_deletion`'s). Flushes."""
    if user.is_deleted:
        return Deleted()
    result = Deleted()
    result.supports_removed = participation.remove_supports(user)
    if remove_contributions:
        result.comments_removed = participation.erase_comments(user)
    removable = select(Idea).where(Idea.author_id == user.id, ~_in_portfolio())
    if not remove_contributions:
        removable = removable.where(Idea.status == DRAFT)
    removed_pictures = []
    for idea in db.session.scalars(removable):
        removed_pictures += [image.file_key for image in idea.images]
        db.session.delete(idea)
        result.ideas_removed += 1
    db.session.flush()
    images.delete_files(removed_pictures)  # at once, not at the next orphan sweep
    result.ideas_kept = db.session.scalar(select(func.count(Idea.id)).where(Idea.author_id == user.id)) or 0
    for row in db.session.scalars(select(DataExport).where(DataExport.user_id == user.id)):
        exports.remove_file(row)
    _apply_holdings(user)
    _tombstone(user)
    cache.public_content_changed()  # kept ideas and comments now name "gelöschtes Konto"
    db.session.flush()
    return result


def _apply_holdings(user: User) -> None:
    """DELETE and UNLINK as the inventory says (before the address is emptied: mails match on it)."""
    for holding in HOLDINGS:
        table = Base.metadata.tables[holding.table]
        if holding.on_delete == DELETE:
            db.session.execute(delete(table).where(holding.rows_of(user)))
        elif holding.on_delete == UNLINK:
            values = {name: _empty(table.c[name]) for name in holding.erased}
            db.session.execute(update(table).where(holding.rows_of(user)).values(values))


def _empty(column: Column[Any]) -> str | None:
    return None if column.nullable else ""


def _tombstone(user: User) -> None:
    now = utcnow()
    db.session.execute(update(User).where(User.id == user.id).values(
        email=f"konto-{user.id}@{TOMBSTONE_DOMAIN}",
        password_hash="!",  # no password hashes to this
        display_name="",
        account_type=ACCOUNT_CITIZEN,
        organisation_name=None,
        municipality_id=None,
        contact_name="",
        contact_function="",
        confirmed_at=None,
        is_blocked=False,
        created_at=now,
        last_login_at=None,
        totp_secret=None,
        totp_enrolled_at=None,
        totp_last_step=None,
        failed_logins=0,
        locked_at=None,
        unread_notifications=0,
        terms_version=None,
        deleted_at=now,
    ))
    db.session.expire(user)

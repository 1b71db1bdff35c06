"""Requests for "Meine Daten": one click asks, the worker builds the file, the owner downloads it.

A request is a DataExport row. The worker claims due rows with a lease (as the mail queue does),
builds the ZIP (export.py) under EXPORT_DIR with a random name, marks it ready for
RETAIN_EXPORT_DAYS and mails the person. Only the signed-in owner can download it (routes.py);
they can delete it at once, a new request replaces it, and retention deletes it when it expires.
Functions flush and never commit, except the worker's `build_due_exports`, which commits per file.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.database import claim_rows, give_up_after
from app.errors import InvalidInput
from app.extensions import db
from app.files import remove_expired_downloads
from app.mail import queue_mail
from app.models import DataExport, User, utcnow
from app.privacy import export
from app.templating import format_datetime_short
from app.urls import absolute_url, link_context

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3
BATCH = 5


def export_dir() -> Path:
    return Path(current_app.config["EXPORT_DIR"])


def file_path(row: DataExport) -> Path:
    """Where a ready export's file is."""
    if row.file_name is None:
        raise FileNotFoundError(f"export {row.id} has no file yet")
    return export_dir() / row.file_name


def remove_file(row: DataExport) -> None:
    """Delete a download's file (its row is being deleted)."""
    if row.file_name:
        (export_dir() / row.file_name).unlink(missing_ok=True)


def exports_of(user: User) -> list[DataExport]:
    return list(db.session.scalars(select(DataExport).where(DataExport.user_id == user.id).order_by(DataExport.id.desc())))


def is_pending(row: DataExport) -> bool:
    return row.ready_at is None and row.failed_at is None


def request_export(user: User) -> DataExport:
    """Ask for a new download; it replaces earlier ones. Refused while one is being prepared. Flushes."""
    earlier = exports_of(user)
    if any(is_pending(row) for row in earlier):
        raise InvalidInput(_l("Your data is already being prepared. We will send you a mail when it is ready."))
    for row in earlier:
        remove_file(row)
        db.session.delete(row)
    row = DataExport(user_id=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def downloadable(user: User, export_id: int, now: datetime | None = None) -> DataExport | None:
    """The owner's ready, unexpired export with this id, or None (for anyone else, too)."""
    row = db.session.get(DataExport, export_id)
    now = now or utcnow()
    if row is None or row.user_id != user.id or not row.is_ready or row.expires_at is None or row.expires_at <= now:
        return None
    if not file_path(row).is_file():
        return None
    return row


def delete_export(user: User, export_id: int) -> bool:
    """The owner deletes a download (and its file) before it expires. False if there is none. Flushes."""
    row = db.session.get(DataExport, export_id)
    if row is None or row.user_id != user.id:
        return False
    remove_file(row)
    db.session.delete(row)
    db.session.flush()
    return True


# The worker ----------------------------------------------------------------

def _claim(now: datetime) -> list[DataExport]:
    return claim_rows(
        DataExport,
        due=(DataExport.ready_at.is_(None), DataExport.failed_at.is_(None)),
        still_due=DataExport.ready_at.is_(None),
        order_by=(DataExport.id,),
        limit=BATCH,
        now=now,
        lease=LEASE,
        attempts=DataExport.attempts + 1,
    )


def build_due_exports(now: datetime | None = None) -> int:
    """The worker's task: build every requested file. Returns how many are ready. Commits."""
    now = now or utcnow()
    built = 0
    for row in _claim(now):
        user = db.session.get(User, row.user_id)
        if user is None:  # the account went meanwhile, and its requests with it
            continue
        name = secrets.token_hex(16) + ".zip"
        try:
            row.size = export.write_zip(export_dir() / name, export.collect(user), export.picture_files(user))
            row.file_name = name
            row.ready_at = utcnow()
            row.expires_at = row.ready_at + timedelta(days=current_app.config["RETAIN_EXPORT_DAYS"])
            row.claimed_by = row.claimed_until = None
            with link_context():
                _queue_ready_mail(user, row)
            db.session.commit()
        except Exception:  # a full disk, or the request deleted meanwhile: try again at the next turn, then give up
            log.exception("Data export %s failed", row.id)
            db.session.rollback()
            with suppress(OSError):
                (export_dir() / name).unlink(missing_ok=True)
            give_up_after(DataExport, row.id, MAX_ATTEMPTS, utcnow())
            continue
        built += 1
    return built


def _queue_ready_mail(user: User, row: DataExport) -> None:
    body = _(
        "Hello,\n\nthe download of your data from the Coesfeld 12.0 idea platform is ready. "
        "Sign in and download it here:\n\n%(link)s\n\nIt can be downloaded until %(until)s; then it is deleted. "
        "If you did not ask for it, change your password: someone else may have signed in to your account.\n",
        link=absolute_url("privacy.index"),
        until=format_datetime_short(row.expires_at),  # local time (Europe/Berlin), as every page shows it
    )
    queue_mail(user.email, _("Your data is ready to download"), body)


def remove_expired(now: datetime) -> int:
    """Retention: expired downloads and given-up requests go, files first; so does a file no row
    names (app/files.py). Returns how many rows."""
    return remove_expired_downloads(DataExport, export_dir(), now, keep_failed=timedelta(days=current_app.config["RETAIN_EXPORT_DAYS"]),
                                    lease=LEASE)

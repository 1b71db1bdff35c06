"""Files outside the database that rows name (pictures on ideas, "Meine Daten" downloads, reports):
the one sweep for files no row names any more (a removed picture, a worker stopped before its
commit), and the retention of downloads kept as files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, or_, select

from app.database import rows_changed
from app.extensions import db
from app.models import DataExport, ReportRequest

Download = TypeVar("Download", DataExport, ReportRequest)  # a download kept as a file


def remove_unnamed(folder: Path, named: Callable[[str], bool], older_than: float) -> int:
    """Delete the files in `folder` whose name `named` does not claim and that were last written
    before `older_than` (a POSIX timestamp: a file still being written stays). Folders in it stay
    (the reports' folder in the exports' one). Returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and not named(path.name) and path.stat().st_mtime < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_expired_downloads(model: type[Download], folder: Path, now: datetime, *,
                             keep_failed: timedelta, lease: timedelta) -> int:
    """Retention of downloads kept as files in `folder` (a "Meine Daten" export, a report): the rows
    past their expiry, or failed longer than `keep_failed` ago, go, their files first; so does a
    file no row names once older than `lease` (a worker stopped between writing and committing).
    Returns how many rows."""
    expired = list(db.session.scalars(select(model).where(or_(model.expires_at < now, model.failed_at < now - keep_failed))))
    for row in expired:
        if row.file_name:
            (folder / row.file_name).unlink(missing_ok=True)
    named = set(db.session.scalars(select(model.file_name).where(model.file_name.is_not(None))))
    remove_unnamed(folder, named.__contains__, (now - lease).timestamp())
    if not expired:
        return 0
    return rows_changed(delete(model).where(model.id.in_([row.id for row in expired])))

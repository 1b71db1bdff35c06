"""Reports for a long period: the reader asks on /berichte, the worker writes the PDF and mails the
link, the reader downloads it (only they, only while they still read reports) until it expires;
retention deletes file and row. Like the "Meine Daten" downloads (app/privacy/services.py): rows
claimed with a lease, so two workers never write one twice; a failure is tried again, then given up.
Functions flush and never commit, except the worker's `build_due_reports`, which commits per file."""

from __future__ import annotations

import logging
import secrets
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.database import claim_rows, give_up_after
from app.errors import InvalidInput
from app.extensions import db
from app.files import remove_expired_downloads
from app.mail import queue_mail
from app.models import ReportRequest, User, utcnow
from app.reports import document, figures
from app.templating import format_date_short, format_datetime_short
from app.urls import absolute_url, link_context

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3
BATCH = 2
PENDING_MAX = 3  # requests one person may have waiting at once


def report_dir() -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / "berichte"


def is_long(period: figures.Period) -> bool:
    """Whether the period is built by the worker rather than in the request (REPORT_DIRECT_DAYS)."""
    return (period.end - period.start).days + 1 > current_app.config["REPORT_DIRECT_DAYS"]


def request_report(user: User, period: figures.Period) -> ReportRequest:
    """Ask for a report; the worker writes it. Refused while PENDING_MAX are waiting. Flushes."""
    waiting = db.session.scalar(select(db.func.count(ReportRequest.id)).where(
        ReportRequest.user_id == user.id, ReportRequest.ready_at.is_(None), ReportRequest.failed_at.is_(None)))
    if waiting and waiting >= PENDING_MAX:
        raise InvalidInput(_l("Your earlier reports are still being prepared. We will send you a mail for each."))
    row = ReportRequest(user_id=user.id, starts_on=period.start, ends_on=period.end)
    db.session.add(row)
    db.session.flush()
    return row


def requests_of(user: User, now: datetime | None = None) -> list[ReportRequest]:
    """The reader's reports that are waiting or ready (newest first)."""
    now = now or utcnow()
    return list(db.session.scalars(select(ReportRequest).where(
        ReportRequest.user_id == user.id, ReportRequest.failed_at.is_(None),
        or_(ReportRequest.expires_at.is_(None), ReportRequest.expires_at > now)).order_by(ReportRequest.id.desc())))


def downloadable(user: User, request_id: int, now: datetime | None = None) -> ReportRequest | None:
    """The reader's own ready, unexpired report with this id, or None (for anyone else, too)."""
    row = db.session.get(ReportRequest, request_id)
    now = now or utcnow()
    if row is None or row.user_id != user.id or row.file_name is None or row.expires_at is None or row.expires_at <= now:
        return None
    return row if file_path(row).is_file() else None


def file_path(row: ReportRequest) -> Path:
    if row.file_name is None:
        raise FileNotFoundError(f"report {row.id} has no file yet")
    return report_dir() / row.file_name


def period_of(row: ReportRequest) -> figures.Period:
    return figures.Period(row.starts_on, row.ends_on)


# The worker ----------------------------------------------------------------

def build_due_reports(now: datetime | None = None) -> int:
    """The worker's task: write every requested report and mail its link. Returns how many. Commits."""
    now = now or utcnow()
    built = 0
    rows = claim_rows(ReportRequest, due=(ReportRequest.ready_at.is_(None), ReportRequest.failed_at.is_(None)),
                      still_due=ReportRequest.ready_at.is_(None), order_by=(ReportRequest.id,), limit=BATCH, now=now, lease=LEASE,
                      attempts=ReportRequest.attempts + 1)
    for row in rows:
        user = db.session.get(User, row.user_id)
        if user is None:
            continue
        name = secrets.token_hex(16) + ".pdf"
        try:
            report_dir().mkdir(parents=True, exist_ok=True)
            with link_context():
                data = document.pdf_bytes(document.build(period_of(row)))
            (report_dir() / name).write_bytes(data)
            row.file_name, row.size = name, len(data)
            row.ready_at = utcnow()
            row.expires_at = row.ready_at + timedelta(days=current_app.config["RETAIN_EXPORT_DAYS"])
            row.claimed_by = row.claimed_until = None
            with link_context():
                _queue_ready_mail(user, row)
            db.session.commit()
        except Exception:  # a full disk, a broken renderer: try again at the next turn, then give up
            log.exception("Report %s failed", row.id)
            db.session.rollback()
            with suppress(OSError):
                (report_dir() / name).unlink(missing_ok=True)
            give_up_after(ReportRequest, row.id, MAX_ATTEMPTS, utcnow())
            continue
        built += 1
    return built


def _queue_ready_mail(user: User, row: ReportRequest) -> None:
    body = _(
        "Hello,\n\nthe report for the decision bodies for %(start)s to %(end)s is ready. Sign in and download it here:\n\n"
        "%(link)s\n\nIt can be downloaded until %(until)s; then it is deleted.\n",
        start=format_date_short(row.starts_on), end=format_date_short(row.ends_on),
        link=absolute_url("reports.download", request_id=row.id),
        until=format_datetime_short(row.expires_at),
    )
    queue_mail(user.email, _("Your report is ready"), body)


def remove_expired(now: datetime) -> int:
    """Retention: expired reports and given-up requests go, files first; so does a file no row
    names (app/files.py). Returns how many rows."""
    return remove_expired_downloads(ReportRequest, report_dir(), now, keep_failed=timedelta(days=current_app.config["RETAIN_EXPORT_DAYS"]),
                                    lease=LEASE)

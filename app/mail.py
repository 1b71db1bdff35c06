"""Outgoing mail, through a queue in the database.

`queue_mail` writes a row (app/models/mail.py) in the caller's transaction: if the change
rolls back, no mail exists; if it commits, the mail will be delivered. Nothing talks to a
mail server inside a request, so an SMTP outage never changes what a visitor sees.

The background worker (`flask worker`, app/worker.py) calls `deliver_due`: it claims a batch
of due rows (one UPDATE; `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite),
so two workers never take the same mail, then sends each one and marks it sent. A failed
attempt is retried with exponential back-off (30 s, 1 min, 2 min, … at most 6 h between
tries) up to MAX_ATTEMPTS (about two days); then the row stays, marked failed, for
`flask mail retry`. A worker that dies holding a batch loses its lease after LEASE and
another worker delivers the batch.

Delivery is SMTP when MAIL_SERVER is set, otherwise an .eml file in MAIL_OUTBOX (in
development a newcomer opens the confirmation link from instance/outbox/).
"""

from __future__ import annotations

import email.policy
import logging
import os
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import current_app
from sqlalchemy import update

from app.database import claim_rows, rows_changed
from app.extensions import db
from app.models import OutgoingMail, utcnow
from app.models.mail import ERROR_MAX, SUBJECT_MAX

log = logging.getLogger(__name__)

BATCH = 20
LEASE = timedelta(minutes=10)  # BATCH × the SMTP timeout, with room to spare
SMTP_TIMEOUT = 15
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 16


def queue_mail(to: str, subject: str, body: str, *, html: str | None = None, headers: dict[str, str] | None = None) -> OutgoingMail:
    """Queue a mail in the current transaction. Flushes nothing; the caller commits."""
    mail = OutgoingMail(
        to_address=to,
        subject=subject[:SUBJECT_MAX],
        body_text=body,
        body_html=html,
        headers=headers or None,
        message_id=make_msgid(domain=_message_id_domain()),
    )
    db.session.add(mail)
    log.info("Mail queued: %s", subject)  # no address: logs are kept longer than the queue (README "Privacy")
    return mail


def _message_id_domain() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender.rpartition("@")[2].rstrip(">").strip() or "localhost"


# Headers fold at RFC 5322's hard limit, not at 78: a long List-Unsubscribe URL must stay one
# ASCII word (mail clients do not decode RFC 2047 words there).
POLICY = email.policy.default.clone(max_line_length=998)


def build_message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(mail.created_at)
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    return message


# Delivery (the worker) ---------------------------------------------------------------

@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed


def retry_delay(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts: 30 s, 1 min, 2 min, … at most 6 h."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_RETRY)


def claim_due(now: datetime, limit: int = BATCH) -> list[OutgoingMail]:
    """Take up to `limit` due mails for this call, for LEASE. Commits the claim."""
    return claim_rows(
        OutgoingMail,
        due=(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None), OutgoingMail.next_attempt_at <= now),
        still_due=OutgoingMail.sent_at.is_(None),
        order_by=(OutgoingMail.next_attempt_at, OutgoingMail.id),
        limit=limit,
        now=now,
        lease=LEASE,
    )


def deliver_due(*, now: datetime | None = None, limit: int = BATCH) -> Delivery:
    """Deliver the mails that are due now; commits after each one. Returns what happened."""
    now = now or utcnow()
    result = Delivery()
    batch = claim_due(now, limit)
    if not batch:
        return result
    with _transport() as transport:
        for mail in batch:
            try:
                transport.send(build_message(mail))
            except (smtplib.SMTPException, OSError) as error:
                transport.reset()
                _record_failure(mail, error, now)
                result.failed += 1
            else:
                mail.sent_at = utcnow()
                mail.claimed_by = mail.claimed_until = None
                mail.last_error = None
                result.sent += 1
            db.session.commit()
    if result.handled:
        log.info("Mail delivery: %d sent, %d failed", result.sent, result.failed)
    return result


def deliver_pending(max_batches: int = 50) -> Delivery:
    """The worker's task: batches of due mail until none is left (or max_batches)."""
    total = Delivery()
    for _ in range(max_batches):
        batch = deliver_due()
        total.sent += batch.sent
        total.failed += batch.failed
        if batch.handled < BATCH:
            break
    return total


def _record_failure(mail: OutgoingMail, error: Exception, now: datetime) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    mail.claimed_by = mail.claimed_until = None
    if mail.attempts >= MAX_ATTEMPTS:
        mail.failed_at = now
        log.error("Mail %s to %s given up after %d attempts: %s", mail.id, mail.to_address, mail.attempts, mail.last_error)
    else:
        mail.next_attempt_at = now + retry_delay(mail.attempts)
        log.warning("Mail %s not delivered (attempt %d): %s", mail.id, mail.attempts, mail.last_error)


def retry_failed() -> int:
    """Give mails the worker gave up on another round of attempts (`flask mail retry`). Flushes."""
    return rows_changed(
        update(OutgoingMail)
        .where(OutgoingMail.failed_at.is_not(None), OutgoingMail.sent_at.is_(None))
        .values(failed_at=None, attempts=0, next_attempt_at=utcnow())
    )


def _transport():
    config = current_app.config
    if config["MAIL_SERVER"]:
        return SmtpTransport(config)
    return OutboxTransport(config["MAIL_OUTBOX"])


class SmtpTransport:
    """One SMTP connection for a batch, opened on first use and again after an error."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.reset()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
        if config["MAIL_USE_SSL"]:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        self.smtp.send_message(message)

    def reset(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


class OutboxTransport:
    """Development: each mail as an .eml file, named by time and id so they sort as sent."""

    def __init__(self, outbox: str):
        self.outbox = outbox

    def __enter__(self):
        os.makedirs(self.outbox, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        path = os.path.join(self.outbox, f"{stamp}-{uuid.uuid4().hex[:8]}.eml")
        with open(path, "wb") as handle:
            handle.write(bytes(message))
        log.info("Mail written to %s (%s)", path, message["Subject"])

    def reset(self) -> None:
        return None

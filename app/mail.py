"""Outgoing mail, through a queue in the database.

`queue_mail` writes a row (app/models/mail.py) in the caller's transaction: if the change
rolls back, no mail exists; if it commits, the mail will be delivered. Nothing talks to a
mail server inside a request, so an SMTP outage never changes what a visitor sees. The
subject and the extra headers are made one line here, once (a title with a line break would
make the mail impossible to build).

The background worker (`flask worker`, app/worker.py) calls `deliver_due`: it claims a batch
of due rows (one UPDATE; `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite),
so two workers never take the same mail. For each mail it first records the attempt (and
renews its lease on the rest of the batch for LEASE), commits, then builds and sends it and
marks it sent. Any error while building or sending one mail is a failed attempt of that mail
alone: it is retried with exponential back-off (30 s, 1 min, 2 min, … at most 6 h between
tries) up to MAX_ATTEMPTS (about two days), then the row stays, marked "given up", for
`flask mail retry` and the staff's page /verwaltung/mails; the rest of the batch goes on.

A worker that dies while sending leaves the attempt recorded: the mail is tried again after
its back-off, once the lease (LEASE, a few minutes) has run out, so a crash costs at most one
duplicate of that one mail (same Message-ID, which mail clients recognise); the rest of its
batch is taken over by another worker after the same few minutes.

Delivery is SMTP when MAIL_SERVER is set, otherwise an .eml file in MAIL_OUTBOX (in
development a newcomer opens the confirmation link from instance/outbox/).

Logs name mails by id only: never an address, a subject or an error text that may hold one.
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
from sqlalchemy import func, select, update

from app.cache import declare
from app.database import claim_rows, rows_changed
from app.extensions import db
from app.models import OutgoingMail, utcnow
from app.models.mail import ERROR_MAX, SUBJECT_MAX
from app.security import one_line

log = logging.getLogger(__name__)
declare(private=(OutgoingMail,))

BATCH = 20
SMTP_TIMEOUT = 15
# How long one mail's attempt may take (connect, STARTTLS, log-in and send, each up to
# SMTP_TIMEOUT), with room to spare. Renewed before each mail of a batch, so a worker that dies
# holds the rest of its batch this long, not the batch's whole time.
LEASE = timedelta(minutes=3)
INTERRUPTED = "interrupted: the worker stopped while sending (the mail may have gone out once)"
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 16


def queue_mail(to: str, subject: str, body: str, *, html: str | None = None, headers: dict[str, str] | None = None) -> OutgoingMail:
    """Queue a mail in the current transaction. Flushes nothing; the caller commits."""
    mail = OutgoingMail(
        to_address=one_line(to),
        subject=one_line(subject)[:SUBJECT_MAX],
        body_text=body,
        body_html=html,
        headers={one_line(name): one_line(value) for name, value in headers.items()} if headers else None,
        message_id=make_msgid(domain=_message_id_domain()),
    )
    db.session.add(mail)
    # Neither address nor subject: logs are kept longer than the queue (docs/privacy.md).
    log.info("Mail queued: %s", mail.message_id)
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
    """Deliver the mails that are due now; commits before and after each one. Returns what happened.

    One mail that cannot be built or sent is a failed attempt of that mail; the others go on."""
    now = now or utcnow()
    started = utcnow()
    result = Delivery()
    batch = claim_due(now, limit)
    if not batch:
        return result
    with _transport() as transport:
        for mail in batch:
            moment = now + (utcnow() - started)  # `now` moved on by the time this batch has taken
            if not _begin_attempt(mail, moment):
                result.failed += 1
                db.session.commit()
                continue
            db.session.commit()  # the attempt is on record before anything is sent
            try:
                transport.send(build_message(mail))
            except Exception as error:  # any error is this mail's failed attempt, never the batch's
                transport.reset()
                _record_failure(mail, error, moment)
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


def _begin_attempt(mail: OutgoingMail, now: datetime) -> bool:
    """Record the attempt about to be made and renew the lease on the rest of the batch (one
    UPDATE). False, and the mail given up, when it has had its MAX_ATTEMPTS already (a worker died
    while sending it on its last one)."""
    if mail.attempts >= MAX_ATTEMPTS:
        _give_up(mail, now)
        return False
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.claimed_by == mail.claimed_by, OutgoingMail.sent_at.is_(None))
        .values(claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    mail.attempts += 1
    mail.next_attempt_at = now + retry_delay(mail.attempts)
    mail.last_error = INTERRUPTED
    return True


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
    """The attempt `_begin_attempt` recorded failed: say why, release the claim, give up after the last."""
    mail.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    if mail.attempts >= MAX_ATTEMPTS:
        _give_up(mail, now)
        return
    mail.claimed_by = mail.claimed_until = None  # next_attempt_at: set with the attempt (_begin_attempt)
    # The error's class only: an SMTP error's text can contain the address.
    log.warning("Mail %s not delivered (attempt %d): %s", mail.id, mail.attempts, type(error).__name__)


def _give_up(mail: OutgoingMail, now: datetime) -> None:
    mail.failed_at = now
    mail.claimed_by = mail.claimed_until = None
    log.error("Mail %s given up after %d attempts (flask mail status; flask mail retry)", mail.id, mail.attempts)


@dataclass
class QueueStatus:
    """What `flask mail status` and the staff's page /verwaltung/mails show."""

    waiting: int
    failing: int  # waiting, after at least one failed attempt
    sent: int
    given_up: int
    problems: list[OutgoingMail]  # the failing and given-up mails, the latest first (at most PROBLEMS_SHOWN)


PROBLEMS_SHOWN = 50


def queue_status() -> QueueStatus:
    unsent = OutgoingMail.sent_at.is_(None)
    waiting = (unsent, OutgoingMail.failed_at.is_(None))
    failing = (*waiting, OutgoingMail.attempts > 0)
    given_up = (unsent, OutgoingMail.failed_at.is_not(None))

    def count(*conditions: Any) -> int:
        return db.session.scalar(select(func.count(OutgoingMail.id)).where(*conditions)) or 0

    problems = db.session.scalars(
        select(OutgoingMail).where(unsent, OutgoingMail.attempts > 0).order_by(OutgoingMail.id.desc()).limit(PROBLEMS_SHOWN)
    )
    return QueueStatus(waiting=count(*waiting), failing=count(*failing), sent=count(OutgoingMail.sent_at.is_not(None)),
                       given_up=count(*given_up), problems=list(problems))


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
        log.info("Mail written to %s", path)

    def reset(self) -> None:
        return None

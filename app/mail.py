"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise an .eml file in the outbox.

In development the outbox (instance/outbox/) lets a newcomer click confirmation
links; every message is also logged.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger(__name__)


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="coesfeld.example")
    message["Date"] = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    message = build_message(to, subject, body)
    config = current_app.config
    if config["MAIL_SERVER"]:
        _send_smtp(message, config)
        log.info("Mail sent via SMTP to %s: %s", to, subject)
    else:
        path = _write_outbox(message, config["MAIL_OUTBOX"])
        log.info("Mail written to %s (to %s: %s)", path, to, subject)
    return message


def _send_smtp(message: EmailMessage, config) -> None:
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=15, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=15)
    with smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, outbox: str) -> str:
    os.makedirs(outbox, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = os.path.join(outbox, f"{stamp}.eml")
    with open(path, "wb") as handle:
        handle.write(bytes(message))
    return path

"""The background worker: `flask worker` does the work that leaves the request.

It runs each task of `tasks()` when it is due, in a loop, until SIGTERM or Ctrl-C: the
fan-out of notification events, their mails and digests, the staff's daily summary
(app/notifications/), the "Meine Daten" downloads (app/privacy/), the reports for long periods (app/reports/), mail delivery (app/mail.py) and retention (app/retention.py).
Every task claims its rows in the database, so two workers (two
machines, or `make run` next to a deployment's worker) can run at once without doing
anything twice. A task that fails (database or mail server down) is logged and tried
again at its next turn; nothing it had not finished is lost.

`flask worker --once` runs every task once and stops (for cron or a test).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.extensions import db
from app.transactions import writing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    name: str
    every: float  # seconds between runs while there is nothing to do
    run: Callable[[], object]


def tasks() -> list[Task]:
    """Every task of the worker, in the order they run."""
    from app import mail, retention
    from app.meetings import services as meetings
    from app.notifications import fanout, mails, services
    from app.privacy import services as privacy
    from app.reports import requests as reports

    return [
        Task("notifications", 2.0, fanout.fan_out_events),
        Task("notification-mails", 2.0, mails.mail_immediate),
        Task("digests", 60.0, mails.mail_digests),
        Task("staff-summary", 300.0, services.record_staff_summary),
        Task("event-reminders", 300.0, meetings.record_reminders),
        Task("data-exports", 5.0, privacy.build_due_exports),
        Task("reports", 5.0, reports.build_due_reports),
        Task("mail", 2.0, mail.deliver_pending),
        Task("retention", 3600.0, retention.apply_retention),
    ]


def run_once() -> dict[str, object]:
    """Run every task once; a failing task is logged and does not stop the others."""
    results: dict[str, object] = {}
    for task in tasks():
        results[task.name] = _run(task)
    return results


def _run(task: Task):
    try:
        with writing():
            return task.run()
    except Exception:  # the worker must outlive a broken database or mail server
        log.exception("Worker task %s failed; it runs again at its next turn", task.name)
        db.session.rollback()
        return None
    finally:
        db.session.remove()


def run_forever(stop: threading.Event | None = None, *, tick: float = 0.5) -> None:
    """Run tasks when due until `stop` is set (SIGTERM and SIGINT set it)."""
    stop = stop or _stop_on_signals()
    due = {task.name: 0.0 for task in tasks()}
    log.info("Worker started: %s", ", ".join(due))
    while not stop.is_set():
        for task in tasks():
            if time.monotonic() >= due[task.name]:
                _run(task)
                due[task.name] = time.monotonic() + task.every
        stop.wait(tick)
    log.info("Worker stopped")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    return stop

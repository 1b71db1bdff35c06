"""Mail leaves the request (probe finding 4): queued in the request's transaction, delivered by the
worker over a real SMTP server (aiosmtpd) that is stopped and started again; nothing is lost or sent twice."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app import mail
from app.extensions import db
from app.models import OutgoingMail, utcnow
from app.transactions import writing
from tests.factories import create_user
from tests.helpers import SIGNUP
from tests.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_config_overrides(smtp):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}


def _queued() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def _later(hours: float = 7):
    """A moment after every back-off so far (at most 6 h)."""
    return utcnow() + timedelta(hours=hours)


def test_signup_mail_is_queued_and_the_worker_sends_it_over_smtp(client, runner, reference, smtp, outbox):
    response = client.post("/registrieren", data=SIGNUP)
    assert response.status_code == 302
    assert smtp.messages == [], "nothing is sent inside the request"
    [queued] = _queued()
    assert queued.to_address == "neu@example.com" and queued.sent_at is None
    message_id = queued.message_id
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    [message] = smtp.messages
    assert message["To"] == "neu@example.com" and "bestätigen" in message["Subject"]
    assert message["Message-ID"] == message_id
    assert "http://localhost/bestaetigen/" in message.get_body(("plain",)).get_content()
    assert _queued()[0].sent_at is not None
    assert outbox.messages() == [], "with SMTP configured, nothing goes to the outbox"


def test_an_smtp_outage_changes_nothing_for_visitors_and_loses_no_mail(client, reference, smtp):
    registered = create_user("bekannt@example.com")
    smtp.stop()
    signup = client.post("/registrieren", data=SIGNUP)
    again = client.post("/registrieren", data={**SIGNUP, "email": registered.email})
    reset_known = client.post("/passwort-vergessen", data={"email": registered.email})
    reset_unknown = client.post("/passwort-vergessen", data={"email": "niemand@example.com"})
    assert signup.status_code == again.status_code == 302 and signup.location == again.location
    assert reset_known.status_code == reset_unknown.status_code == 302 and reset_known.location == reset_unknown.location
    assert len(_queued()) == 3

    result = mail.deliver_pending()
    assert (result.sent, result.failed) == (0, 3)
    for row in _queued():
        assert row.attempts == 1 and row.sent_at is None and "Connection" in row.last_error
        assert row.next_attempt_at > utcnow()
    assert mail.deliver_due().handled == 0, "not due again before the back-off"

    smtp.start()
    assert mail.deliver_due(now=_later()).sent == 3
    assert sorted(m["To"] for m in smtp.messages) == ["bekannt@example.com", "bekannt@example.com", "neu@example.com"]
    assert mail.deliver_due(now=_later()).handled == 0, "each mail once"


def test_a_server_that_goes_away_mid_delivery_gets_every_mail_exactly_once(app, smtp):
    for number in range(10):
        mail.queue_mail(f"person{number}@example.com", f"Nachricht {number}", "Text")
    db.session.commit()
    expected = {row.message_id for row in _queued()}
    smtp.refuse_after(3)
    first = mail.deliver_due()
    assert first.sent == 3 and first.failed == 7
    deadline = time.monotonic() + 5
    while smtp.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mail.deliver_due(now=_later()).sent == 0, "server still down: nothing sent, nothing lost"
    smtp.start()
    assert mail.deliver_due(now=_later(14)).sent == 7
    assert sorted(smtp.message_ids()) == sorted(expected)


def test_two_workers_at_once_send_nothing_twice(app, smtp):
    for number in range(60):
        mail.queue_mail(f"person{number}@example.com", f"Nachricht {number}", "Text")
    db.session.commit()
    errors = []

    def work():
        try:
            with app.app_context(), writing():  # as the worker runs its tasks
                for _ in range(10):
                    mail.deliver_due(limit=5)
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    ids = smtp.message_ids()
    assert len(ids) == 60 and len(set(ids)) == 60
    assert db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.sent_at.is_(None))) == 0


def test_a_rolled_back_change_queues_no_mail(app):
    mail.queue_mail("a@example.com", "Betreff", "Text")
    db.session.rollback()
    assert _queued() == []


def test_a_lease_of_a_dead_worker_expires_and_another_delivers(app, smtp):
    mail.queue_mail("a@example.com", "Betreff", "Text")
    db.session.commit()
    [claimed] = mail.claim_due(utcnow())  # a worker claims it and dies
    assert mail.deliver_due().handled == 0, "the lease holds"
    assert mail.deliver_due(now=utcnow() + mail.LEASE + timedelta(seconds=1)).sent == 1
    assert smtp.message_ids() == [claimed.message_id]


def test_back_off_grows_and_gives_up_after_max_attempts_until_retried(app, runner, smtp):
    assert [mail.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert mail.retry_delay(50) == mail.LONGEST_RETRY
    smtp.stop()
    mail.queue_mail("a@example.com", "Betreff", "Text")
    db.session.commit()
    db.session.execute(update(OutgoingMail).values(attempts=mail.MAX_ATTEMPTS - 1))
    db.session.commit()
    assert mail.deliver_due().failed == 1
    [row] = _queued()
    assert row.failed_at is not None and row.sent_at is None
    assert mail.deliver_due(now=_later(100)).handled == 0
    assert "given up: 1" in runner.invoke(args=["mail", "status"]).output
    smtp.start()
    assert "1 mails queued again" in runner.invoke(args=["mail", "retry"]).output
    assert mail.deliver_due().sent == 1 and len(smtp.messages) == 1


def test_flask_worker_runs_as_a_process_and_stops_on_sigterm(app, smtp):
    mail.queue_mail("prozess@example.com", "Vom Worker", "Text")
    db.session.commit()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp.port), "APP_ENV": "development", "FLASK_APP": "wsgi.py"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not smtp.messages and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert [m["To"] for m in smtp.messages] == ["prozess@example.com"]
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=20)[0]
    assert process.returncode == 0, output
    assert "Worker stopped" in output


def test_list_unsubscribe_stays_a_plain_ascii_url(app):
    long_url = "https://ideen.kreis-coesfeld.example/benachrichtigungen/abbestellen/" + "x" * 120
    queued = mail.queue_mail("a@example.com", "Ihre Idee „Mitfahrbank“ ist jetzt „In Prüfung“", "Text",
                             headers={"List-Unsubscribe": f"<{long_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    db.session.flush()
    raw = bytes(mail.build_message(queued))
    assert f"List-Unsubscribe: <{long_url}>".encode() in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_the_log_names_no_address(app, caplog):
    import logging

    from app import mail

    with caplog.at_level(logging.INFO, logger="app.mail"):
        mail.queue_mail("person@example.com", "Betreff", "Text")
        db.session.commit()
        mail.deliver_pending()
    assert caplog.records and "person@example.com" not in caplog.text


# One broken mail never holds back the others (outside probe: a subject with a line break) ---------------

def _queue_three_with_a_broken_middle() -> tuple[int, int, int]:
    """A password-reset mail, a mail that cannot be built (a subject with a line break, as rows were
    stored before titles were kept on one line), and another password-reset mail."""
    first = mail.queue_mail("erste@example.com", "Passwort zurücksetzen", "Link 1")
    broken = mail.queue_mail("kaputt@example.com", "Projekt", "Text")
    last = mail.queue_mail("zweite@example.com", "Passwort zurücksetzen", "Link 2")
    db.session.commit()
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == broken.id).values(subject="Projekt\nmit Zeilenumbruch"))
    db.session.commit()
    return first.id, broken.id, last.id


def test_a_mail_that_cannot_be_built_fails_alone_and_the_others_are_delivered(app, runner, smtp):
    first, broken, last = _queue_three_with_a_broken_middle()
    result = mail.deliver_due()
    assert (result.sent, result.failed) == (2, 1)
    assert sorted(m["To"] for m in smtp.messages) == ["erste@example.com", "zweite@example.com"]
    rows = {row.id: row for row in _queued()}
    bad = rows[broken]
    assert bad.sent_at is None and bad.attempts == 1 and bad.last_error.startswith("ValueError")
    assert bad.claimed_by is None and bad.claimed_until is None, "its claim is released"
    assert bad.next_attempt_at > utcnow(), "tried again after the back-off"
    assert rows[first].sent_at is not None and rows[last].sent_at is not None
    status = runner.invoke(args=["mail", "status"]).output
    assert "waiting: 1 (failing: 1), sent: 2, given up: 0" in status
    assert f"mail {broken}: 1 attempts" in status and "ValueError" in status

    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == broken).values(attempts=mail.MAX_ATTEMPTS - 1))
    db.session.commit()
    assert mail.deliver_due(now=_later()).failed == 1
    assert "given up: 1" in runner.invoke(args=["mail", "status"]).output
    assert len(smtp.messages) == 2


def test_a_broken_mail_does_not_hold_back_a_batch_behind_it(app, smtp):
    """Twenty-five mails behind the broken one: every one is sent in the same round (two batches)."""
    broken = mail.queue_mail("kaputt@example.com", "Projekt", "Text")
    db.session.commit()
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == broken.id).values(subject="a\r\nb"))
    for number in range(25):
        mail.queue_mail(f"person{number}@example.com", "Passwort zurücksetzen", "Text")
    db.session.commit()
    result = mail.deliver_pending()
    assert (result.sent, result.failed) == (25, 1)
    assert len(smtp.messages) == 25


def test_subjects_and_headers_are_one_line_when_queued(app, smtp):
    queued = mail.queue_mail("a@example.com", "Ihre Idee „Radweg\r\nBcc: b@example.com“", "Text",
                             headers={"List-Unsubscribe": "<https://example.com/x\n>"})
    db.session.commit()
    assert queued.subject == "Ihre Idee „Radweg Bcc: b@example.com“"
    assert queued.headers == {"List-Unsubscribe": "<https://example.com/x >"}
    assert mail.deliver_due().sent == 1
    [message] = smtp.messages
    assert message["Subject"] == "Ihre Idee „Radweg Bcc: b@example.com“" and message["Bcc"] is None


def test_the_attempt_is_on_record_before_sending_and_a_killed_worker_costs_one_mail_one_retry(app, smtp):
    """A worker killed (SIGKILL) while the server has the first mail's DATA: the attempt is recorded,
    the rest of its batch is free after LEASE (not the old ten minutes), and every mail is delivered."""
    for number in range(3):
        mail.queue_mail(f"person{number}@example.com", f"Nachricht {number}", "Text")
    db.session.commit()
    smtp.hold()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp.port), "APP_ENV": "development", "FLASK_APP": "wsgi.py"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert smtp.holding.wait(30), "the worker began to send"
    finally:
        process.kill()
        process.wait(timeout=20)
    smtp.release()
    killed_at = utcnow()
    rows = _queued()
    assert [row.attempts for row in rows] == [1, 0, 0]
    assert rows[0].last_error == mail.INTERRUPTED and rows[0].sent_at is None
    for row in rows:
        assert row.claimed_until is not None and row.claimed_until <= killed_at + mail.LEASE
    assert mail.LEASE <= timedelta(minutes=3)
    assert mail.deliver_due().handled == 0, "the dead worker's lease holds for a moment"

    result = mail.deliver_due(now=utcnow() + mail.LEASE + timedelta(seconds=1))
    assert result.sent == 3
    assert sorted(m["To"] for m in smtp.messages) == [f"person{n}@example.com" for n in range(3)]
    assert [row.attempts for row in _queued()] == [2, 1, 1]


def test_the_worker_log_names_mails_by_id_only(app, caplog, smtp):
    import logging

    hidden_title = "Geheimer Titel einer verborgenen Idee"
    with caplog.at_level(logging.INFO, logger="app.mail"):
        mail.queue_mail("person@example.com", hidden_title, "Text")
        db.session.commit()
        smtp.stop()
        db.session.execute(update(OutgoingMail).values(attempts=mail.MAX_ATTEMPTS - 1))
        db.session.commit()
        assert mail.deliver_due().failed == 1
    assert "given up" in caplog.text and "not delivered" not in caplog.text
    assert "person@example.com" not in caplog.text and hidden_title not in caplog.text


def test_staff_see_failing_mails_and_queue_given_up_ones_again(app, client, auth, reference, smtp):
    create_user("admin@example.com", roles=("admin",))
    _, broken, _ = _queue_three_with_a_broken_middle()
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == broken).values(attempts=mail.MAX_ATTEMPTS - 1))
    db.session.commit()
    mail.deliver_due()
    auth.login("admin@example.com")
    page = client.get("/verwaltung/mails")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Projekt\nmit Zeilenumbruch" in html and "aufgegeben" in html and "ValueError" in html
    answer = client.post("/verwaltung/mails/erneut-versuchen", follow_redirects=True)
    assert "1 Mail wird erneut versucht." in answer.get_data(as_text=True)
    [row] = [r for r in _queued() if r.id == broken]
    assert row.failed_at is None and row.attempts == 0

"""Reports for a long period (issue #35): the page does not build them in the request; the reader
asks, the worker writes the PDF and mails the link (German, read in full); only the one who asked
downloads it, until it expires; retention deletes file and row; two workers never write one twice."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app import retention, worker
from app.extensions import db
from app.models import OutgoingMail, ReportRequest, utcnow
from app.reports import requests
from tests.factories import create_user, make_idea
from tests.helpers import page_text

LONG = {"von": "2024-01-01", "bis": "2026-12-01"}


@pytest.fixture
def readers(app, reference):
    create_user("sg@example.com", roles=("steering",))
    create_user("gremium@example.com", roles=("board",))
    make_idea(create_user("autorin@example.com"), "Eine Idee im Zeitraum")
    db.session.commit()


def test_a_long_report_is_written_by_the_worker_and_mailed_as_a_link(app, client, auth, readers):
    auth.login("gremium@example.com")
    page = client.get("/berichte", query_string=LONG)
    assert page.status_code == 200
    text = page_text(page.text)
    assert "Ein Bericht über mehr als 366 Tage wird im Hintergrund erstellt" in text and "Von der Idee zum Projekt" not in text
    assert client.get("/berichte/bericht.pdf", query_string=LONG).status_code == 422, "no long PDF in the request"
    asked = client.post("/berichte/anfordern", data=LONG, follow_redirects=True)
    assert "Der Bericht wird erstellt." in page_text(asked.text) and "wird erstellt; Sie bekommen eine Mail" in page_text(asked.text)

    assert worker.run_once()["reports"] == 1
    assert worker.run_once()["reports"] == 0, "written once"
    row = db.session.scalar(select(ReportRequest))
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.subject == "Ihr Bericht ist fertig"))
    assert mail.to_address == "gremium@example.com"
    assert "der Bericht für die Gremien für den Zeitraum 01.01.2024 bis 01.12.2026 ist fertig." in mail.body_text
    assert f"/berichte/abruf/{row.id}" in mail.body_text and "Er kann bis " in mail.body_text

    download = client.get(f"/berichte/abruf/{row.id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert 'filename=bericht-2024-01-01-2026-12-01.pdf' in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)
    assert "Von der Idee zum Projekt" in pdf_text and "01.01.2024 bis 01.12.2026" in pdf_text
    assert "PDF herunterladen" in page_text(client.get("/berichte").text), "listed on the page as well"

    auth.logout()
    auth.login("sg@example.com")
    assert client.get(f"/berichte/abruf/{row.id}").status_code == 404, "only the one who asked"

    path = requests.file_path(row)
    assert path.is_file()
    retention.apply_retention(utcnow() + timedelta(days=8))
    assert not path.exists() and db.session.scalar(select(func.count(ReportRequest.id))) == 0


def test_bad_periods_and_too_many_waiting_requests_are_refused(client, auth, readers):
    auth.login("sg@example.com")
    wrong = client.post("/berichte/anfordern", data={"von": "2026-12-01", "bis": "2026-01-01"})
    assert wrong.status_code == 422 and "Der Zeitraum endet, bevor er beginnt." in page_text(wrong.text)
    for _ in range(3):
        assert client.post("/berichte/anfordern", data=LONG).status_code == 303
    fourth = client.post("/berichte/anfordern", data=LONG)
    assert fourth.status_code == 422 and "Ihre früheren Berichte werden noch erstellt." in page_text(fourth.text)
    assert db.session.scalar(select(func.count(ReportRequest.id))) == 3
    short = client.get("/berichte", query_string={"von": "2026-06-01", "bis": "2026-12-01"})
    assert "Von der Idee zum Projekt" in page_text(short.text), "a short period is built at once"

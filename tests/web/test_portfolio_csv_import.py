"""CSV import over HTTP: upload shows a preview and writes nothing; confirm writes all rows or none;
bad files come back with every error and its line; forged or stale previews write nothing."""

import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ActionField, BudgetLine, Project
from app.portfolio import imports
from tests.factories import create_user, damaged
from tests.helpers import page_text, upload_csv


@pytest.fixture
def staff(app, reference, auth):
    create_user("sg@example.com", roles=("steering",))
    db.session.commit()
    auth.login("sg@example.com")




def _token(html: str) -> str:
    match = re.search(r'<input id="token" name="token" type="hidden" value="([^"]+)">', html)
    assert match, "no confirm form on the page"
    return match.group(1)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Project))


def test_upload_shows_a_preview_and_confirm_writes_it(client, staff):
    page = client.get("/portfolio/csv-import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    preview = upload_csv(client, "Code;Titel;Themenfeld;Status\nP2;Neuer Titel;Mobilität;in Umsetzung\n;Bürger-WLAN;Verwaltung;\n")
    assert preview.status_code == 200
    text = page_text(preview.text)
    assert "1 neu, 1 geändert, 0 unverändert" in text
    assert "Status: geplant → in Umsetzung" in text
    assert "Noch ist nichts gespeichert." in text
    assert _count() == 28
    confirmed = client.post("/portfolio/csv-import/bestaetigen", data={"token": _token(preview.text)})
    assert confirmed.status_code == 302
    assert "Importiert: P2, P29." in page_text(client.get(confirmed.headers["Location"]).text)
    assert db.session.scalar(select(Project.title).where(Project.number == 29)) == "Bürger-WLAN"
    assert db.session.scalar(select(Project.status).where(Project.number == 2)) == "in_progress"


def test_a_bad_file_shows_every_error_with_its_line_and_saves_nothing(client, staff):
    response = upload_csv(client, "Code;Titel;Themenfeld;Status\nP99;x;Mobilität;\n;ok;Mobilität;\n;y;Raumfahrt;bald\n")
    assert response.status_code == 422
    text = page_text(response.text)
    assert "Die Datei hat 3 Fehler. Nichts wurde gespeichert." in text
    assert "Zeile 2: Ein Projekt mit dem Code „P99“ gibt es nicht." in text
    assert "Zeile 4: Ein Themenfeld „Raumfahrt“ gibt es nicht." in text
    assert "Zeile 4: Status „bald“" in text
    assert 'href="#zeile-4"' in response.text and 'id="zeile-4"' in response.text
    assert "Import bestätigen" not in text
    assert "Korrigierte Datei hochladen" in text
    assert _count() == 28


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (None, None, "Bitte wählen Sie eine CSV-Datei."),
        (b"Titel;Themenfeld\n", "portfolio.exe", "Bitte wählen Sie eine CSV-Datei (.csv)."),
        (b"Titel;Themenfeld\n" + b"x" * (imports.MAX_BYTES + 1), "gross.csv", "Die Datei ist größer als 200 KB."),
        (b"\x81\x8d", "kaputt.csv", "Die Datei lässt sich nicht lesen."),
    ],
)
def test_upload_form_errors_come_back_beside_the_field(client, staff, data, name, message):
    form = {"kind": "budget"}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    response = client.post("/portfolio/csv-import", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in page_text(response.text)
    assert 'id="file-error"' in response.text
    assert re.search(r'<input checked id="kind-1" name="kind" required type="radio" value="budget">', response.text)  # the choice is kept


def test_a_forged_or_damaged_token_writes_nothing(client, staff):
    preview = upload_csv(client, "Titel;Themenfeld\nNeu;Mobilität\n")
    token = _token(preview.text)
    response = client.post("/portfolio/csv-import/bestaetigen", data={"token": damaged(token)})
    assert response.status_code == 422
    assert "Die Vorschau ist abgelaufen." in page_text(response.text)
    assert _count() == 28


def test_confirm_refuses_when_the_portfolio_changed_since_the_preview(client, staff):
    preview = upload_csv(client, "Code;Titel;Themenfeld\nP3;Anderer Titel;Mobilität\n")
    project = db.session.scalar(select(Project).where(Project.number == 3))
    project.title = "Anderer Titel"  # someone else did the same meanwhile
    db.session.commit()
    response = client.post("/portfolio/csv-import/bestaetigen", data={"token": _token(preview.text)})
    assert response.status_code == 409
    text = page_text(response.text)
    assert "Das Portfolio hat sich seit der Vorschau geändert." in text
    assert "Themenfeld: Verwaltung → Mobilität" in text and "Titel:" not in text  # the new preview shows what is left to do
    assert db.session.scalar(select(ActionField.slug).join(Project, Project.action_field_id == ActionField.id).where(Project.number == 3)) == "verwaltung"


def test_an_exported_portfolio_changes_nothing(client, staff):
    exported = client.get("/portfolio/export.csv").data
    response = upload_csv(client, exported)
    assert response.status_code == 200
    text = page_text(response.text)
    assert "0 neu, 0 geändert, 28 unverändert" in text
    assert "Die Datei ändert nichts." in text
    assert "Import bestätigen" not in text
    assert "Diese Spalten werden nicht gelesen: Ursprungsideen, Budget in Euro." in text


def test_budget_round_trip_export_edit_import(client, staff):
    project = db.session.scalar(select(Project).where(Project.number == 7))
    project.budget_lines.append(BudgetLine(label="Sensoren", year=2027, kind="investiv", amount=Decimal("10000.00")))
    db.session.commit()
    exported = client.get("/portfolio/budget/export.csv").data.decode("utf-8-sig")
    assert "10000,00" in exported
    # Code;Projekt;Themenfeld;Im Förderantrag;Budgetposten;Jahr;Phase;Freigabestatus;Art;Betrag;Förderquote;Förderung;Drittmittel;Eigenanteil
    edited = exported.replace("10000,00", "12.345,67") + "P7;;;;Wartung;2028;A;bewilligt;konsumtiv;2000;50;;300;\r\n"
    preview = upload_csv(client, edited.encode("utf-8-sig"), kind="budget")
    assert preview.status_code == 200, page_text(preview.text)
    text = page_text(preview.text)
    assert "P7" in text and "10.000,00 €" in text and "14.345,67 €" in text
    client.post("/portfolio/csv-import/bestaetigen", data={"token": _token(preview.text)})
    lines = db.session.scalars(select(BudgetLine).where(BudgetLine.project_id == project.id).order_by(BudgetLine.year)).all()
    assert [(b.label, b.amount, b.funding_rate) for b in lines] == [("Sensoren", Decimal("12345.67"), Decimal("65.00")), ("Wartung", Decimal("2000.00"), Decimal("50.00"))]
    assert [(b.phase, b.release_status, b.third_party) for b in lines] == [("B", "geplant", Decimal("0.00")), ("A", "bewilligt", Decimal("300.00"))]
    assert "14.345,67 €" in page_text(client.get("/portfolio/P7").text)


def test_the_portfolio_links_editors_to_the_import(client, staff):
    assert "/portfolio/csv-import" in client.get("/portfolio").text


def test_anonymous_readers_see_no_import_link(client, reference):
    assert "/portfolio/csv-import" not in client.get("/portfolio").text


def test_the_largest_file_fits_into_the_confirm_request(app, staff):
    """The confirm form carries the file again; even the least compressible text of MAX_BYTES
    (random printable ASCII) must stay below MAX_CONTENT_LENGTH, or confirming would be a 413."""
    import random
    import string

    rng = random.Random(1)
    text = "".join(rng.choice(string.printable) for _ in range(imports.MAX_BYTES))
    with app.test_request_context():
        token = imports.sign(imports.Preview(imports.PROJECTS), text, "x" * 255 + ".csv")
    assert len(token) + 1024 < app.config["MAX_CONTENT_LENGTH"]  # 1 KiB for the CSRF token and field names


def test_a_cell_with_a_line_break_becomes_a_one_line_title(client, staff):
    """An Excel cell with Alt+Enter: the title (later a mail subject) is one line; long texts keep theirs."""
    preview = upload_csv(client, 'Code;Titel;Themenfeld;Beschreibung;Verantwortliche Stelle\n;"Bürger-\r\nWLAN  im\nKreis";Verwaltung;"Absatz eins\n\nAbsatz zwei";"Kreis-\nentwicklung"\n')
    assert preview.status_code == 200
    assert client.post("/portfolio/csv-import/bestaetigen", data={"token": _token(preview.text)}).status_code == 302
    project = db.session.scalar(select(Project).where(Project.number == 29))
    assert project.title == "Bürger- WLAN im Kreis"
    assert project.responsible_body == "Kreis- entwicklung"
    assert project.description == "Absatz eins\n\nAbsatz zwei"

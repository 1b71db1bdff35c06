"""The funding frame of the Smart-Cities call (issue #35): budget lines with phase, release status and
third-party money; projects marked as part of the funding application; the call's limits as the
administration's settings, with warnings (and by how much) in the budget overview and its export."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.exports import read_csv
from app.extensions import db
from app.models import AuditEntry, BudgetLine, FundingCall, Project
from tests.factories import create_user
from tests.helpers import page_text

D = Decimal
LINE = {"label": "Sharing-Stationen", "year": "2027", "kind": "investiv", "amount": "1.000,00", "funding_rate": "65", "phase": "B",
        "release_status": "beantragt"}


@pytest.fixture
def people(app, reference):
    create_user("sg@example.com", roles=("steering",))
    create_user("admin@example.com", roles=("admin",))
    db.session.commit()


def _project(number: int) -> Project:
    return db.session.scalar(select(Project).where(Project.number == number))


def test_third_party_money_above_half_the_own_share_is_refused_beside_the_field(client, auth, people):
    auth.login("sg@example.com")
    refused = client.post("/portfolio/P19/budget/neu", data={**LINE, "third_party": "175,01"})
    assert refused.status_code == 422
    text = page_text(refused.text)
    assert "Drittmittel dürfen den Eigenanteil um höchstens die Hälfte verringern: hier höchstens 175,00 € (0,01 € weniger)." in text
    assert 'value="175,01"' in refused.text and 'value="Sharing-Stationen"' in refused.text
    wrong = client.post("/portfolio/P19/budget/neu", data={**LINE, "third_party": "viel", "phase": "C", "release_status": "vielleicht"})
    assert wrong.status_code == 422
    assert "Bitte geben Sie den Betrag als Zahl an" in page_text(wrong.text)
    assert client.post("/portfolio/P19/budget/neu", data={**LINE, "third_party": "175,00", "phase": "A"}).status_code == 302
    line = db.session.scalar(select(BudgetLine))
    assert (line.phase, line.release_status, line.third_party) == ("A", "beantragt", D("175.00"))
    page = page_text(client.get("/portfolio/P19").text)
    assert "Phase A (Strategie), beantragt" in page
    assert "650,00 € 175,00 € 175,00 €" in page  # funding, third-party money, own share
    edit = client.get(f"/portfolio/P19/budget/{line.id}")
    assert 'value="175,00"' in edit.text


def test_the_administration_sets_the_calls_limits_and_bad_input_comes_back(client, auth, people):
    auth.login("admin@example.com")
    form = client.get("/verwaltung/foerderaufruf")
    assert form.status_code == 200
    assert 'value="15000000,00"' in form.text and 'value="65"' in form.text and 'value="2021-03-14"' in form.text
    bad = client.post("/verwaltung/foerderaufruf", data={"name": "Smart Cities", "max_amount": "fünfzehn Millionen", "max_years": "0",
                                                         "funding_rate": "120", "application_deadline": "2027-05-01",
                                                         "resolutions_deadline": "2027-04-01"})
    assert bad.status_code == 422
    text = page_text(bad.text)
    assert "Bitte geben Sie den Betrag als Zahl an" in text
    assert "Bitte eine Zahl von 1 bis 20." in text
    assert "Bitte geben Sie die Förderquote in Prozent an, zwischen 0 und 100." in text
    assert "Die Frist für die politischen Beschlüsse kann nicht vor der Bewerbungsfrist liegen." in text
    assert 'value="fünfzehn Millionen"' in bad.text and 'value="Smart Cities"' in bad.text
    good = client.post("/verwaltung/foerderaufruf", data={"name": "Modellprojekte Smart Cities, Staffel 2", "max_amount": "10.000.000",
                                                          "max_years": "3", "funding_rate": "65", "application_deadline": "2027-05-01",
                                                          "resolutions_deadline": "2027-06-01"})
    assert good.status_code == 303
    call = db.session.get(FundingCall, 1)
    assert (call.max_amount, call.max_years, call.name) == (D("10000000.00"), 3, "Modellprojekte Smart Cities, Staffel 2")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "funding_call.edit"))
    assert entry.after["max_amount"] == "10000000.00"
    log = page_text(client.get("/verwaltung/protokoll").text)
    assert "Hat die Grenzen des Förderaufrufs geändert" in log and "Höchstgrenze je Antrag" in log
    unchanged = client.post("/verwaltung/foerderaufruf", data={"name": "Modellprojekte Smart Cities, Staffel 2", "max_amount": "10000000,00",
                                                               "max_years": "3", "funding_rate": "65,0", "application_deadline": "2027-05-01",
                                                               "resolutions_deadline": "2027-06-01"}, follow_redirects=True)
    assert "Nichts geändert." in page_text(unchanged.text)


def test_the_overview_and_its_export_warn_when_the_application_exceeds_the_call(client, auth, people):
    auth.login("admin@example.com")
    assert "Noch ist kein Projekt als Teil des Förderantrags markiert" in page_text(client.get("/portfolio/budget").text)
    for number, year, amount in ((19, 2022, "9000000.00"), (15, 2026, "6500000.50")):
        project = _project(number)
        project.in_application = True
        db.session.add(BudgetLine(project=project, label=f"Antrag {number}", year=year, kind="investiv", amount=D(amount), release_status="beantragt"))
    db.session.add(BudgetLine(project=_project(5), label="Nicht im Antrag", year=2030, kind="investiv", amount=D("1000000.00")))
    db.session.commit()
    text = page_text(client.get("/portfolio/budget").text)
    assert "Der Förderantrag überschreitet die Grenzen des Aufrufs" in text
    assert ("Der Antrag umfasst 15.500.000,50 €, 500.000,50 € mehr als die Höchstgrenze des Aufrufs von 15.000.000,00 € je Antrag." in text)
    assert "Seine Budgetposten reichen über 5 Jahre, 1 Jahr mehr als der Förderzeitraum des Aufrufs von höchstens 4 Jahren." in text
    assert "Bewerbungsfrist" in text and "erst geplant" not in text  # every line in the application is applied for
    assert "P19" in text and "Förderantrag: 15.500.000,50 €" in text

    csv = client.get("/portfolio/budget/export.csv").data.decode("utf-8-sig")
    first, second = csv.splitlines()[:2]
    assert first.replace("\xa0", " ").startswith("Achtung: Der Antrag umfasst 15.500.000,50 €")
    assert second.startswith("Achtung: Seine Budgetposten reichen über 5 Jahre")
    header, rows = read_csv(csv)
    assert header[:4] == ["Code", "Projekt", "Themenfeld", "Im Förderantrag"] and len(rows) == 3, "the notes are not read as the header"
    sheet = load_workbook(io.BytesIO(client.get("/portfolio/budget/export.xlsx").data)).active
    assert sheet["A1"].value.startswith("Achtung: Der Antrag umfasst") and sheet["A4"].value == "Code" and sheet.freeze_panes == "A5"

    line = db.session.scalar(select(BudgetLine).where(BudgetLine.label == "Antrag 15"))
    line.amount, line.year = D("5000000.00"), 2025
    db.session.commit()
    text = page_text(client.get("/portfolio/budget").text)
    assert "überschreitet" not in text and "Der Antrag hält die Grenzen des Aufrufs ein." in text
    assert not client.get("/portfolio/budget/export.csv").data.decode("utf-8-sig").startswith("Achtung")


def test_a_project_is_marked_as_part_of_the_application_on_its_edit_page(client, auth, people):
    auth.login("sg@example.com")
    form = client.get("/portfolio/P19/bearbeiten")
    assert 'name="in_application"' in form.text
    project = _project(19)
    data = {"title": project.title, "action_field_id": str(project.action_field_id), "municipality_id": str(project.municipality_id or ""),
            "priority_group": project.priority_group or "", "status": project.status, "in_application": "y"}
    assert client.post("/portfolio/P19/bearbeiten", data=data).status_code == 302
    assert _project(19).in_application is True
    assert "Teil des Förderantrags" in page_text(client.get("/portfolio/P19").text)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "project.edit").order_by(AuditEntry.id.desc())).first()
    assert entry.after == {"in_application": True}

"""Exports: CSV (UTF-8 BOM, semicolons) and XLSX round trips; no hidden items or personal data in public files."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.exports import Table, to_csv, to_xlsx
from app.extensions import db
from app.models import ActionField, Project
from app.moderation import services as moderation
from app.portfolio import services
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import csv_rows, picture


def test_csv_is_utf8_with_bom_semicolons_and_decimal_commas():
    table = Table("T", ["Titel", "Betrag"], [["Bürgerbus; „digital“", Decimal("4150000.50")], ["=HYPERLINK(1)", None]])
    data = to_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Titel;Betrag"
    assert '"Bürgerbus; „digital“";4150000,50' in text
    assert "'=HYPERLINK(1);" in text  # never a formula
    assert csv_rows(data) == [{"Titel": "Bürgerbus; „digital“", "Betrag": "4150000,50"}, {"Titel": "'=HYPERLINK(1)", "Betrag": ""}]


def test_xlsx_keeps_numbers_as_numbers():
    table = Table("Budget", ["Titel", "Betrag", "Jahr"], [["Ü-Projekt", Decimal("0.10"), 2027]])
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet.title == "Budget"
    assert [c.value for c in sheet[1]] == ["Titel", "Betrag", "Jahr"]
    assert [c.value for c in sheet[2]] == ["Ü-Projekt", 0.1, 2027]


@pytest.fixture
def portfolio(app, reference):
    author = create_user("autorin@example.com", display_name="Erika Mustermann")
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",))
    shown = advance_idea(make_idea(author, "Sichtbare Idee"), "in_review", "candidate", "shortlisted", moderator=moderator, steering=steering)
    hidden = advance_idea(make_idea(author, "Verborgene Idee"), "in_review", "candidate", "shortlisted", moderator=moderator, steering=steering)
    field_id = db.session.scalar(select(ActionField.id).where(ActionField.slug == "mobilitaet"))
    budget = services.BudgetInput("Räder", 2027, "investiv", Decimal("1234.56"))
    services.import_into_portfolio(steering, [services.ProjectPlan([shown.id, hidden.id], services.ProjectData("Räder für alle", field_id), budget)])
    moderation.hide_item(hidden, moderator, "Wird geprüft")
    db.session.commit()
    return {"shown": shown, "hidden": hidden}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_portfolio_export_round_trip(client, portfolio, fmt):
    response = client.get(f"/portfolio/export.{fmt}")
    assert response.headers["Content-Type"] == ("text/csv; charset=utf-8" if fmt == "csv" else
                                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    if fmt == "csv":
        rows = csv_rows(response.data)
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == db.session.query(Project).count() == 29
    p29 = rows[-1]
    assert p29["Code"] == "P29" and p29["Titel"] == "Räder für alle" and p29["Themenfeld"] == "Mobilität"
    assert f"#{portfolio['shown'].id} Sichtbare Idee" in p29["Ursprungsideen"]
    assert "Verborgene Idee" not in p29["Ursprungsideen"]
    assert str(p29["Budget in Euro"]).replace(",", ".") in ("1234.56",)
    content = response.data if fmt == "csv" else str(rows).encode()
    assert "Erika".encode() not in content and b"@example.com" not in content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_budget_export_matches_the_lines(client, portfolio, fmt):
    response = client.get(f"/portfolio/budget/export.{fmt}")
    if fmt == "csv":
        (row,) = csv_rows(response.data)
        assert (row["Betrag in Euro"], row["Förderung"], row["Eigenanteil"]) == ("1234,56", "802,46", "432,10")
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        values = [c.value for c in sheet[2]]
        assert values[:9] == ["P29", "Räder für alle", "Mobilität", False, "Räder", 2027, "B", "geplant", "investiv"]
        assert values[9:] == [1234.56, 65, 802.46, 0, 432.1]


def test_staff_idea_export_has_counts_scores_and_marks_hidden(client, auth, portfolio):
    create_user("admin@example.com", roles=("admin",))
    assert client.get("/moderation/ideen/export.csv").status_code == 302  # anonymous: log in first
    auth.login("admin@example.com")
    moderation_export = client.get("/moderation/ideen/export.csv")
    assert moderation_export.headers["Content-Type"] == "text/csv; charset=utf-8", "the charset named once"
    rows = csv_rows(moderation_export.data)
    by_title = {r["Titel"]: r for r in rows}
    assert by_title["Verborgene Idee"]["Verborgen"] == "ja" and by_title["Sichtbare Idee"]["Verborgen"] == "nein"
    assert by_title["Sichtbare Idee"]["Projekt"] == "P29" and by_title["Sichtbare Idee"]["Unterstützungen"] == "0"
    assert "Erika" not in str(rows)


def test_staff_idea_export_lists_each_pictures_address_and_description(client, auth, reference):
    from app.ideas import images

    author = create_user("autorin@example.com")
    idea = make_idea(author, "Idee mit Bild")
    image = images.add_image(idea, author, picture("PNG", size=(640, 480)), "Eine Bank am Markt")
    db.session.commit()
    create_user("admin@example.com", roles=("admin",))
    auth.login("admin@example.com")
    [row] = csv_rows(client.get("/moderation/ideen/export.csv").data)
    assert row["Bilder"] == f"http://localhost/ideen/bilder/{image.file_key}-640.webp (Eine Bank am Markt)"

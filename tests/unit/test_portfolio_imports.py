"""CSV import of projects and budget lines: the preview checks every row (with line numbers) and
writes nothing; apply writes all rows through the services; a failure leaves nothing behind."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput, NotAllowed
from app.exports import to_csv
from app.extensions import db
from app.models import ActionField, AuditEntry, BudgetLine, Counter, Project
from app.portfolio import exports, imports, services
from tests.factories import create_user, damaged

HEADER = "Code;Titel;Themenfeld;Prioritätsgruppe;Status;Federführende Kommune"


@pytest.fixture
def staff(app, reference):
    return create_user("admin@example.com", roles=("admin",))


def _project(number: int) -> Project:
    return db.session.scalar(select(Project).where(Project.number == number))


def _projects_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Project))


def test_preview_sorts_rows_into_new_changed_and_unchanged_and_writes_nothing(staff):
    p1 = _project(1)
    text = "\n".join(
        [
            HEADER,
            f"P1;{p1.title};{p1.action_field.name};I;geplant;kreisweit",
            "P2;Neuer Titel für P2;Mobilität;II;in Umsetzung;Dülmen",
            ";Digitale Bürgersprechstunde;Verwaltung;;;Nottuln",
        ]
    )
    result = imports.preview(imports.PROJECTS, text)
    assert result.ok, result.errors
    assert [(r.line, r.code, r.action) for r in result.rows] == [(2, "P1", "unchanged"), (3, "P2", "update"), (4, "", "create")]
    changed = dict((name, (before, after)) for name, before, after in result.rows[1].changes)
    assert changed["Titel"][1] == "Neuer Titel für P2"
    assert changed["Themenfeld"][1] == "Mobilität"
    assert changed["Status"] == ("geplant", "in Umsetzung")
    assert changed["Federführende Kommune"] == ("kreisweit", "Dülmen")
    assert changed["Prioritätsgruppe"][1] == "Priorität II"
    assert result.has_changes
    db.session.rollback()
    assert _project(2).title != "Neuer Titel für P2"
    assert _projects_count() == 28


def test_every_error_comes_with_its_line_number(staff):
    text = "\n".join(
        [
            HEADER + ";Beschreibung",
            'P99;Gibt es nicht;Mobilität;;;;',
            ';"Titel über\nzwei Zeilen";Raumfahrt;;;;',  # lines 3-4
            "",
            "P3;Doppelt;Mobilität;;;;",  # line 6
            "P3;Doppelt;Mobilität;;;;",
            ";;Mobilität;;;;",
            ";Falscher Status;Mobilität;IV;vielleicht;;",
            ";Falsche Kommune;Mobilität;;;Atlantis;",
            ";" + "x" * 201 + ";Mobilität;;;;",
        ]
    )
    result = imports.preview(imports.PROJECTS, text)
    assert not result.ok
    lines = {}
    for line, message in result.errors:
        lines[line] = lines.get(line, "") + message
    assert sorted(lines) == [2, 3, 7, 8, 9, 10, 11]
    assert "„P99“ gibt es nicht" in lines[2]
    assert "Themenfeld „Raumfahrt“" in lines[3]
    assert "P3 steht schon in Zeile 6" in lines[7]
    assert "Titel" in lines[8]
    assert "Prioritätsgruppe „IV“" in lines[9] and "Status „vielleicht“" in lines[9]  # a row reports all its problems
    assert "Atlantis" in lines[10]
    assert "200 Zeichen" in lines[11]
    assert [r.action for r in result.rows if r.line == 6] == ["update"]
    with pytest.raises(InvalidInput):
        imports.apply(result, staff)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Die Datei ist leer."),
        ("Code;Titel\nP1;x", "Die Spalte „Themenfeld“ fehlt."),
        ("Titel;Themenfeld;Titel\nx;Mobilität;y", "Die Spalte „Titel“ kommt zweimal vor."),
        ("Titel;Themenfeld\n;\n", "Die Datei hat unter der Kopfzeile keine Zeilen."),
    ],
)
def test_problems_with_the_whole_file(staff, text, message):
    result = imports.preview(imports.PROJECTS, text)
    assert result.errors == [(None, message)]


def test_too_many_rows(staff):
    text = "Titel;Themenfeld\n" + "Projekt;Mobilität\n" * (imports.MAX_ROWS + 1)
    assert imports.preview(imports.PROJECTS, text).errors == [(None, f"Die Datei hat mehr als {imports.MAX_ROWS} Zeilen. Bitte teilen Sie sie auf.")]


def test_english_headers_commas_any_case_and_other_columns(staff):
    text = "TITLE,action field,Origin ideas,Notizen\nSmart Parking,mobilitaet,#1,egal\n"
    result = imports.preview(imports.PROJECTS, text)
    assert result.ok, result.errors
    assert result.ignored_columns == ["Origin ideas", "Notizen"]
    assert result.rows[0].data.title == "Smart Parking"


def test_decode_reads_utf8_with_bom_and_windows_1252():
    assert imports.decode("\ufeffTitel;Kommune\nA;Lüdinghausen".encode()) == "Titel;Kommune\nA;Lüdinghausen"
    assert imports.decode("Titel;Kommune\nA;Lüdinghausen".encode("cp1252")) == "Titel;Kommune\nA;Lüdinghausen"
    with pytest.raises(InvalidInput):
        imports.decode(b"\x81\x8d\x8f")


def test_apply_creates_and_updates_with_history_and_audit(staff):
    text = "\n".join(
        [
            HEADER + ";Ziele",
            "P2;Neuer Titel für P2;Mobilität;II;in Umsetzung;Dülmen;Mehr Busse",
            ";Digitale Bürgersprechstunde;Verwaltung;;;Nottuln;",
        ]
    )
    result = imports.preview(imports.PROJECTS, text)
    assert imports.apply(result, staff) == ["P2", "P29"]
    db.session.commit()
    p2, p29 = _project(2), _project(29)
    assert (p2.title, p2.status, p2.priority_group, p2.municipality.name, p2.goals) == ("Neuer Titel für P2", "in_progress", "II", "Dülmen", "Mehr Busse")
    assert p2.status_changes[-1].reason == "CSV-Import"
    assert (p29.title, p29.action_field.slug, p29.municipality.name, p29.status, p29.ideas) == ("Digitale Bürgersprechstunde", "verwaltung", "Nottuln", "planned", [])
    assert [c.to_status for c in p29.status_changes] == ["planned"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["project.edit", "project.create"]


def test_a_missing_column_keeps_the_projects_value(staff):
    p5 = _project(5)
    p5.responsible_body, p5.goals = "Schulamt", "Alle Schulen digital"
    db.session.commit()
    result = imports.preview(imports.PROJECTS, f"Code;Titel;Themenfeld\nP5;Lernen neu;{p5.action_field.name}")
    imports.apply(result, staff)
    db.session.commit()
    assert (p5.title, p5.responsible_body, p5.goals, p5.priority_group, p5.status) == ("Lernen neu", "Schulamt", "Alle Schulen digital", None, "planned")


def test_the_portfolio_export_imports_as_unchanged(app, staff):
    with app.test_request_context():
        text = to_csv(exports.portfolio_table()).decode("utf-8-sig")
    result = imports.preview(imports.PROJECTS, text)
    assert result.ok, result.errors
    assert {r.action for r in result.rows} == {"unchanged"}
    assert not result.has_changes
    assert "Ursprungsideen" in result.ignored_columns


def test_all_or_nothing_when_a_row_fails_while_writing(staff):
    extra = ActionField(slug="extra", name="Extra", position=99)
    db.session.add(extra)
    db.session.commit()
    result = imports.preview(imports.PROJECTS, "Titel;Themenfeld\nErstes;Mobilität\nZweites;Extra")
    assert result.ok
    db.session.delete(extra)  # gone between preview and confirm
    db.session.commit()
    with pytest.raises(InvalidInput):
        imports.apply(result, staff)
    db.session.rollback()
    assert _projects_count() == 28
    assert db.session.scalar(select(Counter.value).where(Counter.name == services.PROJECT_NUMBER)) in (None, 28)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_only_project_editors_may_apply(app, reference):
    moderator = create_user("mod@example.com", roles=("moderator",))
    result = imports.preview(imports.PROJECTS, "Titel;Themenfeld\nErstes;Mobilität")
    with pytest.raises(NotAllowed):
        imports.apply(result, moderator)


# Budget lines -------------------------------------------------------------------

BUDGET_HEADER = "Code;Budgetposten;Jahr;Art;Betrag in Euro;Förderquote in Prozent"


def test_budget_lines_replace_those_of_the_projects_in_the_file(staff):
    p1, p2 = _project(1), _project(2)
    p1.budget_lines.append(BudgetLine(label="Alt", year=2026, kind="investiv", amount=Decimal("1000.00")))
    p2.budget_lines.append(BudgetLine(label="Bleibt", year=2026, kind="investiv", amount=Decimal("500.00")))
    db.session.commit()
    text = "\n".join(
        [
            BUDGET_HEADER + ";Förderung",
            "P1;Server;2027;investiv;12.500,00;65;egal",
            "p1;Schulungen;2028;Konsumtiv;4150000,5;72,5;",
            "P3;Beratung;2027;konsumtiv;800;;",
        ]
    )
    result = imports.preview(imports.BUDGET, text)
    assert result.ok, result.errors
    assert result.ignored_columns == ["Förderung"]
    change_p1, change_p3 = result.budget_changes
    assert (change_p1.project.code, change_p1.before_count, change_p1.before_total, change_p1.after_total) == ("P1", 1, Decimal("1000.00"), Decimal("4162500.50"))
    assert (change_p3.project.code, change_p3.before_count, change_p3.after_total) == ("P3", 0, Decimal("800.00"))
    assert imports.apply(result, staff) == ["P1", "P3"]
    db.session.commit()
    assert [(b.label, b.year, b.kind, b.amount, b.funding_rate) for b in _project(1).budget_lines] == [
        ("Server", 2027, "investiv", Decimal("12500.00"), Decimal("65.00")),
        ("Schulungen", 2028, "konsumtiv", Decimal("4150000.50"), Decimal("72.50")),
    ]
    assert [b.label for b in _project(2).budget_lines] == ["Bleibt"]
    assert [b.funding_rate for b in _project(3).budget_lines] == [Decimal("65.00")]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "project.budget").order_by(AuditEntry.id)).first()
    assert entry.before == {"lines": [{"label": "Alt", "year": 2026, "kind": "investiv", "amount": "1000.00", "funding_rate": "65.00",
                                       "phase": "B", "release_status": "geplant", "third_party": "0.00"}]}


def test_budget_errors_with_line_numbers(staff):
    text = "\n".join(
        [
            BUDGET_HEADER,
            ";Ohne Code;2027;investiv;100;",
            "P77;Unbekannt;2027;investiv;100;",
            "P1;;2027;investiv;100;",
            "P1;Jahr;zwanzig;investiv;100;",
            "P1;Jahr;1999;investiv;100;",
            "P1;Art;2027;beides;100;",
            "P1;Betrag;2027;investiv;12,345;",
            "P1;Betrag;2027;investiv;-5;",
            "P1;Quote;2027;investiv;100;120",
            "P1;;1999;beides;x;",
        ]
    )
    result = imports.preview(imports.BUDGET, text)
    lines = dict(result.errors)
    assert sorted(lines) == list(range(2, 12))
    assert len([line for line, _message in result.errors if line == 11]) == 4  # label, year, kind, amount
    assert "Code des Projekts" in lines[2]
    assert "„P77“ gibt es nicht" in lines[3]
    assert "Budgetposten" in lines[4]
    assert "Jahr „zwanzig“" in lines[5]
    assert "zwischen 2000 und 2100" in lines[6]
    assert "Art „beides“" in lines[7]
    assert "zwei Nachkommastellen" in lines[8]
    assert "Zahl" in lines[9]
    assert "Förderquote" in lines[10]


def test_the_budget_export_imports_as_unchanged(app, staff):
    p4 = _project(4)
    p4.budget_lines.append(BudgetLine(label="Plattform", year=2027, kind="konsumtiv", amount=Decimal("99999.99"), funding_rate=Decimal("72.50")))
    db.session.commit()
    with app.test_request_context():
        text = to_csv(exports.budget_table()).decode("utf-8-sig")
    result = imports.preview(imports.BUDGET, text)
    assert result.ok, result.errors
    assert [c.changed for c in result.budget_changes] == [False]
    assert not result.has_changes
    assert imports.apply(result, staff) == []


def test_the_token_carries_the_file_and_refuses_forgeries(app, staff):
    result = imports.preview(imports.PROJECTS, "Titel;Themenfeld\nErstes;Mobilität")
    token = imports.sign(result, "Titel;Themenfeld\nErstes;Mobilität", "datei.csv")
    carried = imports.unsign(token)
    assert (carried.kind, carried.text, carried.filename, carried.fingerprint) == ("projekte", "Titel;Themenfeld\nErstes;Mobilität", "datei.csv", result.fingerprint())
    assert imports.unsign(damaged(token)) is None
    assert imports.unsign("") is None

"""Tables for download: CSV (UTF-8 with BOM, semicolons, decimal commas: German Excel opens it
cleanly) and Excel (.xlsx via openpyxl, numbers as numbers). Also reads such CSV files back
(read_csv; the portfolio's CSV import checks what it reads, app/portfolio/imports.py).

What goes into a table is decided by the area that owns the data (e.g.
app/portfolio/exports.py); this module only writes and reads the formats.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.security import strip_control_characters

BOM = "\ufeff"
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# Text starting with these would run as a formula in a spreadsheet program; CSV also guards tab and CR.
FORMULA_STARTS = ("=", "+", "-", "@")
CSV_FORMULA_STARTS = (*FORMULA_STARTS, "\t", "\r")


@dataclass
class Table:
    title: str  # the sheet name (at most 31 characters in Excel)
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # Warnings a reader must see first (the call's limits exceeded): written above the header,
    # each in a row of its own, then an empty row. Only when there are any.
    notes: list[str] = field(default_factory=list)


def _note_rows(table: Table) -> list[list[str]]:
    return [*([note] for note in table.notes), []] if table.notes else []


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    # Also before apostrophes that precede a formula start, so from_csv_text gives back exactly this text.
    return "'" + text if text.lstrip("'")[:1] in CSV_FORMULA_STARTS and text else text


def _as_text(text: str, formula_starts: tuple[str, ...]) -> str:
    """Text that a spreadsheet program shows as text, never runs as a formula."""
    return "'" + text if text[:1] in formula_starts else text


def from_csv_text(text: str) -> str:
    """Undo exactly what to_csv's formula guard added, so that export → import changes nothing."""
    if text[:1] == "'" and text.lstrip("'")[:1] in CSV_FORMULA_STARTS and text.lstrip("'"):
        return text[1:]
    return text


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([_csv_cell(value) for value in row] for row in _note_rows(table))
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; times are UTC
    if isinstance(value, str):
        # An .xlsx file cannot hold control characters; text stored before they were
        # stripped on the way in (app.security) must not break the download.
        return _as_text(strip_control_characters(value), FORMULA_STARTS)
    return value


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]
    note_rows = _note_rows(table)
    for row in note_rows:
        sheet.append([_xlsx_cell(value) for value in row])
    header_row = len(note_rows) + 1
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([_xlsx_cell(value) for value in row])
    for index, column in enumerate(table.columns, start=1):
        width = max([len(str(column))] + [len(str(row[index - 1] or "")) for row in table.rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
        if any(isinstance(row[index - 1], Decimal) for row in table.rows):
            for cell in sheet[get_column_letter(index)][header_row:]:
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = f"A{header_row + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(table: Table, fmt: str) -> tuple[bytes, str]:
    """The file's bytes and mimetype in the given format (csv or xlsx)."""
    if fmt == "xlsx":
        return to_xlsx(table), XLSX_MIMETYPE
    return to_csv(table), CSV_MIMETYPE


def download(table: Table, name: str, fmt: str):
    """A response that downloads the table as coesfeld-12-0-<name>.<fmt>."""
    data, mimetype = render(table, fmt)
    response = current_app.response_class(data, content_type=mimetype)  # as it is: mimetype= would add a second charset
    response.headers["Content-Disposition"] = f'attachment; filename="coesfeld-12-0-{name}.{fmt}"'
    return response


def read_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """CSV text as to_csv or German Excel writes it (";" or "," separated): the header and the
    rows that are not blank, each with the line it starts on (the header is line 1; a cell may
    span lines). The notes an export writes above its header (Table.notes: rows of one cell, then
    a blank row) are passed over. Raises csv.Error for text that is not CSV."""
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    read = []
    line = 1
    for cells in reader:
        read.append((line, cells))
        line = reader.line_num + 1
    notes = 0
    while notes < len(read) and len(read[notes][1]) == 1:
        notes += 1
    if 0 < notes < len(read) and read[notes][1] == []:
        read = read[notes + 1:]
    header = read[0][1] if read else []
    return header, [(number, cells) for number, cells in read[1:] if any(cell.strip() for cell in cells)]

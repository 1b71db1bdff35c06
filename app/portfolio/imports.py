"""CSV import of portfolio projects and budget lines, for staff.

Two steps, so nothing is written before the person has seen it:

1. `preview(kind, text)` reads the file and checks every row against the
   database. It writes nothing. Every problem comes back with its line number.
2. `apply(preview, actor)` writes the rows through the portfolio services. The view
   commits once, or rolls back on any error: all rows or none.

The columns are those of the exports (app/portfolio/exports.py), so the way
to change many projects at once is: export, edit in a spreadsheet program,
import. Columns the import does not read (Ursprungsideen, Förderung, ...) are
listed in the preview and left alone.

Projects: a row with the code of an existing project (P12) updates it, a row
without a code creates a new project with the next free code. For an update,
a column missing from the file keeps the project's value.

Budget lines: the lines in the file replace all budget lines of each project
named in the file. Projects not in the file keep theirs. Importing an
unchanged budget export therefore changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import reference
from app.errors import InvalidInput
from app.exports import from_csv_text, read_csv
from app.extensions import db
from app.models import Project, User
from app.models.portfolio import (
    BUDGET_KINDS,
    DEFAULT_FUNDING_RATE,
    PHASE_B,
    PLANNED,
    PLANNED_LINE,
    PRIORITY_GROUPS,
    RELEASE_STATUSES,
    YEAR_MIN,
)
from app.portfolio import budgets, labels, services
from app.security import one_line, parse_int, strip_control_characters

PROJECTS, BUDGET = "projekte", "budget"
KINDS = (PROJECTS, BUDGET)
MAX_BYTES = 200 * 1024  # the confirm step carries the file again; MAX_CONTENT_LENGTH is 256 KiB
MAX_ROWS = 1000

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {CREATE: _l("new"), UPDATE: _l("changed"), UNCHANGED: _l("unchanged"), ERROR: _l("error")}


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string; the header as the export writes it
    required: bool = False
    # Only long texts keep their line breaks; every other cell is one line (app.security.one_line):
    # an Excel cell with Alt+Enter must not put a line break into a title, and so into a mail subject.
    multiline: bool = False


PROJECT_COLUMNS = (
    Column("code", _l("Code")),
    Column("title", _l("Title"), required=True),
    Column("action_field", _l("Action field"), required=True),
    Column("priority_group", _l("Priority group")),
    Column("status", _l("Status")),
    Column("municipality", _l("Lead municipality")),
    Column("responsible_body", _l("Responsible body")),
    Column("description", _l("Description"), multiline=True),
    Column("goals", _l("Goals"), multiline=True),
)
BUDGET_COLUMNS = (
    Column("code", _l("Code"), required=True),
    Column("label", _l("Budget line"), required=True),
    Column("year", _l("Year"), required=True),
    Column("kind", _l("Kind"), required=True),
    Column("amount", _l("Amount in euros"), required=True),
    Column("funding_rate", _l("Funding rate in percent")),
    Column("phase", _l("Phase")),
    Column("release_status", _l("Release status")),
    Column("third_party", _l("Third-party money")),
)
COLUMNS = {PROJECTS: PROJECT_COLUMNS, BUDGET: BUDGET_COLUMNS}
# Project fields as the preview names them when a row changes them.
FIELD_LABELS = {
    "title": _l("Title"),
    "action_field_id": _l("Action field"),
    "municipality_id": _l("Lead municipality"),
    "priority_group": _l("Priority group"),
    "description": _l("Description"),
    "goals": _l("Goals"),
    "responsible_body": _l("Responsible body"),
    "status": _l("Status"),
}


@dataclass
class Row:
    """One row of the file: what will happen to it, or why it cannot."""

    line: int  # the line in the file where the row starts (the header is line 1)
    code: str  # the project's code as written, or "" for a new project
    summary: str  # the row in a few words, for the preview table
    action: str = ERROR
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    project: Project | None = None
    data: services.ProjectData | None = None  # projects
    budget: services.BudgetInput | None = None  # budget lines

    def new_project(self) -> services.ProjectData:
        """What a CREATE row writes (set whenever its action is CREATE)."""
        if self.data is None:
            raise InvalidInput(self.summary)
        return self.data

    def project_update(self) -> tuple[Project, services.ProjectData]:
        """The project an UPDATE row changes and what it writes (both set whenever its action is UPDATE)."""
        if self.project is None or self.data is None:
            raise InvalidInput(self.summary)
        return self.project, self.data


@dataclass
class BudgetChange:
    """A project whose budget lines the file replaces."""

    project: Project
    lines: list[services.BudgetInput] = field(default_factory=list)

    @property
    def before_count(self) -> int:
        return len(self.project.budget_lines)

    @property
    def before_total(self) -> Decimal:
        return sum((line.amount for line in self.project.budget_lines), budgets.ZERO)

    @property
    def after_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), budgets.ZERO)

    @property
    def changed(self) -> bool:
        return not services.same_budget(self.project.budget_lines, self.lines)


@dataclass
class Preview:
    kind: str
    rows: list[Row] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    budget_changes: list[BudgetChange] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[int | None, str]]:
        """Every error, as (line, message); line None for the file as a whole."""
        return [(None, message) for message in self.file_errors] + [(row.line, message) for row in self.rows for message in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        if self.kind == BUDGET:
            return any(change.changed for change in self.budget_changes)
        return any(row.action in (CREATE, UPDATE) for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def fingerprint(self) -> str:
        """What the import would do. The confirm step compares it, so it writes only what the person saw."""
        parts = [repr((row.line, row.action, row.code, row.changes)) for row in self.rows]
        parts += [repr((c.project.code, c.before_count, str(c.before_total), c.changed)) for c in self.budget_changes]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# Reading the file -------------------------------------------------------------

def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1252, which German Excel writes for "CSV"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise InvalidInput(_l("The file could not be read. Please save it as CSV (UTF-8).")) from None


def _header_names(column: Column) -> set[str]:
    """The names a column may have in the file: the German header of the export and the English one."""
    names = set()
    for locale in ("de", "en"):
        with force_locale(locale):
            names.add(_norm(str(column.label)))
    return names


def _norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _read(kind: str, text: str, result: Preview) -> list[tuple[int, dict[str, str]]]:
    """The rows as (line, {column key: value}); problems with the file as a whole go to result.file_errors."""
    try:
        header, rows = read_csv(text)
    except csv.Error as error:
        result.file_errors.append(str(_l("The file could not be read as CSV (%(reason)s).", reason=error)))
        return []
    if not any(cell.strip() for cell in header):
        result.file_errors.append(str(_l("The file is empty.")))
        return []
    wanted = {name: column for column in COLUMNS[kind] for name in _header_names(column)}
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        column = wanted.get(_norm(name))
        if column is None:
            if name.strip():
                result.ignored_columns.append(name.strip())
        elif column.key in positions:
            result.file_errors.append(str(_l("The column “%(name)s” appears twice.", name=name.strip())))
        else:
            positions[column.key] = position
    for column in COLUMNS[kind]:
        if column.required and column.key not in positions:
            result.file_errors.append(str(_l("The column “%(name)s” is missing.", name=column.label)))
    if not rows and not result.file_errors:
        result.file_errors.append(str(_l("The file has no rows below the header.")))
    if len(rows) > MAX_ROWS:
        result.file_errors.append(str(_l("The file has more than %(max)d rows. Please split it.", max=MAX_ROWS)))
    if result.file_errors:
        return []
    multiline = {column.key for column in COLUMNS[kind] if column.multiline}
    return [(line, {key: _cell(cells, i, key in multiline) for key, i in positions.items()}) for line, cells in rows]


def _cell(cells: list[str], index: int, multiline: bool) -> str:
    """A cell's text as the forms would take it: trimmed (one line unless `multiline`), without control
    characters, and without the apostrophe the export puts before text that starts like a formula
    (exports.from_csv_text)."""
    if index >= len(cells):
        return ""
    text = strip_control_characters(cells[index])
    return from_csv_text(text.strip() if multiline else one_line(text))


# Checking rows -----------------------------------------------------------------

def preview(kind: str, text: str) -> Preview:
    """Check the whole file against the database. Writes nothing."""
    result = Preview(kind)
    rows = _read(kind, text, result)
    if not rows:
        return result
    projects = {
        p.number: p for p in db.session.scalars(select(Project).options(selectinload(Project.budget_lines)))
    }
    if kind == PROJECTS:
        _check_projects(rows, projects, result)
    else:
        _check_budget(rows, projects, result)
    return result


def _project_for(code: str, projects: dict[int, Project]) -> Project | None:
    number = parse_int(code.upper().removeprefix("P"))
    return projects.get(number) if number is not None else None


class _Lookup:
    """Reference values by the names people write in a spreadsheet (case does not matter)."""

    def __init__(self) -> None:
        self.fields = {}
        for f in reference.action_fields(active_only=False):
            self.fields[_norm(f.name)] = self.fields[_norm(f.slug)] = f
        self.municipalities = {}
        self.district = None
        for m in reference.municipalities():
            self.municipalities[_norm(m.name)] = self.municipalities[_norm(m.slug)] = m
            if m.is_district:
                self.district = m
        self.district_names = {_norm(str(_l("District-wide"))), "kreisweit", "district-wide"}
        self.statuses = {}
        for status, label in labels.PROJECT_STATUS_LABELS.items():
            self.statuses[_norm(status)] = self.statuses[_norm(str(label))] = status
        self.no_priority = {"", "-", "–", _norm(str(labels.NO_PRIORITY_LABEL))}
        self.kinds = {_norm(kind): kind for kind in BUDGET_KINDS}
        self.kinds.update({_norm(str(label)): kind for kind, label in labels.KIND_LABELS.items()})
        self.phases = {}
        for phase, label in labels.PHASE_LABELS.items():
            self.phases[_norm(phase)] = self.phases[_norm(f"Phase {phase}")] = self.phases[_norm(str(label))] = phase
        self.releases = {}
        for status, label in labels.RELEASE_LABELS.items():
            self.releases[_norm(status)] = self.releases[_norm(str(label))] = status

    @property
    def any_field_id(self) -> int:
        """A valid action field, to go on checking a row whose action field is wrong."""
        return next(iter(self.fields.values())).id

    def action_field_id(self, text: str) -> int:
        found = self.fields.get(_norm(text))
        if found is None:
            raise InvalidInput(_l("There is no action field “%(name)s”.", name=text))
        return found.id

    def status(self, text: str) -> str:
        found = self.statuses.get(_norm(text))
        if found is None:
            choices = ", ".join(str(label) for label in labels.PROJECT_STATUS_LABELS.values())
            raise InvalidInput(_l("Status “%(value)s”: please write one of %(choices)s.", value=text, choices=choices))
        return found

    def kind(self, text: str) -> str:
        found = self.kinds.get(_norm(text))
        if found is None:
            raise InvalidInput(_l("Kind “%(value)s”: please write investiv or konsumtiv.", value=text))
        return found

    def phase(self, text: str) -> str:
        found = self.phases.get(_norm(text))
        if found is None:
            raise InvalidInput(_l("Phase “%(value)s”: please write A or B.", value=text))
        return found

    def release_status(self, text: str) -> str:
        found = self.releases.get(_norm(text))
        if found is None:
            choices = ", ".join(RELEASE_STATUSES)
            raise InvalidInput(_l("Release status “%(value)s”: please write one of %(choices)s.", value=text, choices=choices))
        return found

    def municipality_id(self, text: str) -> int | None:
        """The municipality's id; "kreisweit" or empty: the district (None where it has no row)."""
        name = _norm(text)
        if name in self.district_names or not name:
            return self.district.id if self.district else None
        found = self.municipalities.get(name)
        if found is None:
            raise InvalidInput(_l("There is no municipality “%(name)s”.", name=text))
        return found.id

    def priority(self, text: str) -> str | None:
        name = _norm(text)
        if name in self.no_priority:
            return None
        for group in PRIORITY_GROUPS:
            if name in (_norm(group), _norm(labels.priority_label(group))):
                return group
        raise InvalidInput(_l("Priority group “%(value)s”: please write I, II, III or leave it empty.", value=text))


def _check_projects(rows, projects: dict[int, Project], result: Preview) -> None:
    lookup = _Lookup()
    seen_codes: dict[int, int] = {}
    titles = {_norm(p.title): p.code for p in projects.values()}
    for line, values in rows:
        code = values.get("code", "")
        row = Row(line, code, values.get("title", ""))
        result.rows.append(row)
        project = None
        if code:
            project = _project_for(code, projects)
            if project is None:
                row.errors.append(str(_l("There is no project with the code “%(code)s”. Leave the code empty for a new project: it gets the next free code.", code=code)))
                continue
            if project.number in seen_codes:
                row.errors.append(str(_l("%(code)s is already in line %(line)d.", code=project.code, line=seen_codes[project.number])))
                continue
            seen_codes[project.number] = line
            row.code = project.code
        row.project = project
        data = _project_data(values, project, lookup, row.errors)
        if row.errors:
            continue
        row.data = data
        if project is None:
            row.action = CREATE
            if _norm(data.title) in titles:
                row.warnings.append(str(_l("A project with this title exists already: %(code)s.", code=titles[_norm(data.title)])))
        else:
            row.changes = _changes(project, data, lookup)
            row.action = UPDATE if row.changes else UNCHANGED


def _collect(errors: list[str], parse, text: str, fallback):
    """parse(text), or the fallback with the reason added to errors: one row reports all its problems."""
    try:
        return parse(text)
    except InvalidInput as error:
        errors.append(str(error.message))
        return fallback


def _project_data(values: dict[str, str], project: Project | None, lookup: _Lookup, errors: list[str]) -> services.ProjectData:
    """The row as project fields; every problem goes to errors.

    A column missing from the file keeps the project's value (for a new project: the default).
    """
    def keep(key: str, default):
        return getattr(project, key) if project is not None else default

    action_field_id = _collect(errors, lookup.action_field_id, values["action_field"], None)
    status = keep("status", PLANNED)
    if values.get("status"):
        status = _collect(errors, lookup.status, values["status"], status)
    data = services.ProjectData(
        title=values["title"],
        action_field_id=action_field_id or keep("action_field_id", lookup.any_field_id),
        municipality_id=_collect(errors, lookup.municipality_id, values["municipality"], None)
        if "municipality" in values
        else keep("municipality_id", lookup.municipality_id("")),
        priority_group=_collect(errors, lookup.priority, values["priority_group"], None)
        if "priority_group" in values
        else keep("priority_group", None),
        description=values.get("description", keep("description", "")),
        goals=values.get("goals", keep("goals", "")),
        responsible_body=values.get("responsible_body", keep("responsible_body", "")),
        status=status,
    )
    errors.extend(data.problems())
    return data.cleaned() if not errors else data


def _changes(project: Project, data: services.ProjectData, lookup: _Lookup) -> list[tuple[str, str, str]]:
    def shown(key: str, value) -> str:
        if key == "action_field_id":
            return next((f.name for f in lookup.fields.values() if f.id == value), "")
        if key == "municipality_id":
            if value is None or (lookup.district and value == lookup.district.id):
                return str(_l("District-wide"))
            return next((m.name for m in lookup.municipalities.values() if m.id == value), "")
        if key == "priority_group":
            return labels.priority_label(value)
        if key == "status":
            return labels.project_status_label(value)
        return value or ""

    changes = []
    for key in services.PROJECT_FIELDS:
        old, new = getattr(project, key), getattr(data, key)
        if key == "municipality_id" and project.is_district_wide and new == lookup.municipality_id(""):
            continue  # kreisweit stays kreisweit
        if (old or None) != (new or None):
            changes.append((str(FIELD_LABELS[key]), shown(key, old), shown(key, new)))
    return changes


def _check_budget(rows, projects: dict[int, Project], result: Preview) -> None:
    lookup = _Lookup()
    changes: dict[int, BudgetChange] = {}
    for line, values in rows:
        code = values["code"]
        row = Row(line, code, values["label"])
        result.rows.append(row)
        project = _project_for(code, projects) if code else None
        if project is None:
            row.errors.append(
                str(_l("There is no project with the code “%(code)s”.", code=code)) if code else str(_l("Please give the project's code, e.g. P12."))
            )
        else:
            row.code = project.code
            row.project = project
        line_input = _budget_input(values, lookup, row.errors)
        if row.errors or project is None:
            continue
        row.budget = line_input
        row.action = CREATE
        changes.setdefault(project.number, BudgetChange(project)).lines.append(line_input)
    result.budget_changes = sorted(changes.values(), key=lambda change: change.project.number)


def _year(text: str) -> int:
    year = parse_int(text)
    if year is None:
        raise InvalidInput(_l("Year “%(value)s”: please write a year such as 2027.", value=text))
    return year


def _budget_input(values: dict[str, str], lookup: _Lookup, errors: list[str]) -> services.BudgetInput:
    """The row as a budget line; every problem goes to errors (then the placeholders are never written)."""
    rate_text = values.get("funding_rate", "")
    line = services.BudgetInput(
        label=values["label"],
        year=_collect(errors, _year, values["year"], YEAR_MIN),
        kind=_collect(errors, lookup.kind, values["kind"], BUDGET_KINDS[0]),
        amount=_collect(errors, budgets.parse_euros, values["amount"], budgets.ZERO),
        funding_rate=_collect(errors, budgets.parse_rate, rate_text, DEFAULT_FUNDING_RATE) if rate_text else DEFAULT_FUNDING_RATE,
    )
    # Optional columns; empty: Phase B, planned, no third-party money.
    if values.get("phase"):
        line.phase = _collect(errors, lookup.phase, values["phase"], PHASE_B)
    if values.get("release_status"):
        line.release_status = _collect(errors, lookup.release_status, values["release_status"], PLANNED_LINE)
    if values.get("third_party"):
        line.third_party = _collect(errors, budgets.parse_euros, values["third_party"], budgets.ZERO)
    errors.extend(services.budget_problems(line))
    return services.check_budget(line) if not errors else line


# Writing -----------------------------------------------------------------------

def apply(result: Preview, actor: User) -> list[str]:
    """Write a preview without errors. Returns the codes of the projects written.

    Flushes, never commits: the view commits once, or rolls back when this raises.
    """
    services.require_project_editor(actor)
    if not result.ok:
        raise InvalidInput(_l("The file has errors. Nothing was saved."))
    reason = str(_l("CSV import"))
    written = []
    if result.kind == PROJECTS:
        for row in result.rows:
            if row.action == CREATE:
                written.append(services.create_project(actor, row.new_project()).code)
            elif row.action == UPDATE:
                project, data = row.project_update()
                services.edit_project(project, actor, data, reason)
                written.append(project.code)
    else:
        for change in result.budget_changes:
            if services.replace_budget_lines(change.project, actor, change.lines):
                written.append(change.project.code)
    return written


# Carrying the file from the preview to the confirm step ------------------------

TOKEN_MAX_AGE = 3600  # an hour to look at the preview


@dataclass
class Carried:
    kind: str
    text: str
    filename: str
    fingerprint: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="portfolio-csv-import")


def sign(result: Preview, text: str, filename: str) -> str:
    """The checked file, signed (and compressed), for a hidden field of the confirm form."""
    return _serializer().dumps({"kind": result.kind, "text": text, "filename": filename, "fingerprint": result.fingerprint()})


def unsign(token: str) -> Carried | None:
    """The file the preview showed; None when the token is forged, damaged or older than an hour."""
    try:
        data = _serializer().loads(token or "", max_age=TOKEN_MAX_AGE)
        carried = Carried(kind=data["kind"], text=data["text"], filename=data["filename"], fingerprint=data["fingerprint"])
    except (BadSignature, KeyError, TypeError):
        return None
    return carried if carried.kind in KINDS else None

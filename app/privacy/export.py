"""The content of a "Meine Daten" download: every holding of inventory.py, as JSON and as a readable page.

`collect(user)` reads the rows; `write_zip` packs `meine-daten.json` (machine-readable, Art. 20),
`meine-daten.html` (the same, readable, Art. 15) and the pictures on the person's ideas into one file.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.ideas import images
from app.models import ActionField, Base, Criterion, Idea, IdeaImage, Municipality, Project, User, utcnow
from app.privacy import readable
from app.privacy.inventory import HOLDINGS

FORMAT = "coesfeld-ideenplattform-daten/1"
JSON_NAME = "meine-daten.json"
HTML_NAME = "meine-daten.html"
PICTURES = "bilder"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def collect(user: User) -> dict[str, Any]:
    """Everything the platform holds about this account, section by section."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for holding in HOLDINGS:
        table = Base.metadata.tables[holding.table]
        statement = select(*(table.c[name] for name in holding.exported)).where(holding.rows_of(user))
        statement = statement.order_by(*table.primary_key.columns)
        sections[holding.section] = [
            {key: _plain(value) for key, value in row.items()} for row in db.session.execute(statement).mappings()
        ]
    ideas = {row.get(key) for rows in sections.values() for row in rows for key in ("idea_id", "merged_into_id")} - {None}
    projects = {row.get("project_id") for rows in sections.values() for row in rows} - {None}
    return {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "sections": sections,
        # What the ids in the sections stand for.
        "reference": {
            "municipalities": {m.id: m.name for m in db.session.scalars(select(Municipality))},
            "action_fields": {f.id: f.name for f in db.session.scalars(select(ActionField))},
            "criteria": {c.id: c.name for c in db.session.scalars(select(Criterion))},
            "ideas": dict(db.session.execute(select(Idea.id, Idea.title).where(Idea.id.in_(ideas)).order_by(Idea.id)).tuples().all()),
            "projects": {p.id: f"{p.code} {p.title}" for p in db.session.scalars(select(Project).where(Project.id.in_(projects)))},
        },
    }


def render_html(data: dict[str, Any]) -> str:
    """The readable page: German headings, local dates, names instead of ids (readable.py)."""
    titles = {holding.section: holding.title for holding in HOLDINGS}
    sections = {section: readable.table(section, rows, data["reference"]) for section, rows in data["sections"].items()}
    return render_template("privacy/export.html", data=data, titles=titles, sections=sections,
                           created=readable.when(data["created_at"]))


def picture_files(user: User) -> list[tuple[str, Path]]:
    """The pictures on the person's ideas, in their largest stored width: (name in the ZIP, file)."""
    rows = db.session.scalars(select(IdeaImage).join(Idea).where(Idea.author_id == user.id).order_by(IdeaImage.id))
    files = []
    for image in rows:
        path = images.folder() / images.file_name(image.file_key, image.available_widths[-1])
        if path.is_file():
            files.append((f"{PICTURES}/idee-{image.idea_id}-bild-{image.id}.webp", path))
    return files


def write_zip(path: Path, data: dict[str, Any], files: Sequence[tuple[str, Path]] = ()) -> int:
    """Write the file atomically (a half-written file is never offered). Returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr(HTML_NAME, render_html(data))
        for name, source in files:
            archive.write(source, name, compress_type=zipfile.ZIP_STORED)  # WebP is compressed already
    partial.replace(path)
    return path.stat().st_size

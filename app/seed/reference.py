"""Reference data from the strategy "Coesfeld 12.0" (see shared/domain.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import ActionField, Criterion, Municipality, Project

DISTRICT = ("kreis-coesfeld", "Kreis Coesfeld (kreisweit)")
TOWNS = [
    ("ascheberg", "Ascheberg"),
    ("billerbeck", "Billerbeck"),
    ("coesfeld", "Coesfeld"),
    ("duelmen", "Dülmen"),
    ("havixbeck", "Havixbeck"),
    ("luedinghausen", "Lüdinghausen"),
    ("nordkirchen", "Nordkirchen"),
    ("nottuln", "Nottuln"),
    ("olfen", "Olfen"),
    ("rosendahl", "Rosendahl"),
    ("senden", "Senden"),
]

ACTION_FIELDS = [
    ("verwaltung", "Verwaltung"),
    ("bildung", "Bildung"),
    ("wirtschaft", "Wirtschaft"),
    ("mobilitaet", "Mobilität"),
    ("innenstadt-dorfmitte", "Innenstadt/Dorfmitte"),
]

PORTFOLIO = {
    "verwaltung": ["Online ins Rathaus", "Fließende Prozesse", "Synergie-Quelle", "Training fürs Team"],
    "bildung": [
        "Lernen 12.0",
        "Begleitschutz in der digitalen Welt",
        "Ran an die Roboter",
        "Wissen schaffen für den Wandel",
        "Rüstzeug für die Arbeitswelt",
        "Zukunftsluft schnuppern",
        "Perspektiv-Programm",
    ],
    "wirtschaft": [
        "Chancen-Radar",
        "Schutzkreis für den Datenschatz",
        "Willkommen im Synergie-Raum",
        "Startplatz für Smarte Ideen",
        "Strahlkraft für den Standort",
        "Gemeinsam Chancen nutzen",
        "Rückenwind für frische Ideen",
    ],
    "mobilitaet": ["Smarter unterwegs", "App in die Verkehrswende", "Spielend den Weg erkunden", "Bitte umsteigen"],
    "innenstadt-dorfmitte": [
        "Jede Kommune schnell auf dem Schirm",
        "Modell für die Mitte",
        "Basis für die smarte Region",
        "Online-Shopping mit Wir-Gefühl",
        "Auf Kundenbindung programmiert",
        "Digitaler Motivationsschub",
    ],
}
# The rubric of the seed's worked example "Tourismus": each criterion is scored 0–5.
CRITERIA = {
    "relevance": [
        "Wachstumspotenzial",
        "Wirtschaftliche Lage",
        "Arbeitsplätze",
        "Imagefaktor",
        "Öffentlicher Diskurs",
    ],
    "potential": [
        "Netzwerke",
        "Projekte",
        "Infrastruktur",
        "Personal",
        "Geräte",
        "Verantwortliche",
        "Bereitschaft der Verwaltung",
    ],
}

# The seed names one priority group: "Priorität I – Verwaltung". The rest stay "nicht festgelegt".
PRIORITY_BY_FIELD = {"verwaltung": "I"}


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0


def load_reference_data() -> LoadResult:
    """Insert what is missing, by slug or project number; never changes or duplicates rows. Flushes."""
    result = LoadResult()
    municipalities = {m.slug: m for m in db.session.scalars(select(Municipality))}
    for position, (slug, name) in enumerate([DISTRICT, *TOWNS]):
        if slug in municipalities:
            result.existing += 1
            continue
        municipalities[slug] = Municipality(slug=slug, name=name, is_district=slug == DISTRICT[0], position=position)
        db.session.add(municipalities[slug])
        result.created += 1

    fields = {f.slug: f for f in db.session.scalars(select(ActionField))}
    for position, (slug, name) in enumerate(ACTION_FIELDS):
        if slug in fields:
            result.existing += 1
            continue
        fields[slug] = ActionField(slug=slug, name=name, position=position)
        db.session.add(fields[slug])
        result.created += 1
    db.session.flush()

    existing_numbers = set(db.session.scalars(select(Project.number)))
    district = municipalities[DISTRICT[0]]
    number = 0
    for field_slug, titles in PORTFOLIO.items():
        for title in titles:
            number += 1
            if number in existing_numbers:
                result.existing += 1
                continue
            db.session.add(
                Project(
                    number=number,
                    title=title,
                    action_field=fields[field_slug],
                    municipality=district,
                    priority_group=PRIORITY_BY_FIELD.get(field_slug),
                )
            )
            result.created += 1

    criteria = set(db.session.execute(select(Criterion.axis, Criterion.name)).tuples())
    for axis, names in CRITERIA.items():
        for position, name in enumerate(names):
            if (axis, name) in criteria:
                result.existing += 1
                continue
            db.session.add(Criterion(axis=axis, name=name, position=position))
            result.created += 1
    db.session.flush()
    return result

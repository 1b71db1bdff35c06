"""Reference data from the strategy "Coesfeld 12.0" (see shared/domain.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import ActionField, Criterion, Municipality, Project, Raum
from app.reference import DISTRICT, RAEUME, TOWNS

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
# The rubric's criteria with their guiding question and what 0, 3 and 5 mean (shown when scoring).
CRITERIA = {
    "relevance": [
        ("Wachstumspotenzial", "Kann die Idee wachsen – auf weitere Orte, Gruppen oder Angebote im Kreis? "
         "0 = bleibt ein Einzelfall; 3 = in einigen Kommunen übertragbar; 5 = kreisweit und darüber hinaus."),
        ("Wirtschaftliche Lage", "Stärkt die Idee die Wirtschaft vor Ort (Handel, Handwerk, Tourismus, Landwirtschaft)? "
         "0 = kein Effekt; 3 = spürbar für einzelne Branchen; 5 = deutlicher Schub für die Region."),
        ("Arbeitsplätze", "Sichert oder schafft die Idee Arbeitsplätze im Kreis? "
         "0 = keine; 3 = einige, eher indirekt; 5 = viele, direkt."),
        ("Imagefaktor", "Macht die Idee den Kreis sichtbarer und attraktiver – für Menschen, Betriebe, Fachkräfte? "
         "0 = nicht; 3 = regional wahrnehmbar; 5 = Leuchtturm mit Strahlkraft."),
        ("Öffentlicher Diskurs", "Wie stark bewegt das Thema die Menschen (Unterstützungen, Kommentare, Presse, Politik)? "
         "0 = kaum; 3 = in Teilen der Öffentlichkeit; 5 = breit diskutiert und gefordert."),
    ],
    "potential": [
        ("Netzwerke", "Gibt es Partner, Vereine oder Netzwerke, die mitziehen? "
         "0 = keine bekannt; 3 = erste Partner in Sicht; 5 = ein starkes Bündnis steht bereit."),
        ("Projekte", "Lässt sich an bestehende Projekte anknüpfen (P1–P28, Förderprogramme, Vorbilder)? "
         "0 = nichts vorhanden; 3 = verwandte Projekte; 5 = direkt an ein laufendes Projekt anschließbar."),
        ("Infrastruktur", "Ist die nötige Infrastruktur (Netz, Plattformen, Räume) vorhanden? "
         "0 = fehlt ganz; 3 = teilweise; 5 = vollständig vorhanden."),
        ("Personal", "Gibt es Menschen mit Zeit und Wissen, die die Idee umsetzen und betreiben? "
         "0 = niemand; 3 = mit Unterstützung; 5 = ein Team ist da."),
        ("Geräte", "Sind Geräte und Ausstattung vorhanden oder leicht zu beschaffen? "
         "0 = fehlen und sind teuer; 3 = teilweise vorhanden; 5 = vorhanden."),
        ("Verantwortliche", "Gibt es eine Stelle oder Person, die die Verantwortung übernimmt? "
         "0 = niemand; 3 = Gespräche laufen; 5 = klar benannt und bereit."),
        ("Bereitschaft der Verwaltung", "Will die Verwaltung (Kreis, Kommune) die Idee mittragen? "
         "0 = ablehnend; 3 = offen; 5 = treibt sie selbst voran."),
    ],
}

# The seed names one priority group: "Priorität I – Verwaltung". The rest stay "nicht festgelegt".
PRIORITY_BY_FIELD = {"verwaltung": "I"}


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0


# The only project texts the strategy gives beyond the titles: the consolidated project list of the
# intermunicipal working group (09.09.2020), in its own words (the P4 line breaks off in the source).
SEED_DESCRIPTIONS = {
    3: "Aus der konsolidierten Projektliste der interkommunalen Arbeitsgruppe (Stand 09.09.2020):\n\n"
       "> Einführung eines Netzwerks als interkommunen der Digitalisierung + strukturierter Austausch zu DMS, Online-Dienstleistungen",
    4: "Aus der konsolidierten Projektliste der interkommunalen Arbeitsgruppe (Stand 09.09.2020):\n\n"
       "> Einführung eines Personalentwicklungs- + Ziel: Beschäftigte in den Kompetenzen Kundenorientierung zu fördern/sc…\n\n"
       "(Die Zeile bricht in der Vorlage hier ab.)",
}


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
    raeume = set(db.session.scalars(select(Raum.slug)))
    for position, (slug, name) in enumerate(RAEUME):
        if slug in raeume:
            result.existing += 1
            continue
        db.session.add(Raum(slug=slug, name=name, position=position))
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
                seeded = db.session.scalar(select(Project).where(Project.number == number))
                if seeded is not None and not seeded.description and number in SEED_DESCRIPTIONS:
                    seeded.description = SEED_DESCRIPTIONS[number]  # an older database gets the seed's text; an edited one keeps its own
                continue
            db.session.add(
                Project(
                    number=number,
                    title=title,
                    description=SEED_DESCRIPTIONS.get(number, ""),
                    action_field=fields[field_slug],
                    municipality=district,
                    priority_group=PRIORITY_BY_FIELD.get(field_slug),
                )
            )
            result.created += 1

    criteria = {(c.axis, c.name): c for c in db.session.scalars(select(Criterion))}
    for axis, entries in CRITERIA.items():
        for position, (name, guidance) in enumerate(entries):
            existing = criteria.get((axis, name))
            if existing is not None:
                if not existing.description:  # an older database gets the guidance; an edited one keeps its own
                    existing.description = guidance
                result.existing += 1
                continue
            db.session.add(Criterion(axis=axis, name=name, description=guidance, position=position))
            result.created += 1
    db.session.flush()
    return result

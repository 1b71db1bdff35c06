"""Reference data: the district and its towns as the strategy names them, and reading the
municipalities and action fields for forms and filters. (app/seed/reference.py loads them.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.cache import declare
from app.extensions import db
from app.models import ActionField, Municipality, Project, Raum, SiteText

# Towns and action fields name every idea and project, site texts stand on the start page: a change
# shows on every page.
declare(public=(ActionField, Municipality, Raum, SiteText))


def _name_of(model: type[ActionField] | type[Municipality] | type[Raum]):
    def name(value: object) -> str:
        row = db.session.get(model, value) if isinstance(value, int) else None
        return str(getattr(row, "name", value))
    return name


# The audit log names towns and fields ("Themenfeld: Mobilität", not "Themenfeld: 4").
audit.name_values("action_field_id", _name_of(ActionField))
audit.name_values("municipality_id", _name_of(Municipality))
audit.name_values("raum_id", _name_of(Raum))


def _name_town(municipality_id: int) -> audit.Target | None:
    town = db.session.get(Municipality, municipality_id)
    return audit.Target(town.name, url_for("towns.show", slug=town.slug)) if town else None


audit.name_targets("municipality", _name_town)


def _name_raum(raum_id: int) -> audit.Target | None:
    raum = db.session.get(Raum, raum_id)
    return audit.Target(raum.name, url_for("admin.raum", raum_id=raum.id)) if raum else None


audit.name_targets("raum", _name_raum)

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


# The Smart-Cities call's seven "Räume", in the order of the seed's budget table.
RAEUME = [
    ("smarte-arbeit", "Raum für smarte Arbeit"),
    ("nachhaltige-mobilitaet", "Raum für nachhaltige Mobilität"),
    ("regionaler-handel", "Raum für regionalen Handel"),
    ("zukunftssichernde-innovationen", "Raum für zukunftssichernde Innovationen"),
    ("partizipative-entwicklung", "Raum für partizipative Stadt- und Regionalentwicklung"),
    ("digitale-bildung", "Raum für digitale Bildung"),
    ("breite-teilhabe", "Raum für breite Teilhabe"),
]


def raeume() -> list[Raum]:
    return list(db.session.scalars(select(Raum).order_by(Raum.position, Raum.name)))


def municipalities() -> list[Municipality]:
    # The district ("kreisweit") first, then the towns alphabetically.
    return list(
        db.session.scalars(select(Municipality).order_by(Municipality.is_district.desc(), Municipality.position, Municipality.name))
    )


def action_fields(active_only: bool = True) -> list[ActionField]:
    query = select(ActionField).order_by(ActionField.position, ActionField.name)
    if active_only:
        query = query.where(ActionField.is_active.is_(True))
    return list(db.session.scalars(query))


def projects() -> list[Project]:
    """The portfolio's projects in their order (P1, P2, …), for choosing one an idea builds on."""
    return list(db.session.scalars(select(Project).order_by(Project.number)))


def project_choice(project: Project) -> str:
    """How a project is named where one is chosen: "P20 – Smarter unterwegs"."""
    return f"{project.code} – {project.title}"


def find_project(typed: str, choices: list[Project]) -> Project | None:
    """The project a person typed or chose: by its code ("P20", "p 20", "20"), by the chosen
    "P20 – Title", by its title or a part of it that only one title has ("Verkehrswende"); None
    when it names none or more than one."""
    text = " ".join((typed or "").split())
    if not text:
        return None
    code = re.match(r"^[Pp]?\s*(\d{1,6})(\s*[–-].*)?$", text)
    if code:
        number = int(code.group(1))
        return next((p for p in choices if p.number == number), None)
    wanted = text.casefold()
    titled = [p for p in choices if p.title.casefold() == wanted] or [p for p in choices if wanted in p.title.casefold()]
    return titled[0] if len(titled) == 1 else None


# Site texts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteTextKind:
    key: str
    label: object  # lazy: the field's label on /verwaltung/texte
    where: object  # lazy: where the text is shown
    default: object = ""  # lazy, in the reader's language, until the administration writes its own


SITE_TEXTS = (
    SiteTextKind("start_intro", _l("Start page: introduction"), _l("Below the start page's heading."),
                 _l("Here people and businesses from Kreis Coesfeld collect ideas for how digital services can make everyday life in "
                    "the district easier. The district answers every idea publicly, and the best ones become projects of the digital "
                    "strategy.")),
    SiteTextKind("vision", _l("The strategy's vision"), _l("On the start page and the help page."),
                 _l("Coesfeld 12.0 – Im Kreis gemeinsam digital: 1 district, 11 towns, 1 shared vision, 8 action fields, 28 projects. "
                    "Shaping the digital future together.")),
    SiteTextKind("next_steps", _l("What happens next?"), _l("On the start page and above the portfolio."),
                 _l("After the Steuerungsgremium's decisions the projects are discussed in public (“Breite Information und Diskussion "
                    "zu den Projektbausteinen”); their pages say what happens next with each.")),
    *(SiteTextKind(f"priority_{group}", _l("Priority %(group)s: what it means", group=group), _l("Above the portfolio, as its legend."))
      for group in ("I", "II", "III")),
)
SITE_TEXT_KEYS = tuple(kind.key for kind in SITE_TEXTS)


def site_texts() -> dict[str, str]:
    """Every site text by key (one query): the administration's, or the default where it wrote none."""
    written = dict(db.session.execute(select(SiteText.key, SiteText.text)).tuples().all())
    return {kind.key: written[kind.key] if kind.key in written else str(kind.default) for kind in SITE_TEXTS}


def _name_site_text(text_id: int) -> audit.Target | None:
    row = db.session.get(SiteText, text_id)
    kind = next((k for k in SITE_TEXTS if row is not None and k.key == row.key), None)
    return audit.Target(str(kind.label), url_for("admin.site_texts")) if kind else None


audit.name_targets("site_text", _name_site_text)

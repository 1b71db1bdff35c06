"""The German names of the kinds of events (the strategy's words), and an event's name in a list."""

from flask_babel import lazy_gettext as _l

from app.models.meeting import DIALOGUE, HELPDESK, REALLABOR, WORKSHOP

KIND_LABELS = {
    WORKSHOP: _l("Themenworkshop"),
    DIALOGUE: _l("Bürgerdialog"),
    REALLABOR: _l("Reallabor-Termin"),
    HELPDESK: _l("Sprechstunde der Digitallotsen"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def kind_and_title(kind: str, title: str) -> str:
    """"Themenworkshop: Mobilität", or the title alone when it names the kind already
    ("Themenworkshop Mobilität", not "Themenworkshop: Themenworkshop Mobilität")."""
    label = kind_label(kind)
    if title.casefold().startswith(label.casefold()):
        return title
    return f"{label}: {title}"

"""The German names of the kinds of events (the strategy's words)."""

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

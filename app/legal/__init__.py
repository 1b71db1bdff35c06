"""The legal frame: Impressum, Datenschutzerklärung, Nutzungsbedingungen, Barrierefreiheitserklärung
(versioned, edited by the administration), consent at sign-up, and "Barriere melden"."""

from flask import url_for
from flask_babel import gettext as _

from app import audit
from app.audit import Target
from app.cache import CachedPage, declare
from app.extensions import db
from app.models import BarrierReport, Consent, LegalText

declare(
    pages={"legal.show": CachedPage()},
    not_cached={"legal.report_barrier": "a form with the reader's CSRF token"},
    public=(LegalText,),
    private=(Consent, BarrierReport),
)


def _name_legal_text(text_id: int) -> Target | None:
    from app.legal.services import TITLES

    text = db.session.get(LegalText, text_id)
    if text is None:
        return None
    return Target(_("%(document)s, version %(version)d", document=TITLES[text.document], version=text.version),
                  url_for("legal.show", document=text.document))


audit.name_targets("legal_text", _name_legal_text)

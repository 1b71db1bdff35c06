"""The legal frame: Impressum, Datenschutzerklärung, Nutzungsbedingungen, Barrierefreiheitserklärung
(versioned, edited by the administration), consent at sign-up, and "Barriere melden"."""

from app.cache import CachedPage, declare
from app.models import BarrierReport, Consent, LegalText

declare(
    pages={"legal.show": CachedPage()},
    not_cached={"legal.report_barrier": "a form with the reader's CSRF token"},
    public=(LegalText,),
    private=(Consent, BarrierReport),
)

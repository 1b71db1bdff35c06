"""Legal texts, consents and barrier reports. Functions flush, never commit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from flask import g, has_app_context, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select

from app import audit
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.legal import emails
from app.models import BarrierReport, Consent, LegalText, User
from app.models.legal import ACCESSIBILITY, BARRIER_TEXT_MAX, DOCUMENTS, IMPRESSUM, LEGAL_TEXT_MAX, PRIVACY, TERMS
from app.models.user import ROLE_ADMIN

DEFAULTS = Path(__file__).parent / "defaults"
_REQUIRED_TERMS = "required_terms_version"  # in flask.g, read with the account
_UNFINISHED = "legal_texts_unfinished"  # in flask.g: unfinished(), once per request
# The date of the shipped default texts (version 0), shown until the district publishes its own.
DEFAULTS_DATE = datetime(2026, 12, 1, tzinfo=timezone.utc)

TITLES = {
    IMPRESSUM: _l("Legal notice"),
    PRIVACY: _l("Privacy statement"),
    TERMS: _l("Terms of use"),
    ACCESSIBILITY: _l("Statement on accessibility"),
}


@dataclass
class Text:
    document: str
    version: int  # 0: the shipped default
    body: str
    published_at: datetime

    @property
    def title(self) -> str:
        return str(TITLES[self.document])


# What the shipped defaults leave for the district to fill in: "[BITTE ERGÄNZEN: Anschrift]".
PLACEHOLDER = re.compile(r"\[\s*BITTE\b[^\]]*\]", re.IGNORECASE)


def is_unfinished(text: Text) -> bool:
    return bool(PLACEHOLDER.search(text.body))


def unfinished() -> list[str]:
    """The legal texts whose current version still holds a placeholder, in DOCUMENTS' order (once per request)."""
    known = g.get(_UNFINISHED) if has_request_context() else None
    if known is None:
        newest = select(LegalText.document, func.max(LegalText.version).label("version")).group_by(LegalText.document).subquery()
        published = dict(db.session.execute(  # one query for every document (the staff banner is on each staff page)
            select(LegalText.document, LegalText.body).join(
                newest, (LegalText.document == newest.c.document) & (LegalText.version == newest.c.version))).tuples().all())
        known = [document for document in DOCUMENTS if PLACEHOLDER.search(published.get(document) or _default(document))]
        if has_request_context():
            setattr(g, _UNFINISHED, known)
    return list(known)


@lru_cache(maxsize=len(DOCUMENTS))
def _default(document: str) -> str:
    return (DEFAULTS / f"{document}.md").read_text(encoding="utf-8")


def current(document: str) -> Text:
    """The newest version of a legal text (or the shipped default)."""
    row = db.session.scalar(select(LegalText).where(LegalText.document == document).order_by(LegalText.version.desc()).limit(1))
    if row is None:
        return Text(document, 0, _default(document), DEFAULTS_DATE)
    return Text(document, row.version, row.body, row.created_at)


def publish(document: str, actor: User, body: str, *, material: bool) -> LegalText:
    """A new version; a material change of the terms asks everyone to accept them again."""
    if not actor.has_role(ROLE_ADMIN):
        raise NotAllowed()
    if document not in DOCUMENTS:
        raise InvalidInput()
    body = (body or "").strip()
    if not body or len(body) > LEGAL_TEXT_MAX:
        raise InvalidInput(_l("Please write the text (at most 50,000 characters)."))
    version = (db.session.scalar(select(func.max(LegalText.version)).where(LegalText.document == document)) or 0) + 1
    row = LegalText(document=document, version=version, body=body, is_material=material and document == TERMS, author_id=actor.id)
    db.session.add(row)
    db.session.flush()
    g.pop(_REQUIRED_TERMS, None)  # read with the account, before this version existed
    g.pop(_UNFINISHED, None)
    audit.record(actor, "legal.publish", "legal_text", row.id, after={"document": document, "version": version, "material": row.is_material})
    return row


def required_terms_query() -> ColumnElement[int]:
    """required_terms_version() as a scalar subquery: app/auth/sessions.py reads it in the
    account's query, so the check before each contribution (a support, a comment) costs no query."""
    newest = select(func.max(LegalText.version)).where(LegalText.document == TERMS, LegalText.is_material.is_(True)).scalar_subquery()
    return func.coalesce(newest, 0)


def remember_required_terms_version(version: int) -> None:
    """What required_terms_query() gave for this request."""
    g.setdefault(_REQUIRED_TERMS, version)


def required_terms_version() -> int:
    """The terms version everyone who contributes must have accepted: the newest material change (0: the default)."""
    known = g.get(_REQUIRED_TERMS) if has_app_context() else None
    if known is not None:
        return int(known)
    return db.session.scalar(select(required_terms_query())) or 0


def needs_to_accept_terms(user: User) -> bool:
    return (user.terms_version if user.terms_version is not None else -1) < required_terms_version()


def record_acceptance(user: User, documents: tuple[str, ...] = (TERMS, PRIVACY)) -> None:
    """The person accepted the current terms (and was shown the current privacy policy). Flushes."""
    for document in documents:
        version = current(document).version
        db.session.add(Consent(user_id=user.id, document=document, version=version))
        if document == TERMS:
            user.terms_version = version
    db.session.flush()


def report_barrier(*, page: str, description: str, name: str = "", email: str = "") -> BarrierReport:
    """A reported barrier (no account needed); the administration gets a mail. Flushes."""
    description = (description or "").strip()
    if not description or len(description) > BARRIER_TEXT_MAX:
        raise InvalidInput(_l("Please describe the barrier (at most 5,000 characters)."))
    report = BarrierReport(page=(page or "").strip()[:500], description=description, name=(name or "").strip()[:120] or None,
                           email=(email or "").strip()[:254] or None)
    db.session.add(report)
    db.session.flush()
    for admin in db.session.scalars(select(User).where(User.is_blocked.is_(False), User.roles.any(role=ROLE_ADMIN))):
        emails.queue_barrier_report(admin, report)
    return report

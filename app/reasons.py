"""The reason staff and authors give for a change (withdrawing, hiding, blocking, shortlisting):
one limit and one cleaning rule for every area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput

REASON_MAX = 1000


def clean_reason(reason: str | None, *, required: bool) -> str:
    """A stripped reason within REASON_MAX; with required, not empty."""
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput(_l("Please give a reason."))
    if len(reason) > REASON_MAX:
        raise InvalidInput(_l("The reason may be at most 1,000 characters long."))
    return reason

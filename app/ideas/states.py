"""The life of an idea: the one table of allowed state changes, and who may make them.

Entwurf -> Veröffentlicht -> In Prüfung -> Kandidat -> Shortlist -> Im Portfolio,
with the side exits Abgelehnt, Zusammengeführt and Zurückgezogen.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import audit
from app.models.idea import (
    CANDIDATE,
    DECLINED,
    DRAFT,
    HIDDEN_BY_BLOCK,
    HIDDEN_BY_MODERATION,
    HIDDEN_BY_REPORTS,
    IN_PORTFOLIO,
    IN_REVIEW,
    MERGED,
    PUBLISHED,
    SHORTLISTED,
    WITHDRAWN,
)

# Who acts: the idea's author, the moderation, the steering committee.
AUTHOR = "author"
MODERATION = "moderation"
STEERING = "steering"

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (DRAFT, PUBLISHED): frozenset({AUTHOR}),
    (PUBLISHED, IN_REVIEW): frozenset({MODERATION}),
    (PUBLISHED, DECLINED): frozenset({MODERATION}),
    (PUBLISHED, MERGED): frozenset({MODERATION}),
    (PUBLISHED, WITHDRAWN): frozenset({AUTHOR}),
    (IN_REVIEW, CANDIDATE): frozenset({MODERATION}),
    (IN_REVIEW, DECLINED): frozenset({MODERATION}),
    (IN_REVIEW, MERGED): frozenset({MODERATION}),
    (IN_REVIEW, WITHDRAWN): frozenset({AUTHOR}),
    (CANDIDATE, SHORTLISTED): frozenset({STEERING}),
    (CANDIDATE, DECLINED): frozenset({MODERATION, STEERING}),
    (SHORTLISTED, CANDIDATE): frozenset({STEERING}),
    (SHORTLISTED, IN_PORTFOLIO): frozenset({STEERING}),
    (SHORTLISTED, DECLINED): frozenset({STEERING}),
}

# States that need a public reason.
REASON_REQUIRED = frozenset({DECLINED, MERGED, WITHDRAWN})

# Open for supports (the count is frozen once the moderation proposes the idea).
OPEN_STATES = frozenset({PUBLISHED, IN_REVIEW})
# Open for comments: also while the idea is a candidate, on the shortlist and in the portfolio,
# when discussion matters most; closed only for a declined, merged or withdrawn idea.
DISCUSSION_STATES = frozenset({PUBLISHED, IN_REVIEW, CANDIDATE, SHORTLISTED, IN_PORTFOLIO})
# The author may still edit the card.
EDITABLE_STATES = frozenset({DRAFT, PUBLISHED})

LABELS = {
    DRAFT: _l("Draft"),
    PUBLISHED: _l("Published"),
    IN_REVIEW: _l("In review"),
    CANDIDATE: _l("Candidate"),
    SHORTLISTED: _l("Shortlist"),
    IN_PORTFOLIO: _l("In the portfolio"),
    DECLINED: _l("Declined"),
    MERGED: _l("Merged"),
    WITHDRAWN: _l("Withdrawn"),
}


# The button for moving an idea into a state.
ACTION_LABELS = {
    IN_REVIEW: _l("Take into review"),
    CANDIDATE: _l("Promote to candidate project"),
    DECLINED: _l("Decline"),
    SHORTLISTED: _l("Put on the shortlist"),
    IN_PORTFOLIO: _l("Import into the portfolio"),
}


def action_label(status: str) -> str:
    return str(ACTION_LABELS.get(status, LABELS.get(status, status)))


def allowed(from_status: str, to_status: str, actor: str) -> bool:
    return actor in TRANSITIONS.get((from_status, to_status), frozenset())


def label(status: str) -> str:
    return str(LABELS.get(status, status))


def changed_message(status: str) -> str:
    """What the page says after an idea moved to `status` ("steht jetzt auf der Shortlist", not "ist jetzt „Shortlist“")."""
    if status == SHORTLISTED:
        return str(_("The idea is now on the shortlist."))
    return str(_("The idea is now “%(state)s”.", state=label(status)))


# Why an idea or a comment is hidden (Idea.hidden_cause, Comment.hidden_cause).
HIDDEN_CAUSE_LABELS = {
    HIDDEN_BY_REPORTS: _l("reported by several people"),
    HIDDEN_BY_MODERATION: _l("by the moderation"),
    HIDDEN_BY_BLOCK: _l("account blocked"),
}


def hidden_cause_label(cause: str | None) -> str:
    return str(HIDDEN_CAUSE_LABELS.get(cause or "", cause or ""))


# The audit log names states and causes as the pages do.
audit.name_values("status", label)
audit.name_values("hidden_cause", hidden_cause_label)

"""German names of the portfolio's values (status, priority group, kind of cost)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models.portfolio import COMPLETED, CONSUMPTIVE, DEFERRED, IN_PROGRESS, INVESTIVE, PLANNED, TRIAL

PROJECT_STATUS_LABELS = {
    PLANNED: _l("planned"),
    IN_PROGRESS: _l("in progress"),
    TRIAL: _l("trial in the Reallabor"),
    COMPLETED: _l("completed"),
    DEFERRED: _l("deferred"),
}
KIND_LABELS = {INVESTIVE: _l("investive"), CONSUMPTIVE: _l("consumptive")}
NO_PRIORITY_LABEL = _l("Priority not decided")


def project_status_label(status: str) -> str:
    return str(PROJECT_STATUS_LABELS.get(status, status))


def priority_label(group: str | None) -> str:
    return str(_l("Priority %(group)s", group=group)) if group else str(NO_PRIORITY_LABEL)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))

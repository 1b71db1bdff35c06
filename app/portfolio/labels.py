"""German names of the portfolio's values (status, priority group, kind of cost)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models.portfolio import (
    APPLIED,
    COMPLETED,
    CONSUMPTIVE,
    DEFERRED,
    GRANTED,
    IN_PROGRESS,
    INVESTIVE,
    PHASE_A,
    PHASE_B,
    PLANNED,
    PLANNED_LINE,
    SETTLED,
    TRIAL,
)

PROJECT_STATUS_LABELS = {
    PLANNED: _l("planned"),
    IN_PROGRESS: _l("in progress"),
    TRIAL: _l("trial in the Reallabor"),
    COMPLETED: _l("completed"),
    DEFERRED: _l("deferred"),
}
KIND_LABELS = {INVESTIVE: _l("investive"), CONSUMPTIVE: _l("consumptive")}
NO_PRIORITY_LABEL = _l("Priority not decided")
PHASE_LABELS = {PHASE_A: _l("Phase A (strategy)"), PHASE_B: _l("Phase B (implementation)")}
RELEASE_LABELS = {PLANNED_LINE: _l("planned"), APPLIED: _l("applied for"), GRANTED: _l("granted"), SETTLED: _l("settled")}


def project_status_label(status: str) -> str:
    return str(PROJECT_STATUS_LABELS.get(status, status))


def priority_label(group: str | None) -> str:
    return str(_l("Priority %(group)s", group=group)) if group else str(NO_PRIORITY_LABEL)


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def phase_label(phase: str) -> str:
    return str(PHASE_LABELS.get(phase, phase))


def release_label(status: str) -> str:
    return str(RELEASE_LABELS.get(status, status))

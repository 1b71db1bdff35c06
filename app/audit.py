"""The audit log: every staff action, written by the service that performs it.

An entry says who acted, when, what they did to which object, why, and the
relevant state before and after. Services call `record` in the same
transaction as the change, so there is no change without its entry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AuditEntry, User

log = logging.getLogger(__name__)

# action -> German description for the admin's log view
ACTIONS = {
    "idea.status": _l("Changed the state of an idea"),
    "idea.project_link": _l("Linked an idea to a project, or removed the link"),
    "project.contribution": _l("Added ideas to a project as contributions"),
    "project.next_steps": _l("Wrote what happens next with a project"),
    "project.milestone": _l("Added, changed or removed a milestone of a project"),
    "project.trial": _l("Described a trial of a project in the Reallabor"),
    "idea.merge": _l("Merged an idea"),
    "idea.hide": _l("Hid an idea"),
    "idea.restore": _l("Restored an idea"),
    "idea.answer": _l("Published an official answer"),
    "idea.score": _l("Scored an idea"),
    "comment.hide": _l("Hid a comment"),
    "comment.restore": _l("Restored a comment"),
    "report.dismiss": _l("Dismissed reports"),
    "user.grant": _l("Granted a role"),
    "user.revoke": _l("Revoked a role"),
    "user.officer_towns": _l("Changed the towns of a digital officer"),
    "meeting.create": _l("Planned an event"),
    "idea.move": _l("Moved an idea to other action fields or another town"),
    "criterion.create": _l("Added a criterion of the rubric"),
    "criterion.edit": _l("Changed a criterion of the rubric"),
    "action_field.create": _l("Added an action field"),
    "action_field.edit": _l("Changed an action field"),
    "municipality.edit": _l("Changed a town's name or office address"),
    "funding_call.edit": _l("Changed the funding call's limits"),
    "site_text.edit": _l("Changed a text of the site"),
    "raum.edit": _l("Changed a Raum of the funding call"),
    "idea.taken_down": _l("Took down an idea for someone"),
    "idea.claimed": _l("Claimed an idea taken down for them"),
    "meeting.edit": _l("Changed an event"),
    "user.block": _l("Blocked an account"),
    "user.unblock": _l("Unblocked an account"),
    "user.reset_second_factor": _l("Reset a second factor"),
    "project.import": _l("Imported ideas into the portfolio"),
    "project.create": _l("Created a project"),
    "project.edit": _l("Changed a project"),
    "project.budget": _l("Changed a project's budget"),
    "news.publish": _l("Published news"),
    "legal.publish": _l("Published a legal text"),
    "mail.retry": _l("Queued given-up mails again"),
}

TARGET_TYPES = ("idea", "comment", "user", "project", "announcement", "legal_text", "mail_queue", "meeting", "municipality", "action_field",
                "criterion", "funding_call", "site_text", "raum")
TARGET_TYPE_LABELS = {
    "idea": _l("Idea"), "comment": _l("Comment"), "user": _l("Account"), "project": _l("Project"), "announcement": _l("News"),
    "legal_text": _l("Legal text"), "mail_queue": _l("Outgoing mail"), "meeting": _l("Event"), "municipality": _l("Municipality"), "action_field": _l("Action field"), "criterion": _l("Criterion"),
    "funding_call": _l("Funding call"),
    "site_text": _l("Site text"),
    "raum": _l("Raum"),
}


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int,
    *,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the log. Flushes, never commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if target_type not in TARGET_TYPES:
        raise ValueError(f"unknown audit target type {target_type!r}")
    if unnamed := sorted(_unnamed_fields(before) | _unnamed_fields(after)):
        # The suite finds a new field without a label; in production the entry is kept all the same.
        if current_app.testing or current_app.debug:
            raise ValueError(f"audit fields without a label in FIELD_LABELS: {unnamed}")
        log.warning("audit fields without a label in FIELD_LABELS (shown as they are): %s", unnamed)
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")  # a field's name; a criterion's name ("Arbeitsplätze", a score's key) is data


def _unnamed_fields(values: dict[str, Any] | None) -> set[str]:
    """The field names (also in dict values) the log page would show as they are, in English."""
    unnamed = set()
    for key, value in (values or {}).items():
        if _FIELD_NAME.fullmatch(key) and key not in FIELD_LABELS:
            unnamed.add(key)
        if isinstance(value, dict):
            unnamed |= _unnamed_fields(value)
    return unnamed


def entries_for(target_type: str, target_id: int) -> list[AuditEntry]:
    """The log of one object, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.id.desc())
        )
    )


def describe(action: str) -> str:
    return str(ACTIONS.get(action, action))


@dataclass(frozen=True)
class Target:
    """The object of an entry as the log page shows it: a name, and a link where there is a page."""

    label: str
    url: str | None = None


# How an object of each type is named and linked (`name_targets`, registered by the areas that own them).
TARGET_NAMES: dict[str, Callable[[int], Target | None]] = {}


def name_targets(target_type: str, name: Callable[[int], Target | None]) -> None:
    """Register how the log page names (and links) the objects of `target_type`, by id."""
    TARGET_NAMES[target_type] = name


def target(entry: AuditEntry) -> Target:
    """The entry's object by name ("Idee „Mitfahrbank“", linked), or its type and number when it is gone."""
    named = TARGET_NAMES.get(entry.target_type)
    found = named(entry.target_id) if named is not None else None
    return found or Target(f"{TARGET_TYPE_LABELS.get(entry.target_type, entry.target_type)} {entry.target_id}")


# What the keys of `before`/`after` mean, for the log page ("Status: Veröffentlicht → In Prüfung").
FIELD_LABELS = {
    "status": _l("Status"),
    "is_hidden": _l("Hidden"),
    "hidden_cause": _l("Hidden because of"),
    "merged_into_id": _l("Merged into idea"),
    "reports_settled": _l("Reports settled"),
    "supports_carried_over": _l("Supports carried over"),
    "roles": _l("Roles"),
    "is_blocked": _l("Blocked"),
    "items_hidden": _l("Items hidden"),
    "supports_suspended": _l("Supports suspended"),
    "second_factor": _l("Second factor"),
    "project": _l("Project"),
    "code": _l("Project"),
    "title": _l("Title"),
    "body": _l("Text"),
    "signature": _l("Signature"),
    "version": _l("Version"),
    "ideas": _l("Ideas"),
    "budget": _l("Budget line"),
    "lines": _l("Budget lines"),
    "label": _l("Budget line"),
    "year": _l("Year"),
    "kind": _l("Kind"),
    "amount": _l("Amount"),
    "funding_rate": _l("Funding rate"),
    "action_field_id": _l("Action field"),
    "municipality_id": _l("Municipality"),
    "priority_group": _l("Priority"),
    "description": _l("Description"),
    "goals": _l("Goals"),
    "responsible_body": _l("Responsible"),
    "document": _l("Document"),
    "material": _l("Material change"),
    "name": _l("Name"),
    "position": _l("Order"),
    "active": _l("Active"),
    "office_address": _l("Office address"),
    "axis": _l("Axis"),
    "raum_id": _l("Raum"),
    "partner_town_ids": _l("Partner towns"),
    "contact_name": _l("Contact"),
    "contact_function": _l("Function"),
    "in_application": _l("In the funding application"),
    "phase": _l("Phase"),
    "release_status": _l("Release status"),
    "third_party": _l("Third-party money"),
    "max_amount": _l("Most per application"),
    "max_years": _l("Longest funding period in years"),
    "application_deadline": _l("Application deadline"),
    "resolutions_deadline": _l("Deadline for the resolutions"),
    "items_restored": _l("Items shown again"),
    "supports_resumed": _l("Supports counted again"),
    "towns": _l("Municipalities"),
    "mails": _l("Mails"),
    "fields": _l("Action fields"),
    "town": _l("Municipality"),
    "text": _l("Text"),
    "next_steps": _l("Next steps"),
    "planned_on": _l("Planned for"),
    "done_on": _l("Done on"),
    "what": _l("What is tried out"),
    "place": _l("Place"),
    "starts_on": _l("Starts"),
    "ends_on": _l("Ends"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "partners": _l("Partners"),
    "result": _l("Result"),
    "figures": _l("Figures"),
    "address": _l("Address"),
    "online_url": _l("Online address"),
    "capacity": _l("Places"),
    "report": _l("Report afterwards"),
    "role": _l("Role"),
    "event": _l("Event"),
    "claim_link": _l("Link to take it over sent"),
    "author": _l("Author"),
}
TEXT_SHOWN = 120  # longer texts (an answer's body) are cut in the log view

# How the value of a key is named on the log page ("published" -> "Veröffentlicht"), for the entries
# of one type of object or of every type (None): a project's "status" is not an idea's. The areas
# that own the values register them (`name_values`), so this module, below the areas, imports none.
VALUE_NAMES: dict[tuple[str | None, str], Callable[[Any], object]] = {}


def name_values(key: str, name: Callable[[Any], object], *, target_type: str | None = None) -> None:
    """Register how the values of `key` in `before`/`after` are named on the log page: in the
    entries about objects of `target_type`, or in every entry that has no name of its own for it."""
    VALUE_NAMES[(target_type, key)] = name


def _value(key: str, value: Any, target_type: str | None) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    name = VALUE_NAMES.get((target_type, key)) or VALUE_NAMES.get((None, key))
    if name is not None and not isinstance(value, list | dict):
        try:
            return str(name(value))
        except (ValueError, TypeError, ArithmeticError):  # an entry older than its value's format: as it was stored
            return str(value)
    if isinstance(value, list):
        if all(not isinstance(i, dict) for i in value):
            return ", ".join(_value(key, item, target_type) for item in value)
        return str(len(value))
    if isinstance(value, dict):
        return "; ".join(f"{FIELD_LABELS.get(k, k)} {_value(k, v, target_type)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + " …"


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None, target_type: str | None = None) -> list[str]:
    """An entry's change in words, one line per field: "Status: Veröffentlicht → In Prüfung" (the
    values named as the entry's type of object names them)."""
    before, after = before or {}, after or {}
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        label = FIELD_LABELS.get(key, key)
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old == new:
                continue
            lines.append(f"{label}: {_value(key, old, target_type)} → {_value(key, new, target_type)}")
        elif key in after:
            lines.append(f"{label}: {_value(key, new, target_type)}")
        else:
            lines.append(f"{label}: {_value(key, old, target_type)} → –")
    return lines

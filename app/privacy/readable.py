"""The readable page of a "Meine Daten" download (meine-daten.html, Art. 15 GDPR): the same rows
as the JSON file, with German column headings, dates in local time, the names of towns, action
fields, ideas and projects instead of their numbers, and labels instead of stored codes.

`LABELS` has a heading for every exported column (tests/web/test_privacy.py checks
it against inventory.HOLDINGS); `table()` turns one section's rows into headings and cells.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.ideas import states
from app.legal import services as legal
from app.models.user import ACCOUNT_ORGANISATION, ROLE_LABELS
from app.portfolio.labels import project_status_label
from app.templating import format_datetime_short

LABELS = {
    "id": _l("No."),
    "email": _l("E-mail address"),
    "display_name": _l("Display name"),
    "account_type": _l("Account type"),
    "organisation_name": _l("Name of the organisation"),
    "municipality_id": _l("Municipality"),
    "confirmed_at": _l("E-mail address confirmed"),
    "is_blocked": _l("Blocked"),
    "created_at": _l("Created"),
    "last_login_at": _l("Last log-in"),
    "totp_enrolled_at": _l("Second factor set up"),
    "failed_logins": _l("Failed log-ins in a row"),
    "locked_at": _l("Locked"),
    "unread_notifications": _l("Unread notifications"),
    "terms_version": _l("Accepted version of the terms of use"),
    "role": _l("Role"),
    "granted_at": _l("Granted"),
    "browser": _l("Browser and device"),
    "last_seen_at": _l("Last used"),
    "second_factor_at": _l("Second factor checked"),
    "next_url": _l("Page after log-in"),
    "attempts": _l("Attempts"),
    "used_at": _l("Used"),
    "document": _l("Document"),
    "version": _l("Version"),
    "accepted_at": _l("Accepted"),
    "title": _l("Title"),
    "summary": _l("Short description"),
    "benefit": _l("Central benefit of the idea"),
    "challenges": _l("Expected challenges and difficulties"),
    "partners": _l("Possible partners"),
    "author_id": _l("Author"),
    "status": _l("Status"),
    "edited_at": _l("Last edited"),
    "published_at": _l("Published"),
    "status_changed_at": _l("Status changed"),
    "support_count": _l("Supports"),
    "comment_count": _l("Comments"),
    "is_hidden": _l("Hidden"),
    "hidden_at": _l("Hidden on"),
    "hidden_cause": _l("Hidden because of"),
    "merged_into_id": _l("Merged into"),
    "project_id": _l("Project"),
    "meeting_id": _l("Event"),
    "contact_name": _l("Name published as contact"),
    "contact_function": _l("Function published as contact"),
    "author_label": _l("Name shown"),
    "entered_role": _l("Taken down as"),
    "entered_at": _l("Taken down on"),
    "consent_at": _l("Consent given"),
    "claimed_at": _l("Claimed"),
    "idea_id": _l("Idea"),
    "action_field_id": _l("Action field"),
    "position": _l("Position"),
    "alt_text": _l("What the picture shows"),
    "width": _l("Width (pixels)"),
    "height": _l("Height (pixels)"),
    "from_status": _l("From"),
    "to_status": _l("To"),
    "reason": _l("Reason"),
    "parent_id": _l("Reply to comment no."),
    "body": _l("Text"),
    "deleted_at": _l("Deleted"),
    "suspended_at": _l("Suspended"),
    "last_notified_at": _l("Last notified"),
    "comment_id": _l("Comment no."),
    "note": _l("Note"),
    "kind": _l("Kind"),
    "setting": _l("Setting"),
    "channel": _l("Channel"),
    "announcement_id": _l("News no."),
    "data": _l("Details"),
    "count": _l("Count"),
    "updated_at": _l("Updated"),
    "read_at": _l("Read"),
    "mailed_at": _l("Mailed"),
    "to_address": _l("To"),
    "subject": _l("Subject"),
    "body_text": _l("Text"),
    "sent_at": _l("Sent"),
    "failed_at": _l("Failed"),
    "page": _l("Page"),
    "description": _l("Description"),
    "name": _l("Name (as given)"),
    "handled_at": _l("Handled"),
    "requested_at": _l("Requested"),
    "ready_at": _l("Ready"),
    "expires_at": _l("Expires"),
    "downloaded_at": _l("Downloaded"),
    "starts_on": _l("From"),
    "ends_on": _l("Until"),
    "criterion_id": _l("Criterion"),
    "value": _l("Value"),
    "action": _l("Action"),
    "target_type": _l("Concerns"),
    "target_id": _l("Concerns no."),
    "before": _l("Before"),
    "after": _l("After"),
    "signature": _l("Signature"),
    "is_material": _l("Material change"),
    "project_link": _l("Link to a project"),
    "moved_from": _l("Moved from"),
    "event": _l("Entry"),
    "detail": _l("About"),
}

# Columns whose value is the id of something named in the export's "reference".
_NAMED = {"municipality_id": "municipalities", "action_field_id": "action_fields", "criterion_id": "criteria",
          "idea_id": "ideas", "merged_into_id": "ideas", "project_id": "projects"}
_STATUSES = ("status", "from_status", "to_status")


def when(value: str) -> str:
    """An ISO moment from the JSON as "01.12.2026, 22:15" in Europe/Berlin."""
    try:
        return format_datetime_short(datetime.fromisoformat(value))
    except ValueError:
        return value


def cell(section: str, key: str, value: Any, reference: dict[str, dict]) -> str:
    """One value as a person reads it."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if key in _NAMED:
        name = reference.get(_NAMED[key], {}).get(value)
        if key in ("idea_id", "merged_into_id"):
            return f"{_l('No.')} {value} „{name}“" if name else f"{_l('No.')} {value}"
        return str(name) if name else str(value)
    if key in _STATUSES:
        return project_status_label(value) if section == "project_status_changes" else states.label(value)
    if key == "account_type":
        return str(_l("Business / organisation") if value == ACCOUNT_ORGANISATION else _l("Citizen"))
    if key in ("role", "entered_role"):
        return str(ROLE_LABELS.get(value, value))
    if key == "project_link":
        return str(_l("linked") if value == "linked" else _l("link removed"))
    if key == "author_id":
        return str(_l("you"))  # the sections hold only the person's own ideas and comments
    if key == "document":
        return str(legal.TITLES.get(value, value))
    if key.endswith("_at") and isinstance(value, str):
        return when(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def table(section: str, rows: list[dict[str, Any]], reference: dict[str, dict]) -> tuple[list[str], list[list[str]]]:
    """(headings, rows of cells) of one section."""
    if not rows:
        return [], []
    keys = list(rows[0])
    return [str(LABELS.get(key, key)) for key in keys], [[cell(section, key, row[key], reference) for key in keys] for row in rows]

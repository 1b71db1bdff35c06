"""Where the platform holds data about an account: the one list "Meine Daten" exports and
account deletion erases.

Each `Holding` names a table, how its rows belong to an account, which columns the export
contains (and why the others are withheld) and what deletion does with those rows. The export
(export.py) and the deletion (deletion.py) are driven by this list, and
tests/unit/test_privacy_inventory.py checks it against the schema: a new table, a new column or
a new reference to `users` fails the suite until it is declared here.

Deletion, per holding:
- DELETE: the rows go.
- UNLINK: the rows stay (they record what the district did) without naming the account.
- KEEP: the rows stay with the emptied account ("gelöschtes Konto"): public contributions, which
  the person may choose to remove too (ideas and comments, deletion.py), and a moderator's scores.
- ERASE: the account's own row becomes an empty tombstone (users.deleted_at).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Table, and_, or_, select

from app.models import Base, User

DELETE = "delete"
UNLINK = "unlink"
KEEP = "keep"
ERASE = "erase"

SECRET = "a secret (a hash or key): it would let anyone with the file sign in or confirm links"
INTERNAL = "the worker's bookkeeping, not about the person"
DERIVED = "derived from the exported text (the search index)"
CACHE = "the page cache's bookkeeping (a number that grows with each support or comment), not about the person"


@dataclass(frozen=True)
class Holding:
    section: str  # key in the export's JSON
    title: object  # heading in the export's HTML page
    table: str
    link: str  # the column that names the account, or the column `where` filters on
    exported: tuple[str, ...]
    on_delete: str
    withheld: dict[str, str] = field(default_factory=dict)  # column -> why it is not exported
    # The rows of this account; default: link == the account's id.
    where: Callable[[Table, User], ColumnElement[bool]] | None = None
    # UNLINK empties these columns of the rows that stay; default: the link.
    erase: tuple[str, ...] = ()

    @property
    def erased(self) -> tuple[str, ...]:
        return self.erase or (self.link,)

    @property
    def columns(self) -> set[str]:
        """The declared columns; the link (the account's id, where not exported) counts as declared."""
        return set(self.exported) | set(self.withheld) | {self.link}

    def rows_of(self, user: User) -> ColumnElement[bool]:
        table = Base.metadata.tables[self.table]
        if self.where is not None:
            return self.where(table, user)
        return table.c[self.link] == user.id


def _own_ideas(table: Table, user: User) -> ColumnElement[bool]:
    ideas = Base.metadata.tables["ideas"]
    return table.c.idea_id.in_(select(ideas.c.id).where(ideas.c.author_id == user.id))


def _addressed_to_or_naming(table: Table, user: User) -> ColumnElement[bool]:
    """Mails to the address, and mails that quote it (a barrier report's note to the administration)."""
    return or_(table.c.to_address == user.email, table.c.body_text.contains(user.email, autoescape=True))


def _reported_by(table: Table, user: User) -> ColumnElement[bool]:
    return table.c.email == user.email


def _about_account(table: Table, user: User) -> ColumnElement[bool]:
    return and_(table.c.target_type == "user", table.c.target_id == user.id)


HOLDINGS: tuple[Holding, ...] = (
    Holding(
        "account", _l("Account"), "users", "id",
        ("id", "email", "display_name", "account_type", "organisation_name", "municipality_id", "confirmed_at",
         "is_blocked", "created_at", "last_login_at", "totp_enrolled_at", "failed_logins", "locked_at",
         "unread_notifications", "terms_version", "contact_name", "contact_function"),
        ERASE,
        withheld={"password_hash": SECRET, "totp_secret": SECRET, "totp_last_step": INTERNAL,
                  "deleted_at": "always empty while the account exists"},
    ),
    Holding("roles", _l("Staff roles"), "user_roles", "user_id", ("role", "granted_at"), DELETE),
    Holding("officer_towns", _l("Towns you look after as digital officer"), "officer_towns", "user_id", ("municipality_id", "granted_at"), DELETE),
    Holding("sessions", _l("Signed-in browsers"), "auth_sessions", "user_id",
            ("id", "browser", "created_at", "last_seen_at", "second_factor_at"), DELETE, withheld={"token_hash": SECRET}),
    Holding("pending_logins", _l("Log-ins waiting for the second factor"), "pending_logins", "user_id",
            ("id", "next_url", "attempts", "created_at"), DELETE, withheld={"token_hash": SECRET}),
    Holding("recovery_codes", _l("Recovery codes"), "recovery_codes", "user_id", ("id", "used_at"), DELETE,
            withheld={"code_hash": SECRET}),
    Holding("consents", _l("Accepted legal texts"), "consents", "user_id",
            ("id", "document", "version", "accepted_at"), DELETE),
    Holding(
        "ideas", _l("Ideas (including drafts)"), "ideas", "author_id",
        ("id", "title", "summary", "benefit", "challenges", "partners", "municipality_id", "author_id", "status",
         "created_at", "edited_at", "published_at", "status_changed_at", "support_count", "comment_count",
         "is_hidden", "hidden_at", "hidden_cause", "merged_into_id", "project_id", "meeting_id", "author_label",
         "entered_role", "entered_at"),
        KEEP,
        withheld={"search_document": DERIVED, "page_version": CACHE},
    ),
    # Staff and Digitallotsen: the ideas they took down for others (app/capture); the ideas stay.
    Holding("ideas_entered", _l("Ideas you took down for others"), "ideas", "entered_by_id",
            ("id", "title", "entered_role", "entered_at", "meeting_id"), UNLINK),
    # The claim link of an idea taken down for you: by the address you gave, and once you claimed it.
    Holding("idea_claims_by_address", _l("Links to claim an idea taken down for you"), "idea_claims", "email",
            ("id", "idea_id", "email", "consent_at", "created_at", "expires_at", "claimed_at"), DELETE,
            withheld={"token_hash": SECRET}, where=_reported_by),
    Holding("idea_claims", _l("Ideas you claimed"), "idea_claims", "claimed_by_id",
            ("id", "idea_id", "consent_at", "created_at", "claimed_at"), UNLINK),
    Holding("idea_action_fields", _l("Action fields of your ideas"), "idea_action_fields", "idea_id",
            ("idea_id", "action_field_id"), KEEP, where=_own_ideas),
    Holding("images", _l("Pictures on your ideas (the files are in the folder bilder/)"), "idea_images", "idea_id",
            ("id", "idea_id", "position", "alt_text", "width", "height", "created_at"), KEEP,
            withheld={"file_key": "the files' random name (the pictures themselves are in the download)", "widths": INTERNAL},
            where=_own_ideas),
    Holding("idea_history", _l("History of your ideas"), "idea_state_changes", "idea_id",
            ("id", "idea_id", "from_status", "to_status", "reason", "created_at", "project_link", "project_id", "moved_from"), KEEP,
            withheld={"actor_id": "the account that changed the state (often a member of staff)"}, where=_own_ideas),
    Holding("state_changes_made", _l("Changes of state you made"), "idea_state_changes", "actor_id",
            ("id", "idea_id", "from_status", "to_status", "reason", "created_at", "project_link", "project_id", "moved_from"), UNLINK),
    Holding("comments", _l("Comments"), "comments", "author_id",
            ("id", "idea_id", "project_id", "author_id", "parent_id", "body", "created_at", "edited_at", "deleted_at", "is_hidden",
             "hidden_at", "hidden_cause"), KEEP),
    Holding("supports", _l("Supports"), "supports", "user_id", ("id", "idea_id", "created_at", "suspended_at"), DELETE),
    Holding("follows", _l("Followed ideas"), "follows", "user_id", ("idea_id", "created_at", "last_notified_at"), DELETE),
    Holding("meeting_signups", _l("Events you signed up for"), "meeting_signups", "user_id", ("id", "meeting_id", "created_at"), DELETE),
    Holding("project_follows", _l("Followed projects"), "project_follows", "user_id", ("project_id", "created_at"), DELETE),
    Holding("reports", _l("Reports you made"), "reports", "user_id",
            ("id", "idea_id", "comment_id", "reason", "note", "status", "created_at"), DELETE),
    Holding("notifications", _l("Notifications"), "notifications", "user_id",
            ("id", "kind", "setting", "channel", "idea_id", "comment_id", "project_id", "announcement_id", "data",
             "count", "created_at", "updated_at", "read_at", "mailed_at"), DELETE,
            withheld={"user_id": "the account itself", "event_id": INTERNAL}),
    Holding("notification_settings", _l("Notification settings"), "notification_settings", "user_id",
            ("setting", "channel"), DELETE),
    Holding("events_caused", _l("Events you caused"), "notification_events", "actor_id",
            ("id", "kind", "idea_id", "comment_id", "project_id", "announcement_id", "data", "created_at"), UNLINK,
            withheld={"once_key": INTERNAL, "processed_at": INTERNAL}),
    Holding("mails", _l("Mails to you or naming your address"), "mail_queue", "to_address",
            ("id", "to_address", "subject", "body_text", "created_at", "sent_at", "failed_at"), DELETE,
            withheld={"body_html": "the same text as body_text, as HTML",
                      "headers": SECRET + " (the one-click unsubscribe link)", "message_id": INTERNAL,
                      "next_attempt_at": INTERNAL, "attempts": INTERNAL, "last_error": INTERNAL,
                      "claimed_by": INTERNAL, "claimed_until": INTERNAL},
            where=_addressed_to_or_naming),
    Holding("barrier_reports", _l("Reported barriers"), "barrier_reports", "email",
            ("id", "page", "description", "name", "email", "created_at", "handled_at"), DELETE, where=_reported_by),
    Holding("data_exports", _l("Downloads of your data"), "data_exports", "user_id",
            ("id", "requested_at", "ready_at", "expires_at", "downloaded_at", "failed_at"), DELETE,
            withheld={"file_name": INTERNAL, "size": INTERNAL, "claimed_by": INTERNAL, "claimed_until": INTERNAL,
                      "attempts": INTERNAL}),
    Holding("report_requests", _l("Reports you asked for"), "report_requests", "user_id",
            ("id", "starts_on", "ends_on", "requested_at", "ready_at", "expires_at", "failed_at"), DELETE,
            withheld={"file_name": INTERNAL, "size": INTERNAL, "claimed_by": INTERNAL, "claimed_until": INTERNAL,
                      "attempts": INTERNAL}),
    # Staff: what they did in the district's name.
    Holding("scores", _l("Scores you gave"), "scores", "user_id",
            ("id", "idea_id", "criterion_id", "value", "note", "updated_at"), KEEP),
    Holding("audit_entries", _l("Your actions in the audit log"), "audit_entries", "actor_id",
            ("id", "created_at", "action", "target_type", "target_id", "reason", "before", "after"), UNLINK),
    Holding("audit_about_you", _l("Audit log entries about your account"), "audit_entries", "target_id",
            ("id", "created_at", "action", "target_type", "target_id", "reason", "before", "after"), UNLINK,
            withheld={"actor_id": "the member of staff who acted"}, where=_about_account, erase=("reason",)),
    Holding("official_answers", _l("Official answers you wrote"), "official_answers", "author_id",
            ("id", "idea_id", "version", "body", "signature", "created_at"), UNLINK),
    Holding("announcements", _l("News you published"), "announcements", "author_id",
            ("id", "title", "body", "published_at"), UNLINK),
    Holding("legal_texts", _l("Legal texts you published"), "legal_texts", "author_id",
            ("id", "document", "version", "body", "is_material", "created_at"), UNLINK),
    Holding("project_status_changes", _l("Project status changes you made"), "project_status_changes", "actor_id",
            ("id", "project_id", "from_status", "to_status", "reason", "created_at", "idea_id", "event", "detail"), UNLINK),
)

# Tables that hold nothing about a person, and why.
NO_PERSONAL_DATA: dict[str, str] = {
    "municipalities": "reference data: the district and its towns",
    "action_fields": "reference data: the strategy's action fields",
    "criteria": "reference data: the evaluation rubric",
    "projects": "the portfolio's projects (no account is named in them; a contact's name and function are published by staff "
                "with that person's consent, docs/privacy.md)",
    "budget_lines": "the projects' budgets",
    "milestones": "the projects' milestones",
    "trials": "the projects' trials in the Reallabor",
    "project_partner_towns": "the towns taking part in the projects",
    "raeume": "reference data: the Smart-Cities call's seven Räume",
    "funding_call": "settings: the Smart-Cities call's limits (amounts, years, rate, deadlines)",
    "site_texts": "settings: the site's texts as the administration writes them (start page, vision, priority groups)",
    "meetings": "public events: place, time, description and report as staff publish them (no account is named; who planned "
                "one is in the audit log)",
    "meeting_action_fields": "the action fields of the events",
    "counters": "running numbers (project codes)",
    "content_versions": "the page cache's version number",
}

BY_SECTION = {holding.section: holding for holding in HOLDINGS}

"""Administration: accounts (roles, blocking, second factor), the audit log and the mail queue."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from app import audit
from app.audit import Target
from app.cache import declare
from app.models import AuditEntry

declare(private=(AuditEntry,))


audit.name_targets("mail_queue", lambda _id: Target(str(_l("Outgoing mail")), url_for("admin.mails")))

"""Administration: accounts (roles, blocking, second factor), the audit log and the mail queue."""

from app.cache import declare
from app.models import AuditEntry

declare(private=(AuditEntry,))

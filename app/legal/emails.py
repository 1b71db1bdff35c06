"""Mail to the administration about a reported barrier (queued in the caller's transaction)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.mail import queue_mail
from app.models import BarrierReport, User


def queue_barrier_report(admin: User, report: BarrierReport) -> None:
    body = _(
        "Hello,\n\nsomeone has reported a barrier on the idea platform.\n\nPage: %(page)s\n\n%(description)s\n\n"
        "Reply to: %(contact)s\n\nBITV 2.0 asks for an answer without delay.\n",
        page=report.page or "-",
        description=report.description,
        contact=report.email or _("no address given"),
    )
    queue_mail(admin.email, _("Barrier reported on %(site)s", site=current_app.config["PUBLIC_BASE_URL"]), body)

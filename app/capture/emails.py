"""The mail with the link to claim an idea taken down for someone (sent only with their consent)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.mail import queue_mail
from app.models import Idea
from app.urls import absolute_url


def queue_claim_link(email: str, idea: Idea, token: str) -> None:
    """It names the idea's title (the person's own words) and never the name of who took it down."""
    body = _(
        "Hello,\n\nyour idea “%(title)s” has been taken down for you on the Coesfeld 12.0 idea platform and published "
        "for review.\n\nWith this link you can take it into your own account (a new one or one you have), follow what "
        "happens to it and change it while it is not yet being reviewed:\n\n%(link)s\n\nThe link is valid for %(days)d days "
        "and can be used once. Then we delete your e-mail address. If you do not want this, you can ignore this mail; the "
        "idea stays published under the name you chose.\n",
        title=idea.title,
        link=absolute_url("capture.claim", token=token),
        days=current_app.config["IDEA_CLAIM_DAYS"],
    )
    queue_mail(email, _("Your idea on the Coesfeld 12.0 idea platform"), body)

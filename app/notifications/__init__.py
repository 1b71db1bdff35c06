"""Notifications: people hear what happens to what they care about, in the app and by mail.

- kinds.py     the kinds of events and the settings people choose per kind (with defaults)
- app/events.py (below the areas) records the events: services call it in the change's transaction (an outbox)
- fanout.py    the worker turns each event into notifications for its recipients (set-based SQL)
- mails.py     the worker mails them: at once, or in a daily or weekly digest; unsubscribe links
- messages.py  what a notification says and where it links (the page and the mails share it)
- services.py  reading, settings, announcements; routes.py the pages
"""

from flask import url_for
from flask_babel import gettext as _

from app import audit
from app.audit import Target
from app.cache import CachedPage, declare
from app.extensions import db
from app.models import Announcement, Notification, NotificationEvent, NotificationSetting

declare(
    pages={"notifications.news": CachedPage()},
    not_cached={"notifications.unsubscribe": "a signed link for one person"},
    public=(Announcement,),
    private=(NotificationEvent, Notification, NotificationSetting),
)


def _name_news(announcement_id: int) -> Target | None:
    news = db.session.get(Announcement, announcement_id)
    if news is None:
        return None
    return Target(_("News “%(title)s”", title=news.title), url_for("notifications.news") + f"#neuigkeit-{announcement_id}")


audit.name_targets("announcement", _name_news)

"""The kinds of events and the settings people choose for them.

A setting is "<relation>.<kind of event>": own ideas and comments, or ideas followed; news and
the staff's summary stand alone. Each has a default channel: own ideas at once, followed ideas
in the daily digest, news not by mail until someone opts in.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# The event kinds are recorded by app/events.py (below the areas); here they are named again for
# the notification code that reads them.
from app.events import (  # noqa: F401 (re-exported for the notification code)
    COMMENT_NEW,
    COMMENT_REPLY,
    IDEA_ANSWER,
    IDEA_STATE,
    ITEM_HIDDEN,
    ITEM_RESTORED,
    MEETING_PLACE,
    MEETING_REMINDER,
    NEWS,
    PROJECT_CONTRIBUTION,
    PROJECT_MILESTONE,
    PROJECT_STATUS,
    PROJECT_UPDATE,
    STAFF_SUMMARY,
)
from app.models.notification import CHANNEL_DAILY, CHANNEL_IMMEDIATE, CHANNEL_OFF, CHANNEL_WEEKLY

# What each kind is, for the settings: its group of events.
GROUP_OF = {
    IDEA_STATE: "state",
    PROJECT_STATUS: "state",
    IDEA_ANSWER: "answer",
    COMMENT_NEW: "comment",
    COMMENT_REPLY: "comment",
    ITEM_HIDDEN: "moderation",
    ITEM_RESTORED: "moderation",
    PROJECT_CONTRIBUTION: "project",
    PROJECT_UPDATE: "project",
    PROJECT_MILESTONE: "project",
}
FOLLOWED_PROJECT = "followed.project"  # every notification about a project someone follows


@dataclass(frozen=True)
class Setting:
    key: str
    label: object
    default: str
    staff_only: bool = False


SETTINGS = (
    Setting("own.state", _l("My ideas change state (in review, declined, candidate, portfolio …)"), CHANNEL_IMMEDIATE),
    Setting("own.answer", _l("An official answer to my ideas"), CHANNEL_IMMEDIATE),
    Setting("own.comment", _l("Comments on my ideas and replies to my comments"), CHANNEL_IMMEDIATE),
    Setting("own.moderation", _l("My ideas or comments are hidden or shown again"), CHANNEL_IMMEDIATE),
    Setting("followed.state", _l("Ideas I follow change state"), CHANNEL_DAILY),
    Setting("followed.answer", _l("An official answer to ideas I follow"), CHANNEL_DAILY),
    Setting("own.meeting", _l("Events I signed up for: a place freed for me, a reminder the day before"), CHANNEL_IMMEDIATE),
    Setting(FOLLOWED_PROJECT, _l("Projects I follow: a new contribution, a status change, a milestone, what happens next"), CHANNEL_DAILY),
    Setting("news", _l("News from the district (workshops, decisions)"), CHANNEL_OFF),
    Setting("staff.summary", _l("Daily summary of the moderation queue"), CHANNEL_IMMEDIATE, staff_only=True),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}

CHANNEL_LABELS = {
    CHANNEL_IMMEDIATE: _l("immediately"),
    CHANNEL_DAILY: _l("daily digest"),
    CHANNEL_WEEKLY: _l("weekly digest"),
    CHANNEL_OFF: _l("no e-mail"),
}


def setting_for(kind: str, own: bool) -> str:
    """The setting that decides about a notification of this kind."""
    if kind in (NEWS, STAFF_SUMMARY):
        return kind
    return f"{'own' if own else 'followed'}.{GROUP_OF[kind]}"

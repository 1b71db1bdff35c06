"""Who moderates which idea: the one rule every moderation service and view asks (decision 0025).

The district's moderators (ROLE_MODERATOR) moderate every idea. A town's digital officer
(ROLE_OFFICER) moderates the ideas of the towns the administration assigned (OfficerTown) and
reads everything else like a citizen. Ideas of the whole district ("Kreis Coesfeld (kreisweit)"),
ideas without a town and comments on portfolio projects stay with the district's moderators: an
officer is never assigned the district row (app/admin/services.py refuses it), and a missing town
is in nobody's list.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Idea, OfficerTown, User
from app.models.user import ROLE_ADMIN, ROLE_MODERATOR, ROLE_OFFICER, ROLE_STEERING

MODERATING_ROLES = (ROLE_MODERATOR, ROLE_OFFICER)  # who may open the moderation area at all


def moderates_everything(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.has_role(ROLE_MODERATOR)


def officer_towns(user: User | None) -> frozenset[int]:
    """The ids of the towns an officer looks after (empty for everyone else). One small query each
    time, not cached: officers are few, and a change of their towns counts at once."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role(ROLE_OFFICER):
        return frozenset()
    return frozenset(db.session.scalars(select(OfficerTown.municipality_id).where(OfficerTown.user_id == user.id)))


def town_scope(user: User | None) -> frozenset[int] | None:
    """The towns whose ideas `user` moderates: None for all (a district moderator), else the officer's."""
    return None if moderates_everything(user) else officer_towns(user)


def may_moderate(user: User | None, item: Idea | Comment) -> bool:
    """Whether `user` may review, answer, score, hide, restore or merge this idea (or act on this comment)."""
    if moderates_everything(user):
        return True
    if isinstance(item, Comment):
        if item.idea is None:
            return False  # a comment on a project: the district's
        item = item.idea
    return item.municipality_id is not None and item.municipality_id in officer_towns(user)


def sees_hidden(user: User | None, item: Idea | Comment) -> bool:
    """Staff see hidden ideas and comments; a town's digital officer only those of their towns."""
    if user is None or not getattr(user, "is_staff", False):
        return False
    return user.has_role(ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN) or may_moderate(user, item)

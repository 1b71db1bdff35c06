"""Taking down an idea for someone, and the claim of it. Functions flush, never commit.

The idea goes through the same review as every idea: it is published as the person's words and
waits in the moderation's queue like any other; nothing is published without it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app import audit
from app.auth import services as auth_services
from app.capture import emails
from app.database import rows_changed
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.ideas import services as idea_services
from app.models import Follow, Idea, IdeaClaim, Meeting, User, utcnow
from app.models.idea import AUTHOR_LABEL_MAX
from app.models.user import ROLE_ADMIN, ROLE_HELPER, ROLE_MODERATOR, ROLE_OFFICER, ROLE_STEERING
from app.security import one_line, token_hash

# Who takes down ideas for others, in the order their role is named on the idea.
CAPTURE_ROLES = (ROLE_HELPER, ROLE_OFFICER, ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN)
PUBLIC_NAME_MAX = 60


@dataclass
class OnBehalf:
    """Who the idea is from, as that person chose: a public name (or none: "Teilnehmende:r des
    Workshops …"), the event it was collected at, and an address for the claim link (with consent)."""

    public_name: str = ""
    meeting_id: int | None = None
    email: str = ""
    consent: bool = False


def capture_role(user: User) -> str:
    """The role the idea names ("erfasst von Digitallotse …"): the first of CAPTURE_ROLES the account holds."""
    return next((role for role in CAPTURE_ROLES if user.has_role(role)), "")


def take_down(actor: User, card: idea_services.IdeaCard, who: OnBehalf) -> tuple[Idea, str | None]:
    """Enter an idea for someone who is not online; if they gave an address (with consent), queue
    the mail with the claim link. Returns the idea and the link's token (only its hash is stored)."""
    role = capture_role(actor)
    if not role:
        raise NotAllowed()
    name = auth_services.check_public_name(one_line(who.public_name or ""))
    if len(name) > PUBLIC_NAME_MAX:
        raise InvalidInput(_l("The name may be at most %(max)d characters long.", max=PUBLIC_NAME_MAX))
    meeting = db.session.get(Meeting, who.meeting_id) if who.meeting_id else None
    if who.meeting_id and meeting is None:
        raise InvalidInput(_l("Please choose an event from the list."))
    if not name and meeting is None:
        raise InvalidInput(_l("Please give the name the person wants to be shown with, or choose the event where the idea was collected."))
    email = (who.email or "").strip()
    if email and not who.consent:
        raise InvalidInput(_l("Only with the person's consent: please tick that they agree to get the link by e-mail."))
    idea = idea_services.submit_idea(actor, card, publish=True)
    idea.entered_by_id = actor.id
    idea.entered_role = role
    idea.entered_at = utcnow()
    idea.meeting_id = meeting.id if meeting else None
    idea.author_label = (name or _("Participant of the workshop “%(event)s”", event=meeting.title if meeting else ""))[:AUTHOR_LABEL_MAX]
    token = None
    if email:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        db.session.add(IdeaClaim(idea_id=idea.id, email=email, consent_at=now, token_hash=token_hash(token), created_at=now,
                                 expires_at=now + timedelta(days=current_app.config["IDEA_CLAIM_DAYS"])))
        emails.queue_claim_link(email, idea, token)
    db.session.flush()
    audit.record(actor, "idea.taken_down", "idea", idea.id, after={"role": role, "event": meeting.title if meeting else None,
                                                                    "claim_link": bool(email)})
    return idea, token


def claim_of(token: str) -> IdeaClaim | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(IdeaClaim).where(IdeaClaim.token_hash == token_hash(token)))


class ClaimUsed(InvalidInput):
    default_message = _l("This link has been used already: the idea belongs to an account now.")


class ClaimExpired(InvalidInput):
    default_message = _l("This link has expired. Ask the person who took down your idea, or the district, to help you.")


def check_claimable(claim: IdeaClaim) -> None:
    if claim.claimed_at is not None:
        raise ClaimUsed()
    if claim.expires_at <= utcnow() or claim.token_hash is None:
        raise ClaimExpired()


def claim_idea(claim: IdeaClaim, user: User) -> Idea:
    """The person takes the idea into their account: from now on it is theirs like any other. The
    link is used up and the address deleted (the account has its own). Flushes."""
    if not user.is_confirmed:
        raise NotAllowed(_l("Please confirm your e-mail address first."))
    # One use only, even if two requests arrive together: the row changes only while unclaimed.
    now = utcnow()
    taken = rows_changed(
        update(IdeaClaim).where(IdeaClaim.id == claim.id, IdeaClaim.claimed_at.is_(None), IdeaClaim.expires_at > now)
        .values(claimed_at=now, claimed_by_id=user.id, email=None, token_hash=None)
    )
    if taken != 1:
        db.session.refresh(claim)
        check_claimable(claim)
        raise ClaimUsed()
    idea = claim.idea
    before = {"author": idea.author_id}
    idea.author_id = user.id
    idea.author_label = ""
    db.session.flush()
    if db.session.get(Follow, (user.id, idea.id)) is None:
        db.session.add(Follow(user_id=user.id, idea_id=idea.id))
    db.session.flush()
    audit.record(user, "idea.claimed", "idea", idea.id, before=before, after={"author": user.id})
    return idea


def expire_claims(now: datetime | None = None) -> int:
    """Unclaimed links past their time: the address is deleted and the link stops working (retention)."""
    now = now or utcnow()
    return rows_changed(
        update(IdeaClaim).where(IdeaClaim.claimed_at.is_(None), IdeaClaim.expires_at <= now, IdeaClaim.email.is_not(None))
        .values(email=None, token_hash=None)
    )

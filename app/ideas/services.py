"""Rules for writing and changing ideas. Functions flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import events as notification_events
from app import search
from app.auth import scope
from app.errors import InvalidInput, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas import states
from app.models import ActionField, Follow, Idea, IdeaStateChange, Municipality, Project, User, utcnow
from app.models.idea import DRAFT, LONG_TEXT_MAX, PARTNERS_MAX, PUBLISHED, SUMMARY_MAX, TITLE_MAX, WITHDRAWN
from app.reasons import clean_reason
from app.security import one_line


@dataclass
class IdeaCard:
    """The content of the draft card, as the author wrote it."""

    title: str
    summary: str
    benefit: str
    challenges: str
    municipality_id: int
    action_field_ids: list[int] = field(default_factory=list)
    partners: str = ""
    project_id: int | None = None  # "Meine Idee ergänzt ein bestehendes Projekt"

    def cleaned(self) -> IdeaCard:
        return IdeaCard(
            title=one_line(self.title),
            summary=self.summary.strip(),
            benefit=self.benefit.strip(),
            challenges=self.challenges.strip(),
            municipality_id=self.municipality_id,
            action_field_ids=sorted(set(self.action_field_ids)),
            partners=(self.partners or "").strip(),
            project_id=self.project_id or None,
        )


def active_action_fields(ids: list[int]) -> list[ActionField]:
    """The active action fields among `ids`, in their order (fewer than asked: one is unknown or retired)."""
    if not ids:
        return []
    return list(db.session.scalars(select(ActionField).where(ActionField.id.in_(ids), ActionField.is_active.is_(True))
                                   .order_by(ActionField.position)))


def _check_card(card: IdeaCard, *, complete: bool) -> tuple[Municipality, list[ActionField]]:
    """The card's town and fields, or InvalidInput. A `complete` card (to be published, or already
    public) has every field; a private draft needs only its title: without a town it is kept as the
    district's ("kreisweit") until the author chooses, and it may have no action field yet."""
    limits = (
        (card.title, TITLE_MAX),
        (card.summary, SUMMARY_MAX),
        (card.benefit, LONG_TEXT_MAX),
        (card.challenges, LONG_TEXT_MAX),
        (card.partners, PARTNERS_MAX),
    )
    if not card.title:
        raise InvalidInput(_l("Please give your idea a title."))
    if complete and not (card.summary and card.benefit and card.challenges):
        raise InvalidInput(_l("Please fill in every field of the card."))
    if any(len(value) > limit for value, limit in limits):
        raise InvalidInput(_l("A text is longer than allowed."))
    if not card.municipality_id and not complete:
        municipality = db.session.scalar(select(Municipality).where(Municipality.is_district.is_(True)))
    else:
        municipality = db.session.get(Municipality, card.municipality_id)
    if municipality is None:
        raise InvalidInput(_l("Please choose a municipality."))
    fields = active_action_fields(card.action_field_ids)
    if len(fields) != len(card.action_field_ids) or (complete and not fields):
        raise InvalidInput(_l("Please choose at least one action field."))
    if card.project_id is not None and db.session.get(Project, card.project_id) is None:
        raise InvalidInput(_l("Please choose a project of the portfolio from the list."))
    return municipality, fields


def _apply_card(idea: Idea, card: IdeaCard, *, complete: bool) -> None:
    municipality, fields = _check_card(card, complete=complete)
    idea.title = card.title
    idea.summary = card.summary
    idea.benefit = card.benefit
    idea.challenges = card.challenges
    idea.partners = card.partners
    idea.municipality = municipality
    idea.action_fields = fields
    idea.project_id = card.project_id
    idea.search_document = search.idea_document(idea)


def _require_complete(idea: Idea) -> None:
    """A draft kept with only its title is published once its card is whole."""
    if not (idea.summary and idea.benefit and idea.challenges and idea.action_fields):
        raise InvalidInput(_l("Please complete the card first: short description, benefit, challenges and at least one action field."))


def record_state_change(idea: Idea, to_status: str, actor: User | None, reason: str = "") -> None:
    now = utcnow()
    db.session.add(
        IdeaStateChange(idea=idea, from_status=idea.status, to_status=to_status, actor=actor, reason=reason, created_at=now)
    )
    if idea.id is not None:
        notification_events.state_changed(idea, idea.status, to_status, actor, reason)
    idea.status = to_status
    idea.status_changed_at = now
    if to_status == PUBLISHED and idea.published_at is None:
        idea.published_at = now


def change_state(idea: Idea, to_status: str, actor: User, role: str, reason: str = "") -> None:
    """Move an idea along the table in app/ideas/states.py, or refuse with a message."""
    reason = (reason or "").strip()
    if not states.allowed(idea.status, to_status, role):
        raise InvalidTransition(
            _l(
                "An idea in the state “%(current)s” cannot be moved to “%(target)s”.",
                current=states.label(idea.status),
                target=states.label(to_status),
            )
        )
    if to_status in states.REASON_REQUIRED and not reason:
        raise InvalidInput(_l("Please give a reason; it will be shown publicly."))
    record_state_change(idea, to_status, actor, clean_reason(reason, required=False))


def submit_idea(author: User, card: IdeaCard, publish: bool) -> Idea:
    """A new idea on the card, kept as a private draft or published at once."""
    if not author.is_confirmed:
        raise NotAllowed(_l("Please confirm your e-mail address first."))
    card = card.cleaned()
    now = utcnow()
    idea = Idea(author=author, status=DRAFT, created_at=now, edited_at=now, status_changed_at=now)
    _apply_card(idea, card, complete=publish)
    db.session.add(idea)
    db.session.add(IdeaStateChange(idea=idea, from_status=None, to_status=DRAFT, actor=author))
    if publish:
        change_state(idea, PUBLISHED, author, states.AUTHOR)
    db.session.flush()
    db.session.add(Follow(user_id=author.id, idea_id=idea.id))  # authors follow their own ideas
    db.session.flush()
    return idea


def can_edit(idea: Idea, user: User | None) -> bool:
    return (
        user is not None
        and getattr(user, "id", None) == idea.author_id
        and idea.status in states.EDITABLE_STATES
    )


def edit_idea(idea: Idea, editor: User, card: IdeaCard, publish: bool = False) -> None:
    """The author changes the card; with publish, a draft is published in the same step."""
    if idea.author_id != editor.id:
        raise NotAllowed()
    if idea.status not in states.EDITABLE_STATES:
        raise NotAllowed(_l("This idea is being reviewed by the moderation and can no longer be edited."))
    _apply_card(idea, card.cleaned(), complete=publish or not idea.is_draft)
    idea.edited_at = utcnow()
    db.session.flush()
    if publish and idea.is_draft:
        publish_idea(idea, editor)


def publish_idea(idea: Idea, author: User) -> None:
    if idea.author_id != author.id:
        raise NotAllowed()
    if not author.is_confirmed:
        raise NotAllowed(_l("Please confirm your e-mail address first."))
    _require_complete(idea)
    change_state(idea, PUBLISHED, author, states.AUTHOR)
    db.session.flush()


def withdraw_idea(idea: Idea, author: User, reason: str) -> None:
    if idea.author_id != author.id:
        raise NotAllowed()
    change_state(idea, WITHDRAWN, author, states.AUTHOR, reason)
    db.session.flush()


def delete_draft(idea: Idea, author: User) -> None:
    if idea.author_id != author.id:
        raise NotAllowed()
    if idea.status != DRAFT:
        raise InvalidTransition(_l("Only drafts can be deleted; published ideas can be withdrawn."))
    db.session.delete(idea)
    db.session.flush()


def can_view(idea: Idea, user: User | None) -> bool:
    """Drafts only for their author; hidden ideas for their author and staff."""
    is_author = user is not None and getattr(user, "id", None) == idea.author_id
    if idea.status == DRAFT:
        return is_author
    if idea.is_hidden:
        return is_author or scope.sees_hidden(user, idea)
    return True

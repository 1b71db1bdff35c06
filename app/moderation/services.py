"""What moderators do: review, decline, promote, merge, hide and restore, answer, settle reports.

Every function checks the actor's role itself (views check too), writes an
audit entry in the same transaction, flushes and never commits.
Which state changes exist is decided by app/ideas/states.py alone.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, literal, select, update

from app import audit, search
from app import events as notification_events
from app.auth import scope
from app.database import insert_unless_exists, rows_changed
from app.errors import InvalidInput, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas import services as idea_services
from app.ideas import states
from app.models import (
    Comment,
    Follow,
    Idea,
    IdeaStateChange,
    Municipality,
    OfficialAnswer,
    Project,
    Report,
    Support,
    User,
    utcnow,
)
from app.models.idea import (
    CANDIDATE,
    DECLINED,
    HIDDEN_BY_MODERATION,
    HIDDEN_BY_REPORTS,
    IN_PORTFOLIO,
    IN_REVIEW,
    MERGED,
    MOVED_FROM_MAX,
    PROJECT_LINKED,
    PROJECT_UNLINKED,
    PUBLISHED,
)
from app.models.moderation import ANSWER_MAX, SIGNATURE_MAX
from app.models.participation import REPORT_OPEN
from app.models.user import ROLE_MODERATOR
from app.participation import services as participation
from app.reasons import clean_reason

# The moderation's own state changes; merging has its own function.
MODERATION_TARGETS = (IN_REVIEW, CANDIDATE, DECLINED)
MERGE_TARGET_STATES = frozenset({PUBLISHED, IN_REVIEW, CANDIDATE})


def require_moderator(actor: User) -> None:
    """A district moderator: for what is the district's alone (links to projects, project comments)."""
    if actor is None or not actor.has_role(ROLE_MODERATOR):
        raise NotAllowed()


def require_moderator_of(actor: User, item: Idea | Comment) -> None:
    """A moderator of this idea (or of the idea of this comment): the district's, or the officer of its town."""
    if actor is None or not actor.has_role(*scope.MODERATING_ROLES):
        raise NotAllowed()
    if not scope.may_moderate(actor, item):
        raise NotAllowed(_l("This idea belongs to another town: its digital officer or the district's moderation decides."))


def snapshot(item: Idea | Comment) -> dict[str, Any]:
    """The state an audit entry records before and after a change."""
    data: dict[str, Any] = {"is_hidden": item.is_hidden, "hidden_cause": item.hidden_cause}
    if isinstance(item, Idea):
        data.update(status=item.status, merged_into_id=item.merged_into_id)
    return data


def available_transitions(idea: Idea) -> list[str]:
    """The states the moderation may move this idea to now (for the buttons)."""
    return [to for to in MODERATION_TARGETS if states.allowed(idea.status, to, states.MODERATION)]


# State changes -----------------------------------------------------------

def change_status(idea: Idea, to_status: str, actor: User, reason: str = "") -> None:
    """Take into review, promote to candidate or decline (with a public reason)."""
    require_moderator_of(actor, idea)
    if to_status not in MODERATION_TARGETS:
        raise InvalidTransition()
    before = snapshot(idea)
    idea_services.change_state(idea, to_status, actor, states.MODERATION, reason)
    db.session.flush()
    audit.record(actor, "idea.status", "idea", idea.id, reason=reason.strip(), before=before, after=snapshot(idea))


def link_project(idea: Idea, actor: User, project: Project | None, reason: str) -> bool:
    """Link an idea to the portfolio project it builds on, change the link or remove it (project
    None), with a public reason in the idea's history. An idea in the portfolio stays with its
    project. Flushes. False if the link was already so."""
    require_moderator(actor)
    if idea.is_draft:
        raise NotAllowed()
    if idea.status == IN_PORTFOLIO:
        raise InvalidInput(_l("An idea in the portfolio belongs to its project; the link cannot be changed."))
    reason = clean_reason(reason, required=True)
    if idea.project_id == (project.id if project else None):
        return False
    before = {"project": idea.project.code if idea.project else None}
    idea.project = project
    db.session.add(IdeaStateChange(idea=idea, from_status=idea.status, to_status=idea.status, actor=actor, reason=reason,
                                   project_link=PROJECT_LINKED if project else PROJECT_UNLINKED, project=project, created_at=utcnow()))
    db.session.flush()
    audit.record(actor, "idea.project_link", "idea", idea.id, reason=reason, before=before,
                 after={"project": project.code if project else None})
    return True


def move_idea(idea: Idea, actor: User, *, action_field_ids: list[int], municipality_id: int, reason: str) -> bool:
    """Move an idea to other action fields or another town ("Falsches Themenfeld"), with a public
    reason in its history; the state stays. A town's digital officer may hand an idea of their town
    to another. Flushes. False if nothing changed."""
    require_moderator_of(actor, idea)
    if idea.is_draft:
        raise NotAllowed()
    reason = clean_reason(reason, required=True)
    fields = idea_services.active_action_fields(sorted(set(action_field_ids)))
    if not fields or len(fields) != len(set(action_field_ids)):
        raise InvalidInput(_l("Please choose at least one action field."))
    town = db.session.get(Municipality, municipality_id)
    if town is None:
        raise InvalidInput(_l("Please choose a municipality."))
    before_fields, before_town = [f.name for f in idea.action_fields], idea.municipality.name
    if {f.id for f in fields} == {f.id for f in idea.action_fields} and town.id == idea.municipality_id:
        return False
    moved_from = f"{', '.join(before_fields)} · {before_town}"  # names, not words of one language
    idea.action_fields = fields
    idea.municipality = town
    idea.search_document = search.idea_document(idea)
    db.session.add(IdeaStateChange(idea=idea, from_status=idea.status, to_status=idea.status, actor=actor, reason=reason,
                                   moved_from=moved_from[:MOVED_FROM_MAX], created_at=utcnow()))
    db.session.flush()
    audit.record(actor, "idea.move", "idea", idea.id, reason=reason, before={"fields": before_fields, "town": before_town},
                 after={"fields": [f.name for f in fields], "town": town.name})
    return True


def review_many(ideas: list[Idea], actor: User) -> int:
    """Take several published ideas into review at once (the dashboard's bulk action). All or
    nothing: one that cannot be taken (changed meanwhile) refuses the lot. Returns how many."""
    for idea in ideas:
        change_status(idea, IN_REVIEW, actor)
    return len(ideas)


def merge_idea(source: Idea, target: Idea, actor: User, reason: str) -> int:
    """Merge `source` into `target`. Returns how many supports carried over.

    The source keeps its page and comments and points to the target. Its
    supporters and followers carry over; someone who supported both counts
    once (the unique constraint decides, inside the INSERT, so a support
    arriving at the same moment cannot be counted twice).

    A digital officer merges only within their towns: both ideas must be theirs.
    """
    require_moderator_of(actor, source)
    require_moderator_of(actor, target)
    if source.id == target.id:
        raise InvalidInput(_l("An idea cannot be merged into itself."))
    if target.status not in MERGE_TARGET_STATES or target.is_hidden:
        raise InvalidInput(_l("Ideas can only be merged into a visible idea that is published, in review or a candidate."))
    before = snapshot(source)
    idea_services.change_state(source, MERGED, actor, states.MODERATION, reason)
    source.merged_into_id = target.id
    carried_supporters = db.session.execute(
        insert_unless_exists(Support)
        .from_select(
            ["idea_id", "user_id", "created_at", "suspended_at"],
            select(literal(target.id), Support.user_id, Support.created_at, Support.suspended_at).where(
                Support.idea_id == source.id, Support.user_id != target.author_id
            ),
        )
        .returning(Support.user_id, Support.suspended_at)
    ).all()
    carried = sum(1 for row in carried_supporters if row.suspended_at is None)  # a blocked account's stays suspended
    if carried:
        db.session.execute(
            update(Idea).where(Idea.id == target.id).values(support_count=Idea.support_count + carried)
        )
    db.session.execute(
        insert_unless_exists(Follow)
        .from_select(
            ["user_id", "idea_id", "created_at"],
            select(Follow.user_id, literal(target.id), Follow.created_at).where(
                Follow.idea_id == source.id
            ),
        )
    )
    db.session.flush()
    db.session.refresh(target, attribute_names=["support_count"])
    audit.record(
        actor,
        "idea.merge",
        "idea",
        source.id,
        reason=reason.strip(),
        before=before,
        after={**snapshot(source), "supports_carried_over": carried},
    )
    return carried


# Hiding and restoring ------------------------------------------------------

def _settle_reports(item: Idea | Comment, status: str) -> int:
    column = Report.idea_id if isinstance(item, Idea) else Report.comment_id
    return rows_changed(
        update(Report)
        .where(column == item.id, Report.status == REPORT_OPEN)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )


def _kind(item: Idea | Comment) -> str:
    return "idea" if isinstance(item, Idea) else "comment"


def _hide(item: Idea | Comment, actor: User, reason: str, action: str) -> None:
    require_moderator_of(actor, item)
    reason = clean_reason(reason, required=True)
    before = snapshot(item)
    if item.is_hidden:
        item.hidden_cause = HIDDEN_BY_MODERATION  # a moderator now stands behind it
    else:
        participation.hide(item, HIDDEN_BY_MODERATION)
    settled = _settle_reports(item, "actioned")
    db.session.flush()
    audit.record(actor, action, _kind(item), item.id, reason=reason, before=before,
                 after={**snapshot(item), "reports_settled": settled})


def hide_item(item: Idea | Comment, actor: User, reason: str) -> None:
    """Hide an idea or comment (reason required); its open reports count as acted upon."""
    _hide(item, actor, reason, f"{_kind(item)}.hide")


def restore_item(item: Idea | Comment, actor: User, reason: str = "") -> None:
    """Show a hidden idea or comment again; its open reports count as dismissed."""
    require_moderator_of(actor, item)
    reason = clean_reason(reason, required=False)
    if not item.is_hidden:
        raise InvalidInput(_l("This item is not hidden."))
    before = snapshot(item)
    participation.restore(item)
    settled = _settle_reports(item, "dismissed")
    db.session.flush()
    audit.record(actor, f"{_kind(item)}.restore", _kind(item), item.id, reason=reason, before=before,
                 after={**snapshot(item), "reports_settled": settled})


def dismiss_reports(item: Idea | Comment, actor: User, reason: str = "") -> int:
    """The reports are unfounded: close them, and show the item again if the reports hid it."""
    require_moderator_of(actor, item)
    reason = clean_reason(reason, required=False)
    before = snapshot(item)
    settled = _settle_reports(item, "dismissed")
    if item.is_hidden and item.hidden_cause == HIDDEN_BY_REPORTS:
        participation.restore(item)
    db.session.flush()
    audit.record(actor, "report.dismiss", _kind(item), item.id, reason=reason, before=before,
                 after={**snapshot(item), "reports_settled": settled})
    return settled


# Official answers ----------------------------------------------------------

def current_answer(idea: Idea) -> OfficialAnswer | None:
    return db.session.scalar(
        select(OfficialAnswer).where(OfficialAnswer.idea_id == idea.id).order_by(OfficialAnswer.version.desc()).limit(1)
    )


_ANSWERS_OF_IDEA = select(OfficialAnswer).where(OfficialAnswer.idea_id == bindparam("idea_id")).order_by(OfficialAnswer.version.desc())


def answer_history(idea: Idea) -> list[OfficialAnswer]:
    """The idea's official answers, newest first (a statement built once: the idea's page reads it)."""
    return list(db.session.scalars(_ANSWERS_OF_IDEA, {"idea_id": idea.id}))


def default_signature(actor: User) -> str:
    """E.g. "Moderation, Dülmen"; "Moderation, Kreis Coesfeld" for district staff."""
    place = actor.municipality.name if actor.municipality and not actor.municipality.is_district else "Kreis Coesfeld"
    return f"Moderation, {place}"


def publish_answer(idea: Idea, actor: User, body: str, signature: str) -> OfficialAnswer:
    """Publish the official answer on an idea, or a new version of it (the old ones stay as history)."""
    require_moderator_of(actor, idea)
    if idea.is_draft:
        raise NotAllowed()
    body = (body or "").strip()
    signature = (signature or "").strip()
    if not body:
        raise InvalidInput(_l("Please write the answer."))
    if len(body) > ANSWER_MAX:
        raise InvalidInput(_l("The answer may be at most 5,000 characters long."))
    if not signature or len(signature) > SIGNATURE_MAX:
        raise InvalidInput(_l("Please sign the answer (at most 120 characters)."))
    previous = current_answer(idea)
    if previous is not None and previous.body == body and previous.signature == signature:
        raise InvalidInput(_l("The answer is unchanged."))
    answer = OfficialAnswer(
        idea_id=idea.id,
        version=(previous.version + 1) if previous else 1,
        body=body,
        signature=signature,
        author_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(answer)
    db.session.flush()
    audit.record(
        actor,
        "idea.answer",
        "idea",
        idea.id,
        before={"version": previous.version, "body": previous.body} if previous else None,
        after={"version": answer.version, "body": body, "signature": signature},
    )
    notification_events.answered(idea, actor, answer.version)
    return answer

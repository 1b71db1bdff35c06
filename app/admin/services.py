"""Account administration (roles, blocking, resetting the second factor), the mail queue, and the
district's own settings: the towns' names and office addresses, the action fields, the rubric's criteria, the Räume and the funding call's limits, the site's texts.

Each function is used by the admin pages and the `flask users` commands,
writes an audit entry, flushes and never commits. `actor` is None when the
command line acts (the operator has the server, not an account).
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app import audit, mail, reference
from app.auth import second_factor
from app.auth import services as auth_services
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import (
    ActionField,
    AuthSession,
    Comment,
    Criterion,
    FundingCall,
    Idea,
    Municipality,
    OfficerTown,
    Raum,
    SiteText,
    User,
    utcnow,
)
from app.models.idea import HIDDEN_BY_BLOCK
from app.models.moderation import AXES
from app.models.portfolio import AMOUNT_MAX, FUNDING_CALL_ID
from app.models.site import SITE_TEXT_MAX
from app.models.user import ROLE_ADMIN, ROLE_OFFICER, STAFF_ROLES
from app.participation import services as participation
from app.portfolio.budgets import CallLimits
from app.reasons import clean_reason
from app.reference import SITE_TEXT_KEYS
from app.security import one_line


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.has_role(ROLE_ADMIN):
        raise NotAllowed()


def _roles(user: User) -> list[str]:
    return sorted(r.role for r in user.roles)


def grant_role(user: User, role: str, actor: User | None) -> bool:
    _require_admin(actor)
    before = _roles(user)
    if not auth_services.grant_role(user, role):
        return False
    # Sessions opened without the second factor end by themselves (app/auth/sessions.py).
    audit.record(actor, "user.grant", "user", user.id, before={"roles": before}, after={"roles": _roles(user)})
    return True


def revoke_role(user: User, role: str, actor: User | None) -> bool:
    _require_admin(actor)
    if role not in STAFF_ROLES:
        raise InvalidInput(_l("Unknown role."))
    if actor is not None and actor.id == user.id and role == ROLE_ADMIN:
        raise NotAllowed(_l("You cannot take away your own administration role."))
    before = _roles(user)
    if role not in before:
        return False
    user.roles = [r for r in user.roles if r.role != role]  # delete-orphan removes the row
    towns = _town_names(user) if role == ROLE_OFFICER else []
    if towns:
        user.officer_towns = []  # an officer's towns go with the role
    db.session.flush()
    audit.record(actor, "user.revoke", "user", user.id, before={"roles": before, **({"towns": towns} if towns else {})},
                 after={"roles": _roles(user), **({"towns": []} if towns else {})})
    return True


def _town_names(user: User) -> list[str]:
    return sorted(t.municipality.name for t in user.officer_towns)


def set_officer_towns(user: User, municipality_ids: list[int], actor: User | None) -> bool:
    """The towns a digital officer looks after (app/auth/scope.py): one or more of the 11 towns,
    never the district row. False if they were so already."""
    _require_admin(actor)
    if not user.has_role(ROLE_OFFICER):
        raise InvalidInput(_l("Grant the role “digital officer of a town” first, then choose the towns."))
    wanted = set(municipality_ids)
    towns = {m.id: m for m in db.session.scalars(select(Municipality).where(Municipality.id.in_(wanted)))} if wanted else {}
    if len(towns) != len(wanted):
        raise InvalidInput(_l("Please choose towns from the list."))
    if any(m.is_district for m in towns.values()):
        raise InvalidInput(_l("District-wide ideas stay with the district's moderation: choose one or more towns."))
    before = _town_names(user)
    if wanted == {t.municipality_id for t in user.officer_towns}:
        return False
    user.officer_towns = [t for t in user.officer_towns if t.municipality_id in wanted] + [
        OfficerTown(user_id=user.id, municipality_id=ident) for ident in sorted(wanted - {t.municipality_id for t in user.officer_towns})
    ]
    db.session.flush()
    db.session.expire(user, ["officer_towns"])
    audit.record(actor, "user.officer_towns", "user", user.id, before={"towns": before}, after={"towns": _town_names(user)})
    return True


def block_user(user: User, actor: User | None, reason: str = "") -> int:
    """Block an account: it cannot log in, its sessions end, its ideas and comments are hidden.

    Returns how many items were hidden. Items already hidden for another cause stay as they are.
    """
    _require_admin(actor)
    reason = clean_reason(reason, required=False)
    if actor is not None and actor.id == user.id:
        raise NotAllowed(_l("You cannot block your own account."))
    if user.is_blocked:
        return 0
    user.is_blocked = True
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    suspended = participation.suspend_supports(user)
    hidden = 0
    visible: list[Idea | Comment] = [
        *db.session.scalars(select(Idea).where(Idea.author_id == user.id, Idea.is_hidden.is_(False))),
        *db.session.scalars(select(Comment).where(Comment.author_id == user.id, Comment.is_hidden.is_(False))),
    ]
    for item in visible:
        participation.hide(item, HIDDEN_BY_BLOCK)
        hidden += 1
    db.session.flush()
    audit.record(actor, "user.block", "user", user.id, reason=reason,
                 before={"is_blocked": False}, after={"is_blocked": True, "items_hidden": hidden, "supports_suspended": suspended})
    return hidden


def unblock_user(user: User, actor: User | None, reason: str = "") -> int:
    """Undo a block: the account can log in again, and what the block hid is shown again."""
    _require_admin(actor)
    reason = clean_reason(reason, required=False)
    if not user.is_blocked:
        return 0
    user.is_blocked = False
    resumed = participation.resume_supports(user)
    restored = 0
    hidden: list[Idea | Comment] = [
        *db.session.scalars(select(Idea).where(Idea.author_id == user.id, Idea.hidden_cause == HIDDEN_BY_BLOCK)),
        *db.session.scalars(select(Comment).where(Comment.author_id == user.id, Comment.hidden_cause == HIDDEN_BY_BLOCK)),
    ]
    for item in hidden:
        participation.restore(item)
        restored += 1
    db.session.flush()
    audit.record(actor, "user.unblock", "user", user.id, reason=reason,
                 before={"is_blocked": True}, after={"is_blocked": False, "items_restored": restored, "supports_resumed": resumed})
    return restored


def reset_second_factor(user: User, actor: User | None) -> None:
    """For a lost phone without recovery codes: the person sets up the app again at the next login."""
    _require_admin(actor)
    had = user.has_second_factor
    second_factor.reset(user)
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    audit.record(actor, "user.reset_second_factor", "user", user.id,
                 before={"second_factor": had}, after={"second_factor": False})


def retry_given_up_mails(actor: User | None) -> int:
    """Queue the mails the worker gave up on for another round (after a long mail server outage)."""
    _require_admin(actor)
    count = mail.retry_failed()
    audit.record(actor, "mail.retry", "mail_queue", 0, after={"mails": count})
    return count


TOWN_NAME_MAX, OFFICE_ADDRESS_MAX = 100, 500


def edit_municipality(town: Municipality, actor: User | None, *, name: str, office_address: str) -> bool:
    """The name of a town (as pages and lists show it) and its office address. Its slug, which
    every address of its pages contains, stays. The change is in the audit log. False if unchanged."""
    _require_admin(actor)
    name = one_line(name or "")
    if not name or len(name) > TOWN_NAME_MAX:
        raise InvalidInput(_l("Please give the town's name (at most %(max)d characters).", max=TOWN_NAME_MAX))
    office_address = (office_address or "").strip()
    if len(office_address) > OFFICE_ADDRESS_MAX:
        raise InvalidInput(_l("At most %(max)d characters, please.", max=OFFICE_ADDRESS_MAX))
    if db.session.scalar(select(Municipality.id).where(Municipality.name == name, Municipality.id != town.id)) is not None:
        raise InvalidInput(_l("Another town has this name."))
    before = {"name": town.name, "office_address": town.office_address}
    if before == {"name": name, "office_address": office_address}:
        return False
    town.name, town.office_address = name, office_address
    db.session.flush()
    audit.record(actor, "municipality.edit", "municipality", town.id, before=before, after={"name": name, "office_address": office_address})
    return True


FIELD_NAME_MAX, FIELD_TEXT_MAX = 100, 5000
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _slug(name: str) -> str:
    """"Innenstadt/Dorfmitte" → "innenstadt-dorfmitte": the part of the filter addresses."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(_UMLAUTS)).strip("-")[:60] or "themenfeld"


POSITION_MAX = 1000


def _order(position: int | None) -> int:
    """A place in the district's lists (action fields, criteria): 0 to POSITION_MAX."""
    if position is None or not 0 <= position <= POSITION_MAX:
        raise InvalidInput(_l("Order: a number from 0 to %(max)d.", max=POSITION_MAX))
    return position


def _field_values(name: str, description: str, position: int | None, *, current: ActionField | None) -> tuple[str, str, int]:
    name = one_line(name or "")
    if not name or len(name) > FIELD_NAME_MAX:
        raise InvalidInput(_l("Please give the action field's name (at most %(max)d characters).", max=FIELD_NAME_MAX))
    description = (description or "").strip()
    if len(description) > FIELD_TEXT_MAX:
        raise InvalidInput(_l("The text may be at most %(max)d characters long.", max=FIELD_TEXT_MAX))
    others = select(ActionField.id).where(ActionField.name == name)
    if current is not None:
        others = others.where(ActionField.id != current.id)
    if db.session.scalar(others) is not None:
        raise InvalidInput(_l("Another action field has this name."))
    position = _order(position)
    return name, description, position


def _field_snapshot(field: ActionField) -> dict[str, object]:
    return {"name": field.name, "description": field.description, "position": field.position, "active": field.is_active}


def create_action_field(actor: User | None, *, name: str, description: str, position: int | None) -> ActionField:
    """A new action field (the strategy has eight; the seed names five). Its slug comes from its name and stays."""
    _require_admin(actor)
    name, description, position = _field_values(name, description, position, current=None)
    slug, n = _slug(name), 2
    while db.session.scalar(select(ActionField.id).where(ActionField.slug == slug)) is not None:
        slug, n = f"{_slug(name)}-{n}", n + 1
    field = ActionField(slug=slug, name=name, description=description, position=position, is_active=True)
    db.session.add(field)
    db.session.flush()
    audit.record(actor, "action_field.create", "action_field", field.id, after=_field_snapshot(field))
    return field


def edit_action_field(field: ActionField, actor: User | None, *, name: str, description: str, position: int | None, active: bool) -> bool:
    """Rename, describe (the Leitbild text), order or retire an action field. A retired field takes no
    new ideas; the ideas tagged with it keep it. The last active field cannot be retired."""
    _require_admin(actor)
    name, description, position = _field_values(name, description, position, current=field)
    if not active and field.is_active:
        others = db.session.scalar(select(func.count(ActionField.id)).where(ActionField.is_active.is_(True), ActionField.id != field.id))
        if not others:
            raise InvalidInput(_l("This is the last active action field: ideas need at least one to choose from."))
    before = _field_snapshot(field)
    field.name, field.description, field.position, field.is_active = name, description, position, active
    after = _field_snapshot(field)
    if after == before:
        return False
    db.session.flush()
    audit.record(actor, "action_field.edit", "action_field", field.id, before=before, after=after)
    return True


CRITERION_NAME_MAX, CRITERION_TEXT_MAX = 80, 300


def _criterion_values(axis: str, name: str, description: str, position: int | None, *, current: Criterion | None) -> tuple[str, str, str, int]:
    if axis not in AXES:
        raise InvalidInput(_l("Please choose the axis: Relevanz or Potenzial."))
    name = one_line(name or "")
    if not name or len(name) > CRITERION_NAME_MAX:
        raise InvalidInput(_l("Please give the criterion's name (at most %(max)d characters).", max=CRITERION_NAME_MAX))
    description = one_line(description or "")
    if len(description) > CRITERION_TEXT_MAX:
        raise InvalidInput(_l("At most %(max)d characters, please.", max=CRITERION_TEXT_MAX))
    same = select(Criterion.id).where(Criterion.axis == axis, Criterion.name == name)
    if current is not None:
        same = same.where(Criterion.id != current.id)
    if db.session.scalar(same) is not None:
        raise InvalidInput(_l("This axis has a criterion with this name already."))
    position = _order(position)
    return axis, name, description, position


def _criterion_snapshot(criterion: Criterion) -> dict[str, object]:
    return {"axis": criterion.axis, "name": criterion.name, "description": criterion.description, "position": criterion.position,
            "active": criterion.is_active}


def create_criterion(actor: User | None, *, axis: str, name: str, description: str, position: int | None) -> Criterion:
    """A new criterion of the rubric; moderators score it from now on (ideas scored before lack it)."""
    _require_admin(actor)
    axis, name, description, position = _criterion_values(axis, name, description, position, current=None)
    criterion = Criterion(axis=axis, name=name, description=description, position=position, is_active=True)
    db.session.add(criterion)
    db.session.flush()
    audit.record(actor, "criterion.create", "criterion", criterion.id, after=_criterion_snapshot(criterion))
    return criterion


def edit_criterion(criterion: Criterion, actor: User | None, *, axis: str, name: str, description: str, position: int | None,
                   active: bool) -> bool:
    """Rename, describe, order, move to the other axis or retire a criterion. Its scores stay stored
    (nothing is rewritten); a retired criterion is not asked for and not counted in the means
    (app/moderation/rubric.py). Each axis keeps at least one active criterion."""
    _require_admin(actor)
    axis, name, description, position = _criterion_values(axis, name, description, position, current=criterion)
    leaves_its_axis = criterion.is_active and (not active or axis != criterion.axis)
    if leaves_its_axis and not db.session.scalar(select(func.count(Criterion.id)).where(
            Criterion.axis == criterion.axis, Criterion.is_active.is_(True), Criterion.id != criterion.id)):
        raise InvalidInput(_l("This is the last active criterion of its axis: the axis needs at least one."))
    before = _criterion_snapshot(criterion)
    criterion.axis, criterion.name, criterion.description, criterion.position, criterion.is_active = axis, name, description, position, active
    after = _criterion_snapshot(criterion)
    if after == before:
        return False
    db.session.flush()
    audit.record(actor, "criterion.edit", "criterion", criterion.id, before=before, after=after)
    return True


CALL_NAME_MAX = 200


def edit_funding_call(actor: User | None, *, name: str, limits: CallLimits) -> bool:
    """The Smart-Cities call's limits (one row; written on the first save where a database lacks
    it). The budget overview measures the application against them; the change is in the audit
    log with the figures before and after. False if unchanged."""
    _require_admin(actor)
    name = one_line(name or "")
    if len(name) > CALL_NAME_MAX:
        raise InvalidInput(_l("At most %(max)d characters, please.", max=CALL_NAME_MAX))
    if not 0 < limits.max_amount <= AMOUNT_MAX:
        raise InvalidInput(_l("Please enter the most one application may ask for, in euros."))
    if not 1 <= limits.max_years <= 20:
        raise InvalidInput(_l("The funding period: a number of years from 1 to 20."))
    if not 0 <= limits.funding_rate <= 100:
        raise InvalidInput(_l("Please enter the funding rate in percent, between 0 and 100."))
    if limits.application_deadline and limits.resolutions_deadline and limits.resolutions_deadline < limits.application_deadline:
        raise InvalidInput(_l("The deadline for the political resolutions cannot be before the application deadline."))
    call = db.session.get(FundingCall, FUNDING_CALL_ID)
    if call is None:
        call = FundingCall(id=FUNDING_CALL_ID, name="", max_amount=Decimal(1), max_years=1, funding_rate=Decimal(0))
        db.session.add(call)
        before = None
    else:
        before = _call_snapshot(call)
    call.name, call.max_amount, call.max_years, call.funding_rate = name, limits.max_amount, limits.max_years, limits.funding_rate
    call.application_deadline, call.resolutions_deadline = limits.application_deadline, limits.resolutions_deadline
    after = _call_snapshot(call)
    if before == after:
        return False
    call.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "funding_call.edit", "funding_call", call.id, before=before, after=after)
    return True


def _call_snapshot(call: FundingCall) -> dict[str, str | int | None]:
    return {"name": call.name, "max_amount": str(call.max_amount), "max_years": call.max_years, "funding_rate": str(call.funding_rate),
            "application_deadline": call.application_deadline.isoformat() if call.application_deadline else None,
            "resolutions_deadline": call.resolutions_deadline.isoformat() if call.resolutions_deadline else None}


def edit_site_texts(actor: User | None, texts: dict[str, str]) -> int:
    """The site's texts as the administration writes them (Markdown; empty: not shown). Only keys
    of SITE_TEXTS; each changed text gets a row (the first time) and an audit entry with before
    and after. Returns how many changed."""
    _require_admin(actor)
    unknown = set(texts) - set(SITE_TEXT_KEYS)
    if unknown:
        raise InvalidInput(_l("Unknown text."))
    cleaned = {key: (text or "").replace("\r\n", "\n").strip() for key, text in texts.items()}
    if any(len(text) > SITE_TEXT_MAX for text in cleaned.values()):
        raise InvalidInput(_l("At most %(max)d characters, please.", max=SITE_TEXT_MAX))
    current = reference.site_texts()
    changes = {key: text for key, text in cleaned.items() if current[key] != text}
    rows = {row.key: row for row in db.session.scalars(select(SiteText).where(SiteText.key.in_(list(changes))))} if changes else {}
    for key, text in changes.items():
        row = rows.get(key) or SiteText(key=key)
        row.text, row.updated_at = text, utcnow()
        db.session.add(row)
        db.session.flush()
        audit.record(actor, "site_text.edit", "site_text", row.id, before={"text": current[key]}, after={"text": text})
    return len(changes)


RAUM_NAME_MAX = 120


def edit_raum(raum: Raum, actor: User | None, *, name: str, position: int | None) -> bool:
    """Rename or reorder a Raum of the Smart-Cities call (its slug, in the budget's addresses,
    stays). The change is in the audit log. False if unchanged."""
    _require_admin(actor)
    name = one_line(name or "")
    if not name or len(name) > RAUM_NAME_MAX:
        raise InvalidInput(_l("Please give the Raum's name (at most %(max)d characters).", max=RAUM_NAME_MAX))
    position = _order(position)
    if db.session.scalar(select(Raum.id).where(Raum.name == name, Raum.id != raum.id)) is not None:
        raise InvalidInput(_l("Another Raum has this name."))
    before = {"name": raum.name, "position": raum.position}
    if before == {"name": name, "position": position}:
        return False
    raum.name, raum.position = name, position
    db.session.flush()
    audit.record(actor, "raum.edit", "raum", raum.id, before=before, after={"name": name, "position": position})
    return True

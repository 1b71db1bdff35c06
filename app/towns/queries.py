"""What the towns' pages show: per town, its ideas (by state), the supports they got, how many
were answered within the promised days, and the projects it leads or takes part in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from app.extensions import db
from app.ideas.queries import is_listed
from app.models import Idea, Municipality, OfficerTown, OfficialAnswer, Project, Trial, User, UserRole
from app.models.portfolio import project_partner_towns
from app.models.user import ROLE_OFFICER


@dataclass
class TownFigures:
    town: Municipality
    ideas: int = 0
    supports: int = 0
    answered_in_time: int = 0  # ideas with an official answer within `days` of publishing
    projects: int = 0  # led or with the town as a partner
    by_status: dict[str, int] = field(default_factory=dict)


def figures(days: int) -> list[TownFigures]:
    """Every town's figures (the district first), in three grouped queries."""
    towns = {m.id: TownFigures(m) for m in db.session.scalars(
        select(Municipality).order_by(Municipality.is_district.desc(), Municipality.position, Municipality.name))}
    for town_id, status, ideas, supports in db.session.execute(
            select(Idea.municipality_id, Idea.status, func.count(), func.coalesce(func.sum(Idea.support_count), 0))
            .where(*is_listed()).group_by(Idea.municipality_id, Idea.status)):
        entry = towns[town_id]
        entry.ideas += ideas
        entry.supports += int(supports)
        entry.by_status[status] = ideas
    first_answer = select(OfficialAnswer.idea_id, func.min(OfficialAnswer.created_at).label("at")).group_by(OfficialAnswer.idea_id).subquery()
    answered = db.session.execute(
        select(Idea.municipality_id, Idea.published_at, first_answer.c.at)
        .join(first_answer, first_answer.c.idea_id == Idea.id).where(*is_listed()))
    for town_id, published, at in answered:
        if published is not None and at - published <= timedelta(days=days):
            towns[town_id].answered_in_time += 1
    partners = select(project_partner_towns.c.project_id, project_partner_towns.c.municipality_id.label("town_id"))
    leads = select(Project.id.label("project_id"), Project.municipality_id.label("town_id")).where(Project.municipality_id.is_not(None))
    involved = partners.union(leads).subquery()
    for town_id, projects in db.session.execute(select(involved.c.town_id, func.count()).group_by(involved.c.town_id)):
        if town_id in towns:
            towns[town_id].projects = projects
    return list(towns.values())


def town_projects(town: Municipality) -> list[Project]:
    """The projects the town leads or takes part in, by number."""
    partner = select(project_partner_towns.c.project_id).where(project_partner_towns.c.municipality_id == town.id)
    return list(db.session.scalars(select(Project).where(or_(Project.municipality_id == town.id, Project.id.in_(partner)))
                                   .order_by(Project.number)))


def town_trials(town: Municipality, today: date) -> list[Trial]:
    """The trials in the town that run today or will start."""
    return list(db.session.scalars(select(Trial).where(Trial.municipality_id == town.id, or_(Trial.ends_on.is_(None), Trial.ends_on >= today))
                                   .order_by(Trial.starts_on)))


def town_contacts(town: Municipality) -> list[User]:
    """The town's digital officers who chose to be named as its contact (app/auth/services.change_contact)."""
    return list(db.session.scalars(
        select(User).join(OfficerTown, OfficerTown.user_id == User.id).join(UserRole, UserRole.user_id == User.id)
        .where(OfficerTown.municipality_id == town.id, UserRole.role == ROLE_OFFICER, User.contact_name != "",
               User.deleted_at.is_(None), User.is_blocked.is_(False))
        .order_by(User.contact_name)
    ))

"""What the steering committee and staff do with the portfolio: shortlist, import, edit, budget lines.

Like every service: check the actor's role, write the audit entry in the same
transaction, flush, never commit. The view commits once or rolls back, so an
import that fails anywhere leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app import audit
from app import events as notification_events
from app.database import insert_unless_exists
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.ideas import services as idea_services
from app.ideas import states
from app.models import (
    ActionField,
    BudgetLine,
    Counter,
    Idea,
    Milestone,
    Municipality,
    Project,
    ProjectStatusChange,
    Raum,
    Trial,
    User,
    utcnow,
)
from app.models.idea import CANDIDATE, DECLINED, IN_PORTFOLIO, SHORTLISTED
from app.models.portfolio import (
    AMOUNT_MAX,
    BUDGET_KINDS,
    BUDGET_LABEL_MAX,
    CONTACT_MAX,
    DEFAULT_FUNDING_RATE,
    HISTORY_DETAIL_MAX,
    MILESTONE_TEXT_MAX,
    MILESTONE_TITLE_MAX,
    PHASE_B,
    PHASES,
    PLANNED,
    PLANNED_LINE,
    PRIORITY_GROUPS,
    PROJECT_STATUSES,
    PROJECT_TEXT_MAX,
    PROJECT_TITLE_MAX,
    RELEASE_STATUSES,
    RESPONSIBLE_MAX,
    TRIAL_LINE_MAX,
    TRIAL_TEXT_MAX,
    YEAR_MAX,
    YEAR_MIN,
)
from app.models.user import ROLE_ADMIN, ROLE_STEERING
from app.portfolio import budgets
from app.reasons import clean_reason
from app.security import one_line

PROJECT_NUMBER = "project_number"
PROJECT_EDITOR_ROLES = (ROLE_STEERING, ROLE_ADMIN)  # who edits projects and budget lines


def require_steering(actor: User | None) -> None:
    if actor is None or not actor.has_role(ROLE_STEERING):
        raise NotAllowed()


def require_project_editor(actor: User | None) -> None:
    if actor is None or not actor.has_role(*PROJECT_EDITOR_ROLES):
        raise NotAllowed()


# Shortlist -----------------------------------------------------------------

def shortlist_idea(idea: Idea, actor: User, note: str) -> None:
    """Put a candidate on the shortlist; the note is the public reason in its history."""
    _steering_change(idea, SHORTLISTED, actor, note, note_required=False)


def remove_from_shortlist(idea: Idea, actor: User, note: str) -> None:
    """Back to the candidates, with a public reason."""
    _steering_change(idea, CANDIDATE, actor, note, note_required=True)


def decline_idea(idea: Idea, actor: User, reason: str) -> None:
    """The Steuerungsgremium declines a candidate or a shortlisted idea, with a public reason (required)."""
    _steering_change(idea, DECLINED, actor, reason, note_required=True)


def _steering_change(idea: Idea, to_status: str, actor: User, note: str, *, note_required: bool) -> None:
    require_steering(actor)
    note = clean_reason(note, required=note_required)
    before = {"status": idea.status}
    idea_services.change_state(idea, to_status, actor, states.STEERING, note)
    db.session.flush()
    audit.record(actor, "idea.status", "idea", idea.id, reason=note, before=before, after={"status": idea.status})


# Project numbers -----------------------------------------------------------

def next_project_number() -> int:
    """The next free number, never one used before, also under concurrent imports.

    One UPDATE both reads and increments the counter row, so two transactions
    cannot get the same number (PostgreSQL locks the row until commit; SQLite
    write transactions run one at a time). The counter never falls below the
    highest number in use, so projects created with fixed numbers (P1–P28)
    are never given out again.
    """
    db.session.execute(insert_unless_exists(Counter).values(name=PROJECT_NUMBER, value=0))
    highest = select(func.coalesce(func.max(Project.number), 0)).scalar_subquery()
    greatest = func.greatest if db.engine.dialect.name == "postgresql" else func.max
    return db.session.execute(
        update(Counter)
        .where(Counter.name == PROJECT_NUMBER)
        .values(value=greatest(Counter.value, highest) + 1)
        .returning(Counter.value)
        .execution_options(synchronize_session=False)
    ).scalar_one()


# Import ----------------------------------------------------------------------

@dataclass
class BudgetInput:
    label: str
    year: int | None  # as typed; check_budget_line refuses a missing one
    kind: str
    amount: Decimal
    funding_rate: Decimal = DEFAULT_FUNDING_RATE
    phase: str = PHASE_B
    release_status: str = PLANNED_LINE
    third_party: Decimal = Decimal("0.00")


KEEP_RAUM = -1


@dataclass
class ProjectData:
    """The editable fields of a project (staff form, import, CSV)."""

    title: str
    action_field_id: int
    municipality_id: int | None = None  # None or the district: kreisweit
    priority_group: str | None = None
    description: str = ""
    goals: str = ""
    responsible_body: str = ""
    status: str = PLANNED
    contact_name: str = ""
    contact_function: str = ""
    partner_town_ids: list[int] | None = None  # None: left as they are (a CSV row, an import)
    raum_id: int | None = KEEP_RAUM  # the Smart-Cities Raum; None: none; KEEP_RAUM: left as it is (a CSV row, an import)
    in_application: bool | None = None  # part of the funding application; None: left as it is (a CSV row, an import)

    def problems(self) -> list[str]:
        """Every reason these fields cannot be saved; empty when they can."""
        found = []
        title = one_line(self.title or "")
        if not title:
            found.append(_l("Please give the project a title."))
        elif len(title) > PROJECT_TITLE_MAX:
            found.append(_l("The title may be at most %(max)d characters long.", max=PROJECT_TITLE_MAX))
        if any(len(text or "") > PROJECT_TEXT_MAX for text in (self.description, self.goals)):
            found.append(_l("Description and goals may be at most %(max)d characters long each.", max=PROJECT_TEXT_MAX))
        if len(one_line(self.responsible_body or "")) > RESPONSIBLE_MAX:
            found.append(_l("The responsible body may be at most %(max)d characters long.", max=RESPONSIBLE_MAX))
        if self.priority_group not in (None, *PRIORITY_GROUPS):
            found.append(_l("Please choose a priority group."))
        if self.status not in PROJECT_STATUSES:
            found.append(_l("Please choose a status."))
        if db.session.get(ActionField, self.action_field_id or 0) is None:
            found.append(_l("Please choose an action field."))
        if self.municipality_id is not None and db.session.get(Municipality, self.municipality_id) is None:
            found.append(_l("Please choose a municipality."))
        if any(len(one_line(text or "")) > CONTACT_MAX for text in (self.contact_name, self.contact_function)):
            found.append(_l("The contact's name and function may be at most %(max)d characters long each.", max=CONTACT_MAX))
        if self.raum_id not in (None, KEEP_RAUM) and db.session.get(Raum, self.raum_id) is None:
            found.append(_l("Please choose a Raum from the list."))
        if self.partner_town_ids and len(list(db.session.scalars(
                select(Municipality.id).where(Municipality.id.in_(self.partner_town_ids))))) != len(set(self.partner_town_ids)):
            found.append(_l("Please choose the partner towns from the list."))
        return [str(message) for message in found]

    def cleaned(self) -> ProjectData:
        problems = self.problems()
        if problems:
            raise InvalidInput(problems[0])
        return ProjectData(
            title=one_line(self.title),
            action_field_id=self.action_field_id,
            municipality_id=self.municipality_id,
            priority_group=self.priority_group,
            description=(self.description or "").strip(),
            goals=(self.goals or "").strip(),
            responsible_body=one_line(self.responsible_body or ""),
            status=self.status,
            contact_name=one_line(self.contact_name or ""),
            contact_function=one_line(self.contact_function or ""),
            partner_town_ids=sorted(set(self.partner_town_ids)) if self.partner_town_ids is not None else None,
            raum_id=self.raum_id,
            in_application=self.in_application,
        )


@dataclass
class ProjectPlan:
    """One project to create from shortlisted ideas (several ideas: combined into one project)."""

    idea_ids: list[int]
    data: ProjectData
    budget: BudgetInput | None = None


def budget_problems(line: BudgetInput) -> list[str]:
    """Every reason a budget line cannot be saved; empty when it can."""
    found = []
    label = one_line(line.label or "")
    if not label:
        found.append(_l("Please name the budget line."))
    elif len(label) > BUDGET_LABEL_MAX:
        found.append(_l("The budget line's label may be at most %(max)d characters long.", max=BUDGET_LABEL_MAX))
    if not isinstance(line.year, int) or not YEAR_MIN <= line.year <= YEAR_MAX:
        found.append(_l("Please enter a year between %(min)d and %(max)d.", min=YEAR_MIN, max=YEAR_MAX))
    if line.kind not in BUDGET_KINDS:
        found.append(_l("Please choose investive or consumptive."))
    if not isinstance(line.amount, Decimal) or line.amount < 0 or line.amount > AMOUNT_MAX or line.amount != line.amount.quantize(Decimal("0.01")):
        found.append(_l("Please enter an amount in euros with at most two decimal places."))
    rate_ok = isinstance(line.funding_rate, Decimal) and 0 <= line.funding_rate <= 100
    if not rate_ok:
        found.append(_l("Please enter the funding rate in percent, between 0 and 100."))
    if line.phase not in PHASES:
        found.append(_l("Please choose Phase A or Phase B."))
    if line.release_status not in RELEASE_STATUSES:
        found.append(_l("Please choose the release status."))
    if not isinstance(line.third_party, Decimal) or line.third_party < 0 or line.third_party != line.third_party.quantize(Decimal("0.01")):
        found.append(_l("Please enter the third-party money in euros with at most two decimal places."))
    elif not found and (too_much := budgets.third_party_problem(line.amount, line.funding_rate, line.third_party)):
        found.append(too_much)
    return [str(message) for message in found]


def check_budget(line: BudgetInput) -> BudgetInput:
    problems = budget_problems(line)
    if problems:
        raise InvalidInput(problems[0])
    return BudgetInput(label=one_line(line.label), year=line.year, kind=line.kind, amount=line.amount, funding_rate=line.funding_rate,
                       phase=line.phase, release_status=line.release_status, third_party=line.third_party)


def import_into_portfolio(actor: User, plans: list[ProjectPlan]) -> list[Project]:
    """Turn shortlisted ideas into new projects (P29, P30, ...) in one step: all or nothing.

    Each idea moves to "Im Portfolio" and links to its project. Raises a
    DomainError naming the project at fault; the caller then rolls back.
    """
    require_steering(actor)
    if not plans:
        raise InvalidInput(_l("Please choose at least one shortlisted idea."))
    seen: set[int] = set()
    for position, plan in enumerate(plans, start=1):
        if not plan.idea_ids:
            raise InvalidInput(_l("Project %(n)d: please choose at least one idea.", n=position))
        if seen.intersection(plan.idea_ids) or len(set(plan.idea_ids)) != len(plan.idea_ids):
            raise InvalidInput(_l("An idea can become part of one project only."))
        seen.update(plan.idea_ids)
    # Lock the ideas: a second import of the same idea waits, then finds it imported.
    ideas = {
        idea.id: idea
        for idea in db.session.scalars(
            select(Idea).where(Idea.id.in_(seen)).with_for_update().execution_options(populate_existing=True)
        )
    }
    projects = []
    for position, plan in enumerate(plans, start=1):
        found = [ideas.get(i) for i in plan.idea_ids]
        plan_ideas = [idea for idea in found if idea is not None and idea.status == SHORTLISTED and not idea.is_hidden]
        if len(plan_ideas) != len(found):
            raise InvalidInput(_l("Project %(n)d: only visible ideas on the shortlist can be imported.", n=position))
        try:
            data = plan.data.cleaned()
            budget = check_budget(plan.budget) if plan.budget is not None else None
        except InvalidInput as error:
            raise InvalidInput(_l("Project %(n)d: %(message)s", n=position, message=error.message)) from None
        projects.append(_create_project(actor, data, plan_ideas, budget))
    return projects


def add_to_project(actor: User, project: Project | None, idea_ids: list[int], budget: BudgetInput | None) -> Project:
    """The import's third choice: shortlisted ideas become contributions (Bausteine) of an existing
    project, all or nothing. Each idea moves to "Im Portfolio" and links to the project; the
    project's public history names each; the budget line, if any, is added to the project's."""
    require_steering(actor)
    if project is None:
        raise InvalidInput(_l("Please choose a project of the portfolio from the list."))
    if not idea_ids or len(set(idea_ids)) != len(idea_ids):
        raise InvalidInput(_l("Please choose at least one shortlisted idea."))
    ideas = list(db.session.scalars(
        select(Idea).where(Idea.id.in_(idea_ids)).order_by(Idea.id).with_for_update().execution_options(populate_existing=True)))
    if len(ideas) != len(idea_ids) or any(idea.status != SHORTLISTED or idea.is_hidden for idea in ideas):
        raise InvalidInput(_l("Only visible ideas on the shortlist can be imported."))
    line = check_budget(budget) if budget is not None else None
    now = utcnow()
    for idea in ideas:
        before = {"status": idea.status, "project": idea.project.code if idea.project else None}
        idea_services.change_state(idea, IN_PORTFOLIO, actor, states.STEERING, project.code)
        idea.project = project
        project.status_changes.append(ProjectStatusChange(from_status=project.status, to_status=project.status, actor=actor,
                                                          idea_id=idea.id, created_at=now))
        db.session.flush()
        notification_events.project_took_contribution(project, idea, actor)
        audit.record(actor, "idea.status", "idea", idea.id, reason=project.code, before=before,
                     after={"status": idea.status, "project": project.code})
    if line is not None:
        project.budget_lines.append(BudgetLine(**line.__dict__))
    project.updated_at = now
    db.session.flush()
    audit.record(actor, "project.contribution", "project", project.id,
                 after={"ideas": [i.id for i in ideas], "budget": _budget_snapshot(line)})
    return project


@dataclass
class MilestoneInput:
    title: str
    planned_on: date | None
    done_on: date | None = None
    text: str = ""


def _check_milestone(data: MilestoneInput) -> tuple[str, date, date | None, str]:
    title = one_line(data.title or "")
    if not title or len(title) > MILESTONE_TITLE_MAX:
        raise InvalidInput(_l("Please name the milestone (at most %(max)d characters).", max=MILESTONE_TITLE_MAX))
    if data.planned_on is None:
        raise InvalidInput(_l("Please enter the planned date."))
    if data.done_on is not None and data.done_on < data.planned_on:
        raise InvalidInput(_l("A milestone cannot be done before its planned date. Correct the planned date if it was earlier."))
    text = (data.text or "").strip()
    if len(text) > MILESTONE_TEXT_MAX:
        raise InvalidInput(_l("The text may be at most %(max)d characters long.", max=MILESTONE_TEXT_MAX))
    return title, data.planned_on, data.done_on, text


def _history(project: Project, actor: User, event: str, detail: str = "") -> None:
    """A line in the project's public history about staff's work on it; its status stays."""
    project.status_changes.append(ProjectStatusChange(from_status=project.status, to_status=project.status, actor=actor, event=event,
                                                      detail=one_line(detail)[:HISTORY_DETAIL_MAX], created_at=utcnow()))


def add_milestone(project: Project, actor: User, data: MilestoneInput) -> Milestone:
    """A new milestone of the project; its followers hear of it. Flushes."""
    require_project_editor(actor)
    title, planned_on, done_on, text = _check_milestone(data)
    milestone = Milestone(project=project, title=title, planned_on=planned_on, done_on=done_on, text=text)
    db.session.add(milestone)
    _history(project, actor, "milestone_done" if done_on else "milestone_added", title)
    project.updated_at = utcnow()
    db.session.flush()
    notification_events.project_milestone(project, milestone, actor)
    audit.record(actor, "project.milestone", "project", project.id, after=_milestone_snapshot(milestone))
    return milestone


def edit_milestone(milestone: Milestone, actor: User, data: MilestoneInput) -> bool:
    """Change a milestone (e.g. mark it done); followers hear when it is done. Flushes. False if unchanged."""
    require_project_editor(actor)
    title, planned_on, done_on, text = _check_milestone(data)
    before = _milestone_snapshot(milestone)
    was_done = milestone.done_on is not None
    milestone.title, milestone.planned_on, milestone.done_on, milestone.text = title, planned_on, done_on, text
    after = _milestone_snapshot(milestone)
    if after == before:
        return False
    _history(milestone.project, actor, "milestone_done" if done_on is not None and not was_done else "milestone_changed", title)
    milestone.project.updated_at = utcnow()
    db.session.flush()
    if milestone.done_on is not None and not was_done:
        notification_events.project_milestone(milestone.project, milestone, actor)
    audit.record(actor, "project.milestone", "project", milestone.project_id, before=before, after=after)
    return True


def delete_milestone(milestone: Milestone, actor: User) -> None:
    require_project_editor(actor)
    audit.record(actor, "project.milestone", "project", milestone.project_id, before=_milestone_snapshot(milestone), after=None)
    _history(milestone.project, actor, "milestone_removed", milestone.title)
    db.session.delete(milestone)
    db.session.flush()


def _milestone_snapshot(milestone: Milestone) -> dict[str, Any]:
    return {"title": milestone.title, "planned_on": milestone.planned_on.isoformat(),
            "done_on": milestone.done_on.isoformat() if milestone.done_on else None, "text": milestone.text}


@dataclass
class TrialInput:
    what: str
    municipality_id: int | None
    starts_on: date | None
    ends_on: date | None = None
    place: str = ""
    partners: str = ""
    result: str = ""
    figures: str = ""


def _check_trial(data: TrialInput) -> dict[str, Any]:
    what = (data.what or "").strip()
    if not what or len(what) > TRIAL_TEXT_MAX:
        raise InvalidInput(_l("Please say what is tested (at most %(max)d characters).", max=TRIAL_TEXT_MAX))
    if data.municipality_id is None or db.session.get(Municipality, data.municipality_id) is None:
        raise InvalidInput(_l("Please choose a municipality."))
    if data.starts_on is None:
        raise InvalidInput(_l("Please enter the first day of the trial."))
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise InvalidInput(_l("A trial cannot end before it starts."))
    lines = {"place": one_line(data.place or ""), "partners": one_line(data.partners or ""), "figures": one_line(data.figures or "")}
    if any(len(value) > TRIAL_LINE_MAX for value in lines.values()) or len((data.result or "").strip()) > TRIAL_TEXT_MAX:
        raise InvalidInput(_l("A text is longer than allowed."))
    return {"what": what, "municipality_id": data.municipality_id, "starts_on": data.starts_on, "ends_on": data.ends_on,
            "result": (data.result or "").strip(), **lines}


def save_trial(project: Project, actor: User, data: TrialInput, trial: Trial | None = None) -> Trial:
    """A new trial of the project in the Reallabor, or a change of one. Flushes."""
    require_project_editor(actor)
    values = _check_trial(data)
    before = _trial_snapshot(trial) if trial is not None else None
    if trial is None:
        trial = Trial(project=project, **values)
        db.session.add(trial)
        _history(project, actor, "trial_added", values["what"])
    else:
        for key, value in values.items():
            setattr(trial, key, value)
        if _trial_snapshot(trial) != before:
            _history(project, actor, "trial_changed", values["what"])
    project.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "project.trial", "project", project.id, before=before, after=_trial_snapshot(trial))
    return trial


def _trial_snapshot(trial: Trial) -> dict[str, Any]:
    return {"what": trial.what, "municipality_id": trial.municipality_id, "place": trial.place, "starts_on": trial.starts_on.isoformat(),
            "ends_on": trial.ends_on.isoformat() if trial.ends_on else None, "partners": trial.partners, "result": trial.result,
            "figures": trial.figures}


NEXT_STEPS_MAX = 5000


def set_next_steps(project: Project, actor: User, text: str) -> bool:
    """The official "Was passiert als Nächstes?" of a project, dated; its followers hear of it.
    Project editors only. Flushes. False if unchanged."""
    require_project_editor(actor)
    text = (text or "").strip()
    if len(text) > NEXT_STEPS_MAX:
        raise InvalidInput(_l("The text may be at most 5,000 characters long."))
    if text == project.next_steps:
        return False
    before = {"next_steps": project.next_steps}
    project.next_steps, project.next_steps_at = text, utcnow() if text else None
    if text:
        _history(project, actor, "next_steps")
    project.updated_at = utcnow()
    db.session.flush()
    if text:
        notification_events.project_next_steps_changed(project, actor)
    audit.record(actor, "project.next_steps", "project", project.id, before=before, after={"next_steps": text})
    return True


def create_project(actor: User, data: ProjectData) -> Project:
    """A new project that did not come from ideas (e.g. a row of a CSV import), with the next free code."""
    require_project_editor(actor)
    return _create_project(actor, data.cleaned(), [], None)


def _create_project(actor: User, data: ProjectData, ideas: list[Idea], budget: BudgetInput | None) -> Project:
    now = utcnow()
    project = Project(number=next_project_number(), created_at=now, updated_at=now, **_fields(data))
    db.session.add(project)
    project.status_changes.append(ProjectStatusChange(from_status=None, to_status=project.status, actor=actor, created_at=now))
    if budget is not None:
        project.budget_lines.append(BudgetLine(**budget.__dict__))
    db.session.flush()
    for idea in ideas:
        before = {"status": idea.status}
        idea_services.change_state(idea, IN_PORTFOLIO, actor, states.STEERING, project.code)
        idea.project = project
        db.session.flush()
        audit.record(actor, "idea.status", "idea", idea.id, reason=project.code, before=before, after={"status": idea.status, "project": project.code})
    audit.record(
        actor,
        "project.import" if ideas else "project.create",
        "project",
        project.id,
        after={**project_snapshot(project), "ideas": [i.id for i in ideas], "budget": _budget_snapshot(budget)},
    )
    return project


PROJECT_FIELDS = ("title", "action_field_id", "municipality_id", "priority_group", "description", "goals", "responsible_body", "status",
                  "contact_name", "contact_function")


def _fields(data: ProjectData) -> dict[str, Any]:
    return {key: getattr(data, key) for key in PROJECT_FIELDS}


def project_snapshot(project: Project) -> dict[str, Any]:
    return {"code": project.code, **{key: getattr(project, key) for key in PROJECT_FIELDS},
            "partner_town_ids": sorted(m.id for m in project.partner_towns), "raum_id": project.raum_id,
            "in_application": project.in_application}


def _budget_snapshot(line: BudgetInput | BudgetLine | None) -> dict[str, Any] | None:
    if line is None:
        return None
    return {"label": line.label, "year": line.year, "kind": line.kind, "amount": str(line.amount), "funding_rate": str(line.funding_rate),
            "phase": line.phase, "release_status": line.release_status, "third_party": str(line.third_party)}


# Editing ----------------------------------------------------------------------

def edit_project(project: Project, actor: User, data: ProjectData, reason: str = "") -> bool:
    """Change a project's fields; a new status is recorded in its public history with the reason.

    Returns whether anything changed. The audit entry holds only the changed fields.
    """
    require_project_editor(actor)
    data = data.cleaned()
    reason = clean_reason(reason, required=False)
    before_all = project_snapshot(project)
    old_status = project.status
    for key, value in _fields(data).items():
        setattr(project, key, value)
    if data.partner_town_ids is not None:
        project.partner_towns = list(db.session.scalars(select(Municipality).where(Municipality.id.in_(data.partner_town_ids))))
    if data.raum_id != KEEP_RAUM:
        project.raum_id = data.raum_id
    if data.in_application is not None:
        project.in_application = data.in_application
    after_all = project_snapshot(project)
    changed = [key for key in after_all if after_all[key] != before_all[key]]
    if not changed:
        return False
    now = utcnow()
    project.updated_at = now
    if project.status != old_status:
        project.status_changes.append(
            ProjectStatusChange(from_status=old_status, to_status=project.status, actor=actor, reason=reason, created_at=now)
        )
        notification_events.project_status_changed(project, old_status, project.status, actor, reason)
    db.session.flush()
    audit.record(
        actor,
        "project.edit",
        "project",
        project.id,
        reason=reason,
        before={key: before_all[key] for key in changed},
        after={key: after_all[key] for key in changed},
    )
    return True


def add_budget_line(project: Project, actor: User, line: BudgetInput) -> BudgetLine:
    require_project_editor(actor)
    line = check_budget(line)
    budget_line = BudgetLine(project=project, **line.__dict__)
    db.session.add(budget_line)
    project.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "project.budget", "project", project.id, after=_budget_snapshot(budget_line))
    return budget_line


def edit_budget_line(budget_line: BudgetLine, actor: User, line: BudgetInput) -> None:
    require_project_editor(actor)
    line = check_budget(line)
    before = _budget_snapshot(budget_line)
    for key, value in line.__dict__.items():
        setattr(budget_line, key, value)
    budget_line.project.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "project.budget", "project", budget_line.project_id, before=before, after=_budget_snapshot(budget_line))


def same_budget(current: list[BudgetLine], lines: list[BudgetInput]) -> bool:
    """Whether the lines are the project's current budget lines, in any order."""
    return sorted(repr(_budget_snapshot(line)) for line in current) == sorted(repr(_budget_snapshot(line)) for line in lines)


def replace_budget_lines(project: Project, actor: User, lines: list[BudgetInput]) -> bool:
    """Make the project's budget exactly these lines (a CSV import). Returns whether anything changed."""
    require_project_editor(actor)
    lines = [check_budget(line) for line in lines]
    if same_budget(project.budget_lines, lines):
        return False
    before = [_budget_snapshot(line) for line in project.budget_lines]
    after = [_budget_snapshot(line) for line in lines]
    project.budget_lines.clear()
    db.session.flush()
    project.budget_lines.extend(BudgetLine(**line.__dict__) for line in lines)
    project.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "project.budget", "project", project.id, before={"lines": before}, after={"lines": after})
    return True


def delete_budget_line(budget_line: BudgetLine, actor: User) -> None:
    require_project_editor(actor)
    before = _budget_snapshot(budget_line)
    project = budget_line.project
    project.budget_lines.remove(budget_line)
    project.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "project.budget", "project", project.id, before=before, after=None)

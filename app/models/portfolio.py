"""The strategy's project portfolio (P1–P28, then P29... from ideas), its state history and budget lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Hundredths, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.idea import Idea
    from app.models.reference import ActionField, Municipality, Raum
    from app.models.user import User

PRIORITY_GROUPS = ("I", "II", "III")  # NULL means "nicht festgelegt"
PLANNED, IN_PROGRESS, TRIAL, COMPLETED, DEFERRED = "planned", "in_progress", "trial", "completed", "deferred"
# In their order on the way to the real-world lab: planned, running, tried out in the Reallabor,
# completed (rolled out); or deferred.
PROJECT_STATUSES = (PLANNED, IN_PROGRESS, TRIAL, COMPLETED, DEFERRED)
INVESTIVE, CONSUMPTIVE = "investiv", "konsumtiv"
BUDGET_KINDS = (INVESTIVE, CONSUMPTIVE)
DEFAULT_FUNDING_RATE = Decimal("65.00")  # the funding call pays 65 % of eligible costs
# The call funds Phase A (strategy) and Phase B (implementation).
PHASE_A, PHASE_B = "A", "B"
PHASES = (PHASE_A, PHASE_B)
# Where a budget line stands on its way to the money, in this order.
PLANNED_LINE, APPLIED, GRANTED, SETTLED = "geplant", "beantragt", "bewilligt", "abgerechnet"
RELEASE_STATUSES = (PLANNED_LINE, APPLIED, GRANTED, SETTLED)

# Field limits (characters; euros)
PROJECT_TITLE_MAX = 200
PROJECT_TEXT_MAX = 5000
RESPONSIBLE_MAX = 200
BUDGET_LABEL_MAX = 200
AMOUNT_MAX = Decimal("999999999.99")
YEAR_MIN, YEAR_MAX = 2000, 2100


CONTACT_MAX = 120

project_partner_towns = Table(
    "project_partner_towns",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"priority_group IN {PRIORITY_GROUPS!r}", name="priority_group"),
        CheckConstraint(f"status IN {PROJECT_STATUSES!r}", name="status"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # P<number>; numbers are never reused (app/portfolio/services.py: next_project_number).
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(PROJECT_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    responsible_body: Mapped[str] = mapped_column(String(RESPONSIBLE_MAX), default="")
    # The contact it names publicly: a name and function the person chose to publish; empty: the office.
    contact_name: Mapped[str] = mapped_column(String(CONTACT_MAX), default="", server_default="")
    contact_function: Mapped[str] = mapped_column(String(CONTACT_MAX), default="", server_default="")
    action_field_id: Mapped[int] = mapped_column(ForeignKey("action_fields.id", ondelete="RESTRICT"), index=True)
    # The lead municipality; the district row means "kreisweit".
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id", ondelete="SET NULL"))
    priority_group: Mapped[str | None] = mapped_column(String(3))
    # The Raum of the Smart-Cities call it belongs to (None: not assigned yet).
    raum_id: Mapped[int | None] = mapped_column(ForeignKey("raeume.id", ondelete="SET NULL"), index=True)
    # Part of the Smart-Cities funding application: the call's limits are checked against these.
    in_application: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20), default=PLANNED)
    # "Was passiert als Nächstes?": the official word on what comes next, by staff, dated.
    next_steps: Mapped[str] = mapped_column(Text, default="", server_default="")
    next_steps_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action_field: Mapped[ActionField] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    raum: Mapped[Raum | None] = relationship()
    # The towns taking part beside the lead town.
    partner_towns: Mapped[list[Municipality]] = relationship(secondary=project_partner_towns, order_by="Municipality.position")
    ideas: Mapped[list[Idea]] = relationship(back_populates="project", order_by="Idea.id")
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="project", order_by="(BudgetLine.year, BudgetLine.id)", cascade="all, delete-orphan"
    )
    status_changes: Mapped[list[ProjectStatusChange]] = relationship(
        back_populates="project", order_by="ProjectStatusChange.id", cascade="all, delete-orphan"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="(Milestone.planned_on, Milestone.id)", cascade="all, delete-orphan"
    )
    trials: Mapped[list[Trial]] = relationship(back_populates="project", order_by="(Trial.starts_on, Trial.id)", cascade="all, delete-orphan")

    @property
    def code(self) -> str:
        return f"P{self.number}"

    @property
    def is_district_wide(self) -> bool:
        return self.municipality is None or self.municipality.is_district

    @property
    def public_ideas(self) -> list[Idea]:
        """The ideas it came from or that build on it, as the public may see them: no draft, no
        hidden idea."""
        return [idea for idea in self.ideas if not idea.is_hidden and idea.status != "draft"]

    def __repr__(self) -> str:
        return f"<Project {self.code}>"


HISTORY_EVENTS = ("milestone_added", "milestone_done", "milestone_changed", "milestone_removed", "trial_added", "trial_changed",
                  "next_steps")
HISTORY_DETAIL_MAX = 300


class ProjectStatusChange(Base):
    """A project's public history: every change of its status (the first entry is its creation):
    who, when, why. An entry with `idea_id` records instead that the project took that idea as a
    contribution (Baustein); one with `event` that staff worked on a milestone, a trial or "Wie
    geht es weiter?" (`detail`: the milestone's title, the trial's first words). In both, the
    status stays as it was (from_status == to_status)."""

    __tablename__ = "project_status_changes"
    __table_args__ = (CheckConstraint(f"to_status IN {PROJECT_STATUSES!r}", name="to_status"),
                      CheckConstraint(f"event IN {HISTORY_EVENTS!r}", name="event"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    event: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(HISTORY_DETAIL_MAX), default="", server_default="")

    project: Mapped[Project] = relationship(back_populates="status_changes")
    actor: Mapped[User | None] = relationship()
    idea: Mapped[Idea | None] = relationship()


MILESTONE_TITLE_MAX = 200
MILESTONE_TEXT_MAX = 1000


class Milestone(Base):
    """A step of a project on its way to the real-world lab: planned for a date, and done (or not yet)."""

    __tablename__ = "milestones"
    __table_args__ = (CheckConstraint("done_on IS NULL OR done_on >= planned_on", name="done_after_planned"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(MILESTONE_TITLE_MAX))
    planned_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="milestones")


TRIAL_TEXT_MAX = 2000
TRIAL_LINE_MAX = 300


class Trial(Base):
    """A trial of a project in the Reallabor: what is tested, where, from when to when, with whom,
    and what came of it (a text, optional figures)."""

    __tablename__ = "trials"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="RESTRICT"))
    place: Mapped[str] = mapped_column(String(TRIAL_LINE_MAX), default="")
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    partners: Mapped[str] = mapped_column(String(TRIAL_LINE_MAX), default="")
    result: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[str] = mapped_column(String(TRIAL_LINE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="trials")
    municipality: Mapped[Municipality] = relationship()


class BudgetLine(Base):
    """One line of a project's budget; euros and the funding rate are exact two-place decimals."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint(f"kind IN {BUDGET_KINDS!r}", name="kind"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("funding_rate >= 0 AND funding_rate <= 10000", name="funding_rate_range"),
        CheckConstraint(f"year >= {YEAR_MIN} AND year <= {YEAR_MAX}", name="year_range"),
        CheckConstraint(f"phase IN {PHASES!r}", name="phase"),
        CheckConstraint(f"release_status IN {RELEASE_STATUSES!r}", name="release_status"),
        # Third-party money reduces the own share by at most half (app/portfolio/budgets.py checks the exact cap).
        CheckConstraint("third_party >= 0 AND third_party <= amount", name="third_party_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(BUDGET_LABEL_MAX))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Hundredths)
    # Percent, e.g. 65.00; stored as hundredths like the amount.
    funding_rate: Mapped[Decimal] = mapped_column(Hundredths, default=DEFAULT_FUNDING_RATE)
    phase: Mapped[str] = mapped_column(String(1), default=PHASE_B, server_default=PHASE_B)
    release_status: Mapped[str] = mapped_column(String(12), default=PLANNED_LINE, server_default=PLANNED_LINE)
    # Money from third parties (companies, foundations, the Land, the EU) towards the own share.
    third_party: Mapped[Decimal] = mapped_column(Hundredths, default=Decimal("0.00"), server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="budget_lines")


FUNDING_CALL_ID = 1  # the one row


class FundingCall(Base):
    """The limits of the Smart-Cities call, one row, edited by the administration: the most one
    application may ask for, the longest funding period, the funding rate, the deadlines. The
    budget overview and its export warn when the projects in the application exceed them."""

    __tablename__ = "funding_call"
    __table_args__ = (
        CheckConstraint("max_amount > 0", name="max_amount_positive"),
        CheckConstraint("max_years >= 1 AND max_years <= 20", name="max_years_range"),
        CheckConstraint("funding_rate >= 0 AND funding_rate <= 10000", name="funding_rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    max_amount: Mapped[Decimal] = mapped_column(Hundredths)
    max_years: Mapped[int] = mapped_column(Integer)
    funding_rate: Mapped[Decimal] = mapped_column(Hundredths)
    application_deadline: Mapped[date | None] = mapped_column(Date)
    resolutions_deadline: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Counter(Base):
    """Named counters that only grow (the next project number), incremented by one atomic UPDATE."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)

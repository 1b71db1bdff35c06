"""the Reallabor stage and a project's trials

- A project's status may be "trial" (Erprobung im Reallabor), between "in_progress" and
  "completed": the check constraints of `projects.status` and `project_status_changes.to_status`
  take the new value.
- `trials`: what a project tests in the Reallabor, where (town and place), from when to when,
  with whom, and the result (text, optional figures).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 07:40:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

NEW = ('planned', 'in_progress', 'trial', 'completed', 'deferred')
OLD = ('planned', 'in_progress', 'completed', 'deferred')


def _statuses(values):
    with op.batch_alter_table("projects") as batch:
        batch.drop_constraint(batch.f("ck_projects_status"), type_="check")
        batch.create_check_constraint("status", f"status IN {values!r}")
    with op.batch_alter_table("project_status_changes") as batch:
        batch.drop_constraint(batch.f("ck_project_status_changes_to_status"), type_="check")
        batch.create_check_constraint("to_status", f"to_status IN {values!r}")


def upgrade():
    _statuses(NEW)
    op.create_table(
        "trials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("partners", sa.String(length=300), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("figures", sa.String(length=300), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_trials_ends_after_start")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_trials_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"], name=op.f("fk_trials_municipality_id_municipalities"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trials")),
    )
    op.create_index(op.f("ix_trials_project_id"), "trials", ["project_id"])
    op.create_index(op.f("ix_trials_starts_on"), "trials", ["starts_on"])


def downgrade():
    op.drop_index(op.f("ix_trials_starts_on"), table_name="trials")
    op.drop_index(op.f("ix_trials_project_id"), table_name="trials")
    op.drop_table("trials")
    op.execute("UPDATE projects SET status = 'in_progress' WHERE status = 'trial'")
    op.execute("UPDATE project_status_changes SET to_status = 'in_progress' WHERE to_status = 'trial'")
    op.execute("UPDATE project_status_changes SET from_status = 'in_progress' WHERE from_status = 'trial'")
    _statuses(OLD)

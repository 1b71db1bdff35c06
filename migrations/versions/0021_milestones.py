"""milestones of a project

`milestones`: a project's steps on its way to the real-world lab, each with a title, a planned
date, a done date (none yet, or not before the planned one) and a short text. The project's
page shows them as a timeline, done and planned apart; followers hear of a new one.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 07:20:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("done_on IS NULL OR done_on >= planned_on", name=op.f("ck_milestones_done_after_planned")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_milestones_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    op.create_index(op.f("ix_milestones_project_id"), "milestones", ["project_id"])


def downgrade():
    op.drop_index(op.f("ix_milestones_project_id"), table_name="milestones")
    op.drop_table("milestones")

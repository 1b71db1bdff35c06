"""projects can be followed and say what happens next

- `project_follows`: an account follows a portfolio project (one row per account and project);
  followers hear of a new contribution, a status change and an update of "Was passiert als
  Nächstes?".
- `projects.next_steps`, `projects.next_steps_at`: the official "Was passiert als Nächstes?"
  text, written by staff, and when it was last changed.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 07:10:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "project_follows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_project_follows_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_project_follows_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "project_id", name=op.f("pk_project_follows")),
    )
    op.create_index(op.f("ix_project_follows_project_id"), "project_follows", ["project_id"])
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("next_steps", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("next_steps_at", app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("next_steps_at")
        batch.drop_column("next_steps")
    op.drop_index(op.f("ix_project_follows_project_id"), table_name="project_follows")
    op.drop_table("project_follows")

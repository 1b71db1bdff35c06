"""ideas that build on a portfolio project: history entries for the link and the contribution

An idea's `project_id` now also names the existing project it builds on (chosen on the draft
card or by the moderation), not only the project it was imported into. Two history columns
record what happens to the link, in words:
- `idea_state_changes.project_link` ("linked"/"unlinked") and `.project_id`: a moderator linked
  the idea to a project, changed or removed the link (the state stays; the reason is public);
- `project_status_changes.idea_id`: a project took an idea as a contribution (Baustein).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("idea_state_changes") as batch:
        batch.add_column(sa.Column("project_link", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_idea_state_changes_project_id_projects"), "projects", ["project_id"], ["id"], ondelete="SET NULL")
        batch.create_check_constraint("project_link", "project_link IN ('linked', 'unlinked')")
    with op.batch_alter_table("project_status_changes") as batch:
        batch.add_column(sa.Column("idea_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_project_status_changes_idea_id_ideas"), "ideas", ["idea_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("project_status_changes") as batch:
        batch.drop_constraint(batch.f("fk_project_status_changes_idea_id_ideas"), type_="foreignkey")
        batch.drop_column("idea_id")
    with op.batch_alter_table("idea_state_changes") as batch:
        batch.drop_constraint(batch.f("ck_idea_state_changes_project_link"), type_="check")
        batch.drop_constraint(batch.f("fk_idea_state_changes_project_id_projects"), type_="foreignkey")
        batch.drop_column("project_id")
        batch.drop_column("project_link")

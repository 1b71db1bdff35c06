"""comments on portfolio projects

A comment belongs to an idea or to a project (docs/decisions/0024-comments-on-projects.md):
`comments.idea_id` may be NULL, `comments.project_id` is new, and a check says exactly one of
the two is set.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch.alter_column("idea_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(batch.f("fk_comments_project_id_projects"), "projects", ["project_id"], ["id"], ondelete="CASCADE")
        batch.create_check_constraint("one_subject", "(idea_id IS NULL) <> (project_id IS NULL)")
        batch.create_index("ix_comments_project_created", ["project_id", "created_at"])


def downgrade():
    op.execute("DELETE FROM comments WHERE project_id IS NOT NULL")
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_project_created")
        batch.drop_constraint(batch.f("ck_comments_one_subject"), type_="check")
        batch.drop_constraint(batch.f("fk_comments_project_id_projects"), type_="foreignkey")
        batch.alter_column("idea_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("project_id")

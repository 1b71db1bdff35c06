"""comments indexed by author and idea

A signed-in reader's page of an idea reads their own comments on it (author and idea). With an
index on the author alone, PostgreSQL ANDed two bitmaps (the idea's 100 comments, the author's
few hundred); (author_id, idea_id) finds them with one probe and still serves the author alone.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 06:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_comments_author_idea", "comments", ["author_id", "idea_id"])
    op.drop_index("ix_comments_author_id", table_name="comments")


def downgrade():
    op.create_index("ix_comments_author_id", "comments", ["author_id"])
    op.drop_index("ix_comments_author_idea", table_name="comments")

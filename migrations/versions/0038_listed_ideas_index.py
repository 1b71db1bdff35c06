"""an index of the listed ideas

`ix_ideas_listed`: the ids of the ideas the lists and counts show (not drafts, not hidden, neither
merged nor withdrawn), a partial index on PostgreSQL, so the start page's counts per action field read it
index-only instead of every idea's row (issue #36: 19 ms → 4 ms at 100,000 ideas).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 14:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None

# As app/models/idea.py LISTED, written out: a migration does not change with the models.
LISTED = "status != 'draft' AND is_hidden IS false AND status NOT IN ('merged', 'withdrawn')"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":  # SQLite looks each idea up by its rowid, as cheap
        op.create_index("ix_ideas_listed", "ideas", ["id"], postgresql_where=sa.text(LISTED))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_ideas_listed", table_name="ideas")

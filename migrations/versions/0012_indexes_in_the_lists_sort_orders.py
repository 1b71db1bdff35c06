"""indexes in the idea lists' sort orders

The lists and the start page sort all visible ideas by published_at, support_count or
comment_count and show 5 or 20 of them. Without an index in that order both databases read
and join every idea, then sort (70–80 ms at 10,000 ideas on SQLite, more at 100,000 on
PostgreSQL). With one, they read the index in order, check each idea's visibility and stop
after the page. Plain (not partial) indexes: SQLite uses a partial index only when the query
repeats its WHERE terms literally, which bound parameters prevent.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:55:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_ideas_newest": ["published_at", "id"],
    "ix_ideas_most_supported": ["support_count", "published_at", "id"],
    "ix_ideas_most_discussed": ["comment_count", "published_at", "id"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "ideas", columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="ideas")

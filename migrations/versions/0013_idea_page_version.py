"""an idea's own page version

A support or a comment changes one idea's page (and the counts in lists, which the page cache
keeps for at most PAGE_CACHE_TIMEOUT). Until now it bumped the one site-wide content version,
which emptied every cached page and made every write wait for that one row. Now it bumps
`ideas.page_version` of its idea, a row the write locks anyway.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 06:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite has DROP COLUMN since 3.35): a batch copy of the
# table would drop the search triggers of 0011.
def upgrade():
    op.add_column("ideas", sa.Column("page_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    op.drop_column("ideas", "page_version")

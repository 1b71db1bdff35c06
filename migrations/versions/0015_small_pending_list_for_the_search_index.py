"""small pending list for the search index

Every support or comment changes an indexed counter of its idea, so PostgreSQL writes a new
version of the row and adds its search vector to the GIN index's pending list (fastupdate).
Every search reads that whole list, up to gin_pending_list_limit (4 MB by default): at 100,000
ideas, after 3,000 supports, counting the matches of "Radwege" took 21 ms instead of 3.7 ms.
With 256 kB a search reads at most 32 pages of it (3.9 ms after 3,000 supports); the list is
merged into the index more often, in smaller steps (300 counter updates: 122 -> 146..179 ms in
all, about 0.15 ms more each). SQLite's FTS5 table has no such list; nothing changes there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 18:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

PENDING_LIST_KB = 256


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER INDEX ix_ideas_search_vector SET (gin_pending_list_limit = {PENDING_LIST_KB})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_ideas_search_vector RESET (gin_pending_list_limit)")

"""stored search vector on PostgreSQL

PostgreSQL kept a GIN index on the expression to_tsvector('simple', search_document); for a
word many ideas contain, the planner rechecked by computing that expression for every row it
read (the common-word search of issue #15). The vector is now a stored generated column with
its own GIN index: computed once when an idea is written, read as it is. SQLite keeps its FTS5
table; nothing changes there.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:25:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE ideas ADD COLUMN search_vector tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(search_document, ''))) STORED")
    op.execute("CREATE INDEX ix_ideas_search_vector ON ideas USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_ideas_search")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_ideas_search ON ideas USING gin (to_tsvector('simple', search_document))")
    op.execute("DROP INDEX IF EXISTS ix_ideas_search_vector")
    op.execute("ALTER TABLE ideas DROP COLUMN search_vector")

"""Full-text search structures, shared by the migrations that must (re)create them.

Frozen like a migration: change it only by adding a new function.
ideas.search_document holds stemmed words (see app/search.py).
SQLite: an FTS5 table with external content, kept in step by triggers. A
batch-mode migration that *recreates* "ideas" on SQLite (drop or alter a column)
drops these triggers and must call drop_search_index() before and
create_search_index() after. Adding a column does not recreate the table.
PostgreSQL: a GIN index on to_tsvector('simple', search_document); from 0011 on, a stored
generated column ideas.search_vector with its own GIN index instead (app/search.py reads it).
A later migration that calls these two functions around a batch operation (for SQLite) leaves
that column alone on PostgreSQL; the old expression index it may create again is unused.
"""

from alembic import op

SQLITE_SEARCH_DDL = [
    "CREATE VIRTUAL TABLE idea_search USING fts5(search_document, content='ideas', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER ideas_search_ai AFTER INSERT ON ideas BEGIN "
    "INSERT INTO idea_search(rowid, search_document) VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER ideas_search_ad AFTER DELETE ON ideas BEGIN "
    "INSERT INTO idea_search(idea_search, rowid, search_document) VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER ideas_search_au AFTER UPDATE OF search_document ON ideas BEGIN "
    "INSERT INTO idea_search(idea_search, rowid, search_document) VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO idea_search(rowid, search_document) VALUES (new.id, new.search_document); END",
    "INSERT INTO idea_search(idea_search) VALUES ('rebuild')",
]


def create_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_ideas_search ON ideas USING gin (to_tsvector('simple', search_document))")


def drop_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("ideas_search_ai", "ideas_search_ad", "ideas_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS idea_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_ideas_search")

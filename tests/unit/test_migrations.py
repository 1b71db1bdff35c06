"""The schema comes from the migrations; the models must agree with it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.extensions import db
from app.models import Base


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _include}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def _include(object_, name, type_, reflected, compare_to):
    return name not in {"idea_search", "idea_search_data", "idea_search_idx", "idea_search_docsize", "idea_search_config", "ix_ideas_search",
                        "search_vector", "ix_ideas_search_vector", "alembic_version"}


def test_search_index_exists(app):
    inspector = inspect(db.engine)
    if db.engine.dialect.name == "sqlite":
        assert "idea_search" in inspector.get_table_names()
    else:
        assert "ix_ideas_search_vector" in {i["name"] for i in inspector.get_indexes("ideas")}
        assert "search_vector" in {c["name"] for c in inspector.get_columns("ideas")}
        # A search reads the GIN index's whole pending list: it is kept small (migration 0015).
        options = db.session.scalar(db.text("SELECT reloptions FROM pg_class WHERE relname = 'ix_ideas_search_vector'"))
        assert "gin_pending_list_limit=256" in options


def test_downgrade_to_base_and_upgrade_again(app):
    """Every migration can be undone and redone; the search index survives the round trip."""
    from pathlib import Path

    from flask_migrate import downgrade, upgrade

    directory = str(Path(__file__).resolve().parents[2] / "migrations")
    db.session.remove()
    downgrade(directory=directory, revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(directory=directory)
    test_models_and_migrations_agree(app)
    test_search_index_exists(app)


def test_a_migration_gives_its_connection_back_with_foreign_keys_on(app):
    """env.py switches SQLite's foreign keys off for batch migrations; the pooled connection it used
    must enforce ON DELETE CASCADE again for whoever gets it next (a privacy deletion left orphaned
    comments in a test after a migration test)."""
    from pathlib import Path

    from flask_migrate import upgrade

    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL always enforces foreign keys
    db.session.remove()
    upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))  # at head: env.py still connects
    held = [db.engine.connect() for _ in range(db.engine.pool.size())]
    try:
        assert [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in held] == [1] * len(held)
    finally:
        for connection in held:
            connection.close()

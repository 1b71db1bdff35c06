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
    if name == "ix_ideas_listed":  # PostgreSQL's only (models/idea.py)
        return db.engine.dialect.name == "postgresql"
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


def test_titles_stored_with_line_breaks_become_one_line(app, reference):
    """Migration 0016: project titles, news titles and the subjects of waiting mails from before the
    forms kept them on one line; a sent mail's subject stays as it was sent."""
    from pathlib import Path

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select, update

    from app import mail
    from app.models import Announcement, OutgoingMail, Project
    from tests.factories import create_user

    directory = str(Path(__file__).resolve().parents[2] / "migrations")
    author = create_user("mod@example.com", roles=("moderator",))
    project = db.session.scalar(select(Project).where(Project.number == 1))
    waiting = mail.queue_mail("a@example.com", "x", "Text")
    sent = mail.queue_mail("b@example.com", "x", "Text")
    db.session.add(Announcement(title="x", body="Text", author_id=author.id))
    db.session.commit()
    db.session.execute(update(Project).where(Project.id == project.id).values(title="Bürger-\r\nWLAN"))
    db.session.execute(update(Announcement).values(title="Workshop\nam 12. Januar"))
    db.session.execute(update(OutgoingMail).values(subject="Ihre Idee\n„Radweg“"))
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == sent.id).values(sent_at=waiting.created_at))
    db.session.commit()
    project_id, waiting_id, sent_id = project.id, waiting.id, sent.id
    db.session.remove()
    downgrade(directory=directory, revision="0015")
    upgrade(directory=directory)
    assert db.session.scalar(select(Project.title).where(Project.id == project_id)) == "Bürger- WLAN"
    assert db.session.scalar(select(Announcement.title)) == "Workshop am 12. Januar"
    assert db.session.scalar(select(OutgoingMail.subject).where(OutgoingMail.id == waiting_id)) == "Ihre Idee „Radweg“"
    assert db.session.scalar(select(OutgoingMail.subject).where(OutgoingMail.id == sent_id)) == "Ihre Idee\n„Radweg“"


def test_search_documents_get_their_fields_and_town(app, reference):
    """Migration 0017 computes every idea's search document again, with its fields' and town's names."""
    from pathlib import Path

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select, update

    from app.models import Idea
    from app.search import build_document
    from tests.factories import create_user, make_idea

    directory = str(Path(__file__).resolve().parents[2] / "migrations")
    idea = make_idea(create_user(), "Radweg", fields=["mobilitaet"], municipality="duelmen")
    idea_id = idea.id
    db.session.execute(update(Idea).where(Idea.id == idea_id).values(search_document=build_document("Radweg")))  # as stored before
    db.session.commit()
    db.session.remove()
    downgrade(directory=directory, revision="0016")
    upgrade(directory=directory)
    document = db.session.scalar(select(Idea.search_document).where(Idea.id == idea_id)).split()
    assert set(build_document("Mobilität Dülmen").split()) <= set(document)

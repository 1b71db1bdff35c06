"""search finds action fields and towns

An idea's search document (`ideas.search_document`, which the FTS5 table and PostgreSQL's stored
`search_vector` index) now holds the names of its action fields and its town as well as its card,
so "Mobilität" and "Dülmen" find the ideas tagged with them (app.search.idea_document). This
computes the document again for every idea, with the stemmer the app uses. Data only: the
downgrade leaves the longer documents (they find more, nothing less).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    from app.search import build_document  # the app's stemmer: the same words as a search

    connection = op.get_bind()
    fields: dict[int, list[str]] = {}
    for idea_id, name in connection.execute(sa.text(
            "SELECT f.idea_id, a.name FROM idea_action_fields f JOIN action_fields a ON a.id = f.action_field_id ORDER BY a.position")):
        fields.setdefault(idea_id, []).append(name)
    last = 0
    while True:
        rows = connection.execute(sa.text(
            "SELECT i.id, i.title, i.summary, i.benefit, i.challenges, i.partners, m.name FROM ideas i "
            "JOIN municipalities m ON m.id = i.municipality_id WHERE i.id > :last ORDER BY i.id LIMIT :batch"),
            {"last": last, "batch": BATCH}).all()
        if not rows:
            break
        for idea_id, title, summary, benefit, challenges, partners, town in rows:
            document = build_document(title, summary, benefit, challenges, partners, *fields.get(idea_id, []), town)
            connection.execute(sa.text("UPDATE ideas SET search_document = :document WHERE id = :id"), {"document": document, "id": idea_id})
        last = rows[-1][0]


def downgrade():
    pass

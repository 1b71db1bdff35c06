"""titles on one line

A line break in a title (an Excel cell with Alt+Enter in the portfolio import, or a crafted
request to the project or news form) became the subject of a notification mail, which then
could not be built and held back the mails behind it. Forms and the import now keep titles on
one line (app.security.one_line); this makes the rows stored before the same, and the subjects
of mails still waiting in the queue. Data only; nothing to undo.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 04:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# (table, column, condition): the title columns, and the subjects of mails not yet sent.
COLUMNS = [
    ("projects", "title", "1 = 1"),
    ("announcements", "title", "1 = 1"),
    ("budget_lines", "label", "1 = 1"),
    ("mail_queue", "subject", "sent_at IS NULL"),
]


def _one_line(text):
    return " ".join(text.split())


def upgrade():
    connection = op.get_bind()
    for table, column, condition in COLUMNS:
        rows = connection.execute(sa.text(
            f"SELECT id, {column} FROM {table} WHERE {condition}"  # noqa: S608 (names from the list above)
        )).all()
        for row_id, value in rows:
            if value is not None and _one_line(value) != value:
                connection.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),  # noqa: S608
                                   {"value": _one_line(value), "id": row_id})


def downgrade():
    pass

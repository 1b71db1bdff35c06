"""site texts the administration writes

`site_texts` (key, text): the start page's introduction, the strategy's vision, "Wie geht es
weiter?" and what each priority group means. A key without a row shows its default
(app/reference.py SITE_TEXTS).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 11:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_texts")),
        sa.UniqueConstraint("key", name=op.f("uq_site_texts_key")),
    )


def downgrade():
    op.drop_table("site_texts")

"""the moderation moves an idea to other action fields or another town

`idea_state_changes.moved_from`: an entry of the idea's public history that records, with the
public reason, where the idea was before the moderation moved it (the state stays).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 11:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("idea_state_changes", sa.Column("moved_from", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("idea_state_changes") as batch:
        batch.drop_column("moved_from")

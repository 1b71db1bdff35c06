"""a town's office address

`municipalities.office_address`: the office people can turn to, shown on the town's page and
edited by the administration.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("municipalities", sa.Column("office_address", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("municipalities") as batch:
        batch.drop_column("office_address")

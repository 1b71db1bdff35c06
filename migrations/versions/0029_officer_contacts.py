"""a digital officer's contact on the pages of their towns

`users.contact_name` and `users.contact_function`: the name and function a digital officer
chooses to publish on their towns' pages (empty: not shown).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 10:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("contact_name", sa.String(length=80), nullable=False, server_default=""))
    op.add_column("users", sa.Column("contact_function", sa.String(length=120), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("contact_function")
        batch.drop_column("contact_name")

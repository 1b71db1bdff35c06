"""the browser and device of a signed-in session

`auth_sessions.browser` holds a short label made from the User-Agent at log-in ("Firefox auf
Windows"), so the account page can name each signed-in browser. Only the label is kept, not the
User-Agent string (data minimisation). Existing sessions get none.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 06:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("auth_sessions") as batch:
        batch.add_column(sa.Column("browser", sa.String(length=60), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("auth_sessions") as batch:
        batch.drop_column("browser")

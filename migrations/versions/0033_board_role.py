"""a read-only role for the decision bodies

The staff role "board" ("Gremium"): reads the report, the candidates and the ideas export,
changes nothing.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 12:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

OLD_ROLES = ('moderator', 'steering', 'admin', 'officer', 'helper')
ROLES = ('moderator', 'steering', 'admin', 'officer', 'helper', 'board')


def upgrade():
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(batch.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint("role", f"role IN {ROLES!r}")


def downgrade():
    op.execute("DELETE FROM user_roles WHERE role = 'board'")
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(batch.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint("role", f"role IN {OLD_ROLES!r}")

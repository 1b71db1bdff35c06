"""digital officers of the towns

A staff role "officer" (Digitalverantwortliche:r) and `officer_towns`, the towns each officer
looks after (app/auth/scope.py, docs/decisions/0025-digital-officers.md).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

OLD_ROLES = ('moderator', 'steering', 'admin')
ROLES = ('moderator', 'steering', 'admin', 'officer')


def upgrade():
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(batch.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint("role", f"role IN {ROLES!r}")
    op.create_table(
        "officer_towns",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"], name=op.f("fk_officer_towns_municipality_id_municipalities"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_officer_towns_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "municipality_id", name=op.f("pk_officer_towns")),
    )
    op.create_index(op.f("ix_officer_towns_municipality_id"), "officer_towns", ["municipality_id"])


def downgrade():
    op.drop_index(op.f("ix_officer_towns_municipality_id"), table_name="officer_towns")
    op.drop_table("officer_towns")
    op.execute("DELETE FROM user_roles WHERE role = 'officer'")
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(batch.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint("role", f"role IN {OLD_ROLES!r}")

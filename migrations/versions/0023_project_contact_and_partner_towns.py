"""a project's contact and its partner towns

- `projects.contact_name`, `projects.contact_function`: the contact a project names publicly (a
  name and function the person chose to publish); empty: the responsible office is the contact.
- `project_partner_towns`: the towns that take part in a project beside its lead town.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("contact_name", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("contact_function", sa.String(length=120), nullable=False, server_default=""))
    op.create_table(
        "project_partner_towns",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_project_partner_towns_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"], name=op.f("fk_project_partner_towns_municipality_id_municipalities"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("project_id", "municipality_id", name=op.f("pk_project_partner_towns")),
    )
    op.create_index(op.f("ix_project_partner_towns_municipality_id"), "project_partner_towns", ["municipality_id"])


def downgrade():
    op.drop_index(op.f("ix_project_partner_towns_municipality_id"), table_name="project_partner_towns")
    op.drop_table("project_partner_towns")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("contact_function")
        batch.drop_column("contact_name")

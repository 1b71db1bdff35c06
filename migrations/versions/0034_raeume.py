"""the Smart-Cities call's seven Räume

`raeume` (slug, name, order) and `projects.raum_id`: the Raum a project belongs to in the funding
application (none until staff assign it). The seven are reference data (app/seed/reference.py).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 12:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "raeume",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raeume")),
        sa.UniqueConstraint("name", name=op.f("uq_raeume_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_raeume_slug")),
    )
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("raum_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_projects_raum_id_raeume"), "raeume", ["raum_id"], ["id"], ondelete="SET NULL")
        batch.create_index(batch.f("ix_projects_raum_id"), ["raum_id"])


def downgrade():
    with op.batch_alter_table("projects") as batch:
        batch.drop_index(batch.f("ix_projects_raum_id"))
        batch.drop_constraint(batch.f("fk_projects_raum_id_raeume"), type_="foreignkey")
        batch.drop_column("raum_id")
    op.drop_table("raeume")

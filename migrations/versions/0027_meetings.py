"""workshops and events ("Veranstaltungen")

`meetings` (kind, title, start and end, town and address or an online link, description,
partners, an optional cap on places, the report afterwards) and `meeting_action_fields`.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 09:30:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

KINDS = ('workshop', 'dialogue', 'reallabor', 'helpdesk')


def upgrade():
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("partners", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("report_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN {KINDS!r}", name=op.f("ck_meetings_kind")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meetings_ends_after_start")),
        sa.CheckConstraint("municipality_id IS NOT NULL OR online_url <> ''", name=op.f("ck_meetings_somewhere")),
        sa.CheckConstraint("capacity IS NULL OR (capacity > 0 AND capacity <= 10000)", name=op.f("ck_meetings_capacity")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"], name=op.f("fk_meetings_municipality_id_municipalities"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(op.f("ix_meetings_starts_at"), "meetings", ["starts_at"])
    op.create_index(op.f("ix_meetings_municipality_id"), "meetings", ["municipality_id"])
    op.create_table(
        "meeting_action_fields",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("action_field_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_field_id"], ["action_fields.id"], name=op.f("fk_meeting_action_fields_action_field_id_action_fields"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_action_fields_meeting_id_meetings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "action_field_id", name=op.f("pk_meeting_action_fields")),
    )
    op.create_index(op.f("ix_meeting_action_fields_action_field_id"), "meeting_action_fields", ["action_field_id"])


def downgrade():
    op.drop_index(op.f("ix_meeting_action_fields_action_field_id"), table_name="meeting_action_fields")
    op.drop_table("meeting_action_fields")
    op.drop_index(op.f("ix_meetings_municipality_id"), table_name="meetings")
    op.drop_index(op.f("ix_meetings_starts_at"), table_name="meetings")
    op.drop_table("meetings")

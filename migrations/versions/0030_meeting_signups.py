"""sign-ups for events

`meeting_signups`: one per person and event; with a cap on places, the order decides who has a
place and who waits.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 10:40:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_signups_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_meeting_signups_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_signups")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_meeting_signups_meeting_id_user_id")),
    )
    op.create_index(op.f("ix_meeting_signups_meeting_id"), "meeting_signups", ["meeting_id"])
    op.create_index(op.f("ix_meeting_signups_user_id"), "meeting_signups", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_meeting_signups_user_id"), table_name="meeting_signups")
    op.drop_index(op.f("ix_meeting_signups_meeting_id"), table_name="meeting_signups")
    op.drop_table("meeting_signups")

"""a project's public history names milestones, trials and "Wie geht es weiter?"

`project_status_changes.event` and `.detail`: an entry that records, instead of a status change,
that staff planned, reached, changed or removed a milestone, described or changed a trial, or
wrote what happens next (the status stays: from == to); `detail` is the milestone's title or the
trial's first words.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 08:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

EVENTS = ('milestone_added', 'milestone_done', 'milestone_changed', 'milestone_removed', 'trial_added', 'trial_changed', 'next_steps')


def upgrade():
    with op.batch_alter_table("project_status_changes") as batch:
        batch.add_column(sa.Column("event", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("detail", sa.String(length=300), nullable=False, server_default=""))
        batch.create_check_constraint("event", f"event IN {EVENTS!r}")


def downgrade():
    with op.batch_alter_table("project_status_changes") as batch:
        batch.drop_constraint(batch.f("ck_project_status_changes_event"), type_="check")
        batch.drop_column("detail")
        batch.drop_column("event")

"""ideas taken down on someone's behalf

A staff role "helper" (Digitallotse/Digitallotsin); on `ideas` who entered one for someone who is
not online, in which role and when, at which event, and the author's name as the person chose it;
`idea_claims`, the link (and, until it is used or expires, the address) that lets the person claim
the idea into an account.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import app.models.base
from migrations.search_index import create_search_index, drop_search_index

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

OLD_ROLES = ('moderator', 'steering', 'admin', 'officer')
ROLES = ('moderator', 'steering', 'admin', 'officer', 'helper')


def _on_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(batch.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint("role", f"role IN {ROLES!r}")
    if _on_sqlite():
        drop_search_index()  # adding foreign keys recreates "ideas" on SQLite (migrations/search_index.py)
    with op.batch_alter_table("ideas") as batch:
        batch.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("entered_role", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("entered_at", app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("author_label", sa.String(length=250), nullable=False, server_default=""))
        batch.create_foreign_key(batch.f("fk_ideas_entered_by_id_users"), "users", ["entered_by_id"], ["id"], ondelete="SET NULL")
        batch.create_foreign_key(batch.f("fk_ideas_meeting_id_meetings"), "meetings", ["meeting_id"], ["id"], ondelete="SET NULL")
        batch.create_index(batch.f("ix_ideas_entered_by_id"), ["entered_by_id"])
        batch.create_index(batch.f("ix_ideas_meeting_id"), ["meeting_id"])
    if _on_sqlite():
        create_search_index()
    op.create_table(
        "idea_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("consent_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["users.id"], name=op.f("fk_idea_claims_claimed_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name=op.f("fk_idea_claims_idea_id_ideas"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_claims")),
        sa.UniqueConstraint("idea_id", name=op.f("uq_idea_claims_idea_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_idea_claims_token_hash")),
    )
    op.create_index(op.f("ix_idea_claims_expires_at"), "idea_claims", ["expires_at"])
    op.create_index(op.f("ix_idea_claims_claimed_by_id"), "idea_claims", ["claimed_by_id"])


def downgrade():
    op.drop_index(op.f("ix_idea_claims_claimed_by_id"), table_name="idea_claims")
    op.drop_index(op.f("ix_idea_claims_expires_at"), table_name="idea_claims")
    op.drop_table("idea_claims")
    if _on_sqlite():
        drop_search_index()
    with op.batch_alter_table("ideas") as batch:
        batch.drop_index(batch.f("ix_ideas_meeting_id"))
        batch.drop_index(batch.f("ix_ideas_entered_by_id"))
        batch.drop_constraint(batch.f("fk_ideas_meeting_id_meetings"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_ideas_entered_by_id_users"), type_="foreignkey")
        batch.drop_column("author_label")
        batch.drop_column("meeting_id")
        batch.drop_column("entered_at")
        batch.drop_column("entered_role")
        batch.drop_column("entered_by_id")
    if _on_sqlite():
        create_search_index()
    op.execute("DELETE FROM user_roles WHERE role = 'helper'")
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(batch.f("ck_user_roles_role"), type_="check")
        batch.create_check_constraint("role", f"role IN {OLD_ROLES!r}")

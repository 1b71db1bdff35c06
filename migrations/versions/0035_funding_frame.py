"""the funding frame: budget lines by phase, release status and third-party money; the call's limits

`budget_lines.phase` (A strategy / B implementation, existing lines: B), `release_status` (geplant,
beantragt, bewilligt, abgerechnet; existing lines: geplant) and `third_party` (euros towards the own
share, 0); `projects.in_application` (part of the funding application); `funding_call`, one row
with the call's limits as the seed states them (15 Mio. € per application, at most 4 years, 65 %,
deadlines 14.03.2021 and 14.04.2021), edited by the administration.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 11:20:00

"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("budget_lines") as batch:
        batch.add_column(sa.Column("phase", sa.String(length=1), server_default="B", nullable=False))
        batch.add_column(sa.Column("release_status", sa.String(length=12), server_default="geplant", nullable=False))
        batch.add_column(sa.Column("third_party", sa.BigInteger(), server_default="0", nullable=False))
        batch.create_check_constraint("phase", "phase IN ('A', 'B')")
        batch.create_check_constraint("release_status", "release_status IN ('geplant', 'beantragt', 'bewilligt', 'abgerechnet')")
        batch.create_check_constraint("third_party_range", "third_party >= 0 AND third_party <= amount")
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("in_application", sa.Boolean(), server_default=sa.false(), nullable=False))
    call = op.create_table(
        "funding_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("max_amount", sa.BigInteger(), nullable=False),
        sa.Column("max_years", sa.Integer(), nullable=False),
        sa.Column("funding_rate", sa.BigInteger(), nullable=False),
        sa.Column("application_deadline", sa.Date(), nullable=True),
        sa.Column("resolutions_deadline", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("max_amount > 0", name=op.f("ck_funding_call_max_amount_positive")),
        sa.CheckConstraint("max_years >= 1 AND max_years <= 20", name=op.f("ck_funding_call_max_years_range")),
        sa.CheckConstraint("funding_rate >= 0 AND funding_rate <= 10000", name=op.f("ck_funding_call_funding_rate_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_call")),
    )
    # Hundredths: 15 Mio. € and 65 %, as the seed states them.
    op.bulk_insert(call, [{
        "id": 1, "name": "Modellprojekte Smart Cities", "max_amount": 1_500_000_000, "max_years": 4, "funding_rate": 6500,
        "application_deadline": date(2021, 3, 14), "resolutions_deadline": date(2021, 4, 14),
        "updated_at": datetime.now(timezone.utc),
    }])


def downgrade():
    op.drop_table("funding_call")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("in_application")
    with op.batch_alter_table("budget_lines") as batch:
        batch.drop_constraint(batch.f("ck_budget_lines_third_party_range"), type_="check")
        batch.drop_constraint(batch.f("ck_budget_lines_release_status"), type_="check")
        batch.drop_constraint(batch.f("ck_budget_lines_phase"), type_="check")
        batch.drop_column("third_party")
        batch.drop_column("release_status")
        batch.drop_column("phase")

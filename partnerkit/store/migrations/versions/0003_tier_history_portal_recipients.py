"""Credited-tier history (issue 12), the partner's own HubSpot portal id (issue 11) and
report recipients (issue 14).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

One migration for the three so the chain stays linear while they are built in parallel.
Existing partners keep their `credited_tier`/`credited_since`: the upgrade copies them into
`credited_tier_history` as a `recorded` row, so the history starts where the record did.
Nothing is dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partners") as batch:
        # The partner's own HubSpot portal (CRM records of its clients live there; F1.3.2).
        batch.add_column(
            sa.Column("hubspot_portal_id", sa.String(32), server_default="", nullable=False)
        )
        # Who receives the monthly report (F5): comma-separated e-mail addresses.
        batch.add_column(
            sa.Column("report_recipients", sa.Text(), server_default="", nullable=False)
        )
    op.create_table(
        "credited_tier_history",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("credited_from", sa.Date(), nullable=False),
        sa.Column("tier", sa.String(32), nullable=False),
        # recorded: what HubSpot credited (entered or imported); computed: partnerkit's review
        # simulation, stored only when a user chooses to keep it.
        sa.Column("source", sa.String(16), server_default="recorded", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.partner_id"],
            name="fk_credited_tier_history_partner_id_partners",
        ),
        sa.PrimaryKeyConstraint("partner_id", "credited_from", name="pk_credited_tier_history"),
    )
    op.execute(
        "INSERT INTO credited_tier_history (partner_id, credited_from, tier, source, note) "
        "SELECT partner_id, credited_since, credited_tier, 'recorded', '' FROM partners "
        "WHERE credited_tier IS NOT NULL AND credited_since IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("credited_tier_history")
    with op.batch_alter_table("partners") as batch:
        batch.drop_column("report_recipients")
        batch.drop_column("hubspot_portal_id")

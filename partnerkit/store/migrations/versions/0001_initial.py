"""The partner's book: partners, team, clients, subscriptions, renewals, usage, engagement, ledger.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CLIENT_FK = ["clients.partner_id", "clients.client_id"]


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("certified_until", sa.Date(), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("credited_tier", sa.String(32), nullable=True),
        sa.Column("credited_since", sa.Date(), nullable=True),
        sa.Column("data_refreshed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("partner_id", name="pk_partners"),
    )
    op.create_table(
        "team_members",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.partner_id"], name="fk_team_members_partner_id_partners"
        ),
        sa.PrimaryKeyConstraint("partner_id", "email", name="pk_team_members"),
    )
    op.create_table(
        "clients",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("domain", sa.Text(), server_default="", nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("industry", sa.Text(), server_default="", nullable=False),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("portal_id", sa.String(32), server_default="", nullable=False),
        sa.Column("crm_record_id", sa.String(32), server_default="", nullable=False),
        sa.Column("relationship", sa.String(16), nullable=False),
        sa.Column("deal_type", sa.String(16), server_default="", nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.partner_id"], name="fk_clients_partner_id_partners"
        ),
        sa.PrimaryKeyConstraint("partner_id", "client_id", name="pk_clients"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("product_line", sa.String(64), nullable=False),
        sa.Column("edition", sa.String(32), nullable=False),
        sa.Column("mrr_units", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("contact_tier", sa.Text(), server_default="", nullable=False),
        sa.Column("email_send_tier", sa.Text(), server_default="", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id", "client_id"], CLIENT_FK, name="fk_subscriptions_partner_id_clients"
        ),
        sa.PrimaryKeyConstraint("partner_id", "client_id", "product_line", name="pk_subscriptions"),
    )
    op.create_table(
        "renewals",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=False),
        sa.Column("owner", sa.Text(), server_default="", nullable=False),
        sa.Column("renewal_manager", sa.Text(), server_default="", nullable=False),
        sa.Column("current_subscription", sa.Text(), server_default="", nullable=False),
        sa.Column("renewal_subscription", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(32), server_default="pending", nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id", "client_id"], CLIENT_FK, name="fk_renewals_partner_id_clients"
        ),
        sa.PrimaryKeyConstraint("partner_id", "client_id", "renewal_date", name="pk_renewals"),
    )
    op.create_index("ix_renewals_partner_date", "renewals", ["partner_id", "renewal_date"])
    op.create_table(
        "portal_usage",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("product", sa.String(64), nullable=False),
        sa.Column("app", sa.String(128), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id", "client_id"], CLIENT_FK, name="fk_portal_usage_partner_id_clients"
        ),
        sa.PrimaryKeyConstraint(
            "partner_id", "client_id", "month", "product", "app", name="pk_portal_usage"
        ),
    )
    op.create_table(
        "engagement",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("drivers", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id", "client_id"], CLIENT_FK, name="fk_engagement_partner_id_clients"
        ),
        sa.PrimaryKeyConstraint("partner_id", "client_id", "month", name="pk_engagement"),
    )
    op.create_table(
        "ledger",
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("client_name", sa.Text(), server_default="", nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("deal_type", sa.String(16), server_default="", nullable=False),
        sa.Column("amount_units", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("product_line", sa.String(64), server_default="", nullable=False),
        sa.Column("first_sold", sa.Date(), nullable=True),
        sa.Column("other_partners", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.partner_id"], name="fk_ledger_partner_id_partners"
        ),
        sa.PrimaryKeyConstraint("partner_id", "event_id", name="pk_ledger"),
    )
    op.create_index("ix_ledger_partner_client", "ledger", ["partner_id", "client_id"])


def downgrade() -> None:
    for table in (
        "ledger",
        "engagement",
        "portal_usage",
        "renewals",
        "subscriptions",
        "clients",
        "team_members",
        "partners",
    ):
        op.drop_table(table)

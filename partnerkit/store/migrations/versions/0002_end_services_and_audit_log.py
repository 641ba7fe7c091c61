"""End services (F1.3.4) and the audit log: client status columns, audit_log table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Existing clients become "active"; nothing is dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(
            sa.Column("status", sa.String(16), server_default="active", nullable=False)
        )
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("ended_by", sa.Text(), nullable=True))
        batch.add_column(sa.Column("ended_reason", sa.Text(), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Text(), server_default="", nullable=False),
        sa.Column("details", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.partner_id"], name="fk_audit_log_partner_id_partners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_partner_at", "audit_log", ["partner_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_partner_at", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("clients") as batch:
        for col in ("ended_reason", "ended_by", "ended_on", "status"):
            batch.drop_column(col)

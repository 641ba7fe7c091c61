"""The database schema (head revision) as SQLAlchemy Core tables (issue 3).

The migrations in `partnerkit/store/migrations/versions/` create exactly these tables; a test
compares the migrated database with this metadata so the two never drift.

Money is stored exactly as integers of 1/10,000 of a currency unit (`*_units` columns, the same
scale as `partnerkit.money.AMOUNT_SCALE`), never as floats: SQLite has no decimal type.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# The partner (a HubSpot Solutions Partner agency). F2.1 credited tier, F2.5 certification.
partners = Table(
    "partners",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("certified_until", Date, nullable=True),
    Column("joined_on", Date, nullable=True),
    Column("credited_tier", String(32), nullable=True),
    Column("credited_since", Date, nullable=True),
    # The day the data was last refreshed (demo "today", or an import); data_as_of() uses it.
    Column("data_refreshed_on", Date, nullable=True),
    # Revision 0003: the partner's own HubSpot portal id (CRM links, F1.3.2; issue 11) and
    # who receives the monthly report (F5; issue 14), comma-separated addresses.
    Column("hubspot_portal_id", String(32), nullable=False, server_default=""),
    Column("report_recipients", Text, nullable=False, server_default=""),
)

# F2.1 the credited tier over time (revision 0003; issue 12). `recorded` rows are what HubSpot
# credited (entered or imported); the core simulates reviews from the latest one on or before
# the date asked, and says "not recorded" before the first.
credited_tier_history = Table(
    "credited_tier_history",
    metadata,
    Column("partner_id", String(64), ForeignKey("partners.partner_id"), primary_key=True),
    Column("credited_from", Date, primary_key=True),
    Column("tier", String(32), nullable=False),
    Column("source", String(16), nullable=False, server_default="recorded"),
    Column("note", Text, nullable=False, server_default=""),
)

# F4: the partner's HubSpot team (a PDM since 2024-02-01).
team_members = Table(
    "team_members",
    metadata,
    Column("partner_id", String(64), ForeignKey("partners.partner_id"), primary_key=True),
    Column("email", String(254), primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
)

# F1.2 the client book. Market type is not stored: the rules derive it from the country.
clients = Table(
    "clients",
    metadata,
    Column("partner_id", String(64), ForeignKey("partners.partner_id"), primary_key=True),
    Column("client_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("domain", Text, nullable=False, server_default=""),
    Column("country", String(2), nullable=False),
    Column("industry", Text, nullable=False, server_default=""),
    Column("employees", Integer, nullable=True),
    Column("portal_id", String(32), nullable=False, server_default=""),
    Column("crm_record_id", String(32), nullable=False, server_default=""),
    Column("relationship", String(16), nullable=False),  # sold | managed | both
    # sourced | assisted | managed-only
    Column("deal_type", String(16), nullable=False, server_default=""),
    Column("currency", String(3), nullable=False),
    # F1.3.4 End services (revision 0002): nothing is deleted, the client is marked.
    Column("status", String(16), nullable=False, server_default="active"),  # active | ended
    Column("ended_on", Date, nullable=True),
    Column("ended_by", Text, nullable=True),
    Column("ended_reason", Text, nullable=True),
)

_client_fk = ("clients.partner_id", "clients.client_id")

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("client_id", String(64), primary_key=True),
    Column("product_line", String(64), primary_key=True),
    Column("edition", String(32), nullable=False),
    Column("mrr_units", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("contact_tier", Text, nullable=False, server_default=""),
    Column("email_send_tier", Text, nullable=False, server_default=""),
    Column("start_date", Date, nullable=False),
    Column("renewal_date", Date, nullable=True),
    ForeignKeyConstraint(["partner_id", "client_id"], list(_client_fk)),
)

renewals = Table(
    "renewals",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("client_id", String(64), primary_key=True),
    Column("renewal_date", Date, primary_key=True),
    Column("owner", Text, nullable=False, server_default=""),
    Column("renewal_manager", Text, nullable=False, server_default=""),
    Column("current_subscription", Text, nullable=False, server_default=""),
    Column("renewal_subscription", Text, nullable=False, server_default=""),
    Column("status", String(32), nullable=False, server_default="pending"),
    ForeignKeyConstraint(["partner_id", "client_id"], list(_client_fk)),
    Index("ix_renewals_partner_date", "partner_id", "renewal_date"),
)

# F1.3.1 Portal usage: which products and apps a client uses, by month.
portal_usage = Table(
    "portal_usage",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("client_id", String(64), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("product", String(64), primary_key=True),
    Column("app", String(128), primary_key=True),
    Column("used", Boolean, nullable=False),
    ForeignKeyConstraint(["partner_id", "client_id"], list(_client_fk)),
)

# F1.3.1 Platform engagement: score 0-10 by month, and what drives it.
engagement = Table(
    "engagement",
    metadata,
    Column("partner_id", String(64), primary_key=True),
    Column("client_id", String(64), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("score", Integer, nullable=False),
    Column("drivers", Text, nullable=False, server_default=""),
    ForeignKeyConstraint(["partner_id", "client_id"], list(_client_fk)),
)

# The point ledger: exactly the columns of partnerkit.ledger (amount as exact integer units).
# Not tied to `clients` by a foreign key: a ledger may be imported before (or without) the clients.
ledger = Table(
    "ledger",
    metadata,
    Column("partner_id", String(64), ForeignKey("partners.partner_id"), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("client_name", Text, nullable=False, server_default=""),
    Column("date", Date, nullable=False),
    Column("deal_type", String(16), nullable=False, server_default=""),
    Column("amount_units", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("country", String(2), nullable=False),
    Column("product_line", String(64), nullable=False, server_default=""),
    Column("first_sold", Date, nullable=True),
    Column("other_partners", Integer, nullable=False, server_default="0"),
    Index("ix_ledger_partner_client", "partner_id", "client_id"),
)

# Every change a user makes (revision 0002).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner_id", String(64), ForeignKey("partners.partner_id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", Text, nullable=False, server_default=""),
    Column("details", Text, nullable=False, server_default=""),
    Index("ix_audit_log_partner_at", "partner_id", "at"),
)

__all__ = [
    "audit_log",
    "clients",
    "credited_tier_history",
    "engagement",
    "ledger",
    "metadata",
    "partners",
    "portal_usage",
    "renewals",
    "subscriptions",
    "team_members",
]

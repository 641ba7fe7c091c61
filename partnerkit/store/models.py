"""Plain objects the store returns (besides DataFrames), and its errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

PDM_ROLE = "Partner Development Manager"
RELATIONSHIPS = ("sold", "managed", "both")
CLIENT_DEAL_TYPES = ("sourced", "assisted", "managed-only")
RENEWAL_STATUSES = ("pending", "confirmed", "renewed", "cancellation requested")
EDITIONS = ("Free", "Starter", "Professional", "Enterprise")
# HubSpot's product lines (hubs) as sold today and under their older names. Not a program rule.
PRODUCT_LINES = (
    "Marketing Hub",
    "Sales Hub",
    "Service Hub",
    "Content Hub",
    "CMS Hub",
    "Operations Hub",
    "Data Hub",
    "Commerce Hub",
    "Smart CRM",
)


def today() -> dt.date:
    """The day "today" for writes and defaults: $PARTNERKIT_AS_OF (tests, demos) or the clock."""
    from partnerkit.dates import today as pinned_or_clock

    return pinned_or_clock()


class UnknownPartnerError(ValueError):
    """No partner with that id; the message names the known ones."""

    def __init__(self, partner_id: str, known: list[str]) -> None:
        self.partner_id = partner_id
        self.known = known
        hint = f"known partners: {', '.join(known)}" if known else (
            "the database has no partners yet: run 'partnerkit demo' or import your data"
        )
        super().__init__(f"unknown partner {partner_id!r}; {hint}")


class UnknownClientError(ValueError):
    def __init__(self, partner_id: str, client_id: str) -> None:
        self.partner_id = partner_id
        self.client_id = client_id
        super().__init__(
            f"partner {partner_id!r} has no client {client_id!r} "
            "(see 'partnerkit export --view clients' for the ids)"
        )


@dataclass(frozen=True, slots=True)
class Partner:
    partner_id: str
    name: str
    country: str
    currency: str
    certified_until: dt.date | None
    joined_on: dt.date | None
    credited_tier: str | None
    credited_since: dt.date | None
    # The partner's OWN HubSpot portal id: its CRM holds the client company records (F1.3.2).
    hubspot_portal_id: str = ""


@dataclass(frozen=True, slots=True)
class TeamMember:
    name: str
    role: str
    email: str
    description: str


@dataclass(frozen=True)
class ClientDetails:
    """F1.3.1 the four tabs of the client panel."""

    company: dict[str, Any]
    subscriptions: pd.DataFrame = field(repr=False)
    renewals: pd.DataFrame = field(repr=False)
    usage: pd.DataFrame = field(repr=False)
    engagement: pd.DataFrame = field(repr=False)

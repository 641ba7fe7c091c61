"""The partner's book in a database (issue 3): SQLite by default, PostgreSQL for teams.

    from partnerkit.store import open_store
    store = open_store()            # $PARTNERKIT_DB, else an SQLite file in the user data dir
    store.client_table("pt-lisboa", date(2026, 11, 15))

See docs/import-formats.md for the import files and docs/architecture.md for the API.
"""

from __future__ import annotations

from partnerkit.store.api import Store, open_store
from partnerkit.store.engine import StoreError, default_database_url, normalise_url
from partnerkit.store.models import (
    PDM_ROLE,
    ClientDetails,
    Partner,
    TeamMember,
    UnknownClientError,
    UnknownPartnerError,
)


def ensure_demo_database(url: str | None = None) -> str:
    """Create the demo book in the database at `url` (default: $PARTNERKIT_DB / the user file)
    when it has no partners yet; return the database URL. A non-empty database is left alone."""
    from partnerkit.store.demo import create_demo

    url = normalise_url(url) if url else default_database_url()
    store = open_store(url)
    try:
        empty = not store.partner_ids()
    finally:
        store.close()
    if empty:
        create_demo(url)
    return url


__all__ = [
    "PDM_ROLE",
    "ClientDetails",
    "Partner",
    "Store",
    "StoreError",
    "TeamMember",
    "UnknownClientError",
    "UnknownPartnerError",
    "default_database_url",
    "ensure_demo_database",
    "normalise_url",
    "open_store",
]

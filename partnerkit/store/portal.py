"""The partner's own HubSpot portal id (issue 11): the CRM links open client company records in
THIS portal. Set with `partnerkit add-partner --portal-id` or imported with
`partnerkit import --kind portal-id FILE` (one row under a "HubSpot portal ID" / "Hub ID" heading),
both audited.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx

HEADINGS = ("hubspot portal id", "hub id", "portal id", "hubspot_portal_id", "hubspot hub id")
MAX_DIGITS = 12


def parse_portal_id(raw: str | None) -> str:
    """1 to 12 digits (spaces around allowed), or "" for none."""
    text = (raw or "").strip()
    if text and not (text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS):
        raise ValueError(
            "a HubSpot portal (Hub) id is 1 to 12 digits, e.g. 20012345 "
            "(HubSpot: Settings > Account Defaults)"
        )
    return text


def set_portal_id(store: Any, partner_id: str, portal_id: str, by: str) -> str:
    value = parse_portal_id(portal_id)
    from partnerkit.store.api import record

    with write_tx(store.engine) as conn:
        conn.execute(
            sa.update(t.partners)
            .where(t.partners.c.partner_id == partner_id)
            .values(hubspot_portal_id=value)
        )
        record(conn, partner_id, by, "set_portal_id", "partner", partner_id,
               {"hubspot_portal_id": value})
    return value


def import_portal_id(store: Any, partner_id: str, path: Any, by: str) -> Any:
    """`import --kind portal-id FILE`: the file's one value under a portal-id heading."""
    from pathlib import Path

    from partnerkit.store.importer import (
        ImportFileError,
        ImportProblem,
        ImportResult,
        read_rows,
    )

    source = Path(path).name
    header, rows = read_rows(path)
    names = [h.strip().lower() for h in header]
    col = next((names.index(h) for h in HEADINGS if h in names), None)
    if col is None:
        raise ImportFileError(source, [ImportProblem(
            1, "HubSpot portal ID", "required column is missing (your Hub ID under "
            "'HubSpot portal ID')")])
    values = [(line, v[col].strip()) for line, v in rows if col < len(v) and v[col].strip()]
    if len(values) != 1:
        raise ImportFileError(source, [ImportProblem(
            values[1][0] if len(values) > 1 else 2, header[col].strip(),
            "give exactly one portal id (your own HubSpot portal)")])
    line, raw = values[0]
    try:
        parse_portal_id(raw)
    except ValueError as e:
        raise ImportFileError(source, [ImportProblem(line, header[col].strip(), str(e))]) from None
    before = store.get_partner(partner_id).hubspot_portal_id
    set_portal_id(store, partner_id, raw, by)
    return ImportResult("portal-id", source, 1, 0 if before else 1, 1 if before else 0)

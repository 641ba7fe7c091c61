"""The credited-tier history in the store (F2.1; issue 12): read it, add or remove a record.

Every write runs in one transaction and is recorded in the audit log (who, when, what), like End
services. The partner row's `credited_tier`/`credited_since` are kept equal to the latest record
so older readers of the partner row see the same tier as the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx
from partnerkit.store.models import today
from partnerkit.store.writes import upsert_rows
from partnerkit.tier_history import SOURCES, TierRecord

MAX_NOTE = 500
# HubSpot's wording for a tier ("Platinum Partner", "Diamond tier", "Elite Solutions Partner").
_HUBSPOT_WORDS = ("solutions partner", "partner", "tier", "hubspot")


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def canonical_tier(rules: Any, text: str) -> str:
    """The ladder's spelling of a tier written as HubSpot does ("Platinum Partner" -> Platinum)."""
    raw = " ".join(str(text).split())
    words = raw.casefold()
    for extra in _HUBSPOT_WORDS:
        words = words.replace(extra, " ")
    name = " ".join(words.split())
    names = {n.casefold(): n for n in rules.tier_names}
    if name in names:
        return str(names[name])
    raise ValueError(f"{raw!r} is not a tier: use one of {', '.join(rules.tier_names)}")


def read_history(conn: Any, partner_id: str) -> list[TierRecord]:
    h = t.credited_tier_history.c
    rows = conn.execute(
        sa.select(h.credited_from, h.tier, h.source, h.note)
        .where(h.partner_id == partner_id).order_by(h.credited_from)
    )
    return [TierRecord(_as_date(r.credited_from), r.tier, r.source, r.note) for r in rows]


def sync_partner(conn: Any, partner_id: str) -> None:
    """partners.credited_tier/credited_since = the latest record (None when there is none)."""
    history = read_history(conn, partner_id)
    last = history[-1] if history else None
    conn.execute(sa.update(t.partners).where(t.partners.c.partner_id == partner_id).values(
        credited_tier=last.tier if last else None,
        credited_since=last.credited_from if last else None,
    ))


def check_record(rules: Any, credited_from: Any, tier: str, source: str, note: str,
                 on: dt.date | None = None) -> TierRecord:
    """A clean record or ValueError saying what is wrong and how to fix it."""
    if not isinstance(credited_from, dt.date):
        raise ValueError("give the date the tier was credited from as YYYY-MM-DD")
    now = on or today()
    if credited_from > now:
        raise ValueError(f"{credited_from} is in the future (today is {now}); a credited tier "
                         "is recorded once HubSpot has credited it")
    if source not in SOURCES:
        raise ValueError(f"source {source!r} is not one of: {', '.join(SOURCES)}")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise ValueError(f"the note is {len(note)} characters; keep it under {MAX_NOTE}")
    return TierRecord(credited_from, canonical_tier(rules, tier), source, note)


def write_record(conn: Any, partner_id: str, rec: TierRecord, by: str, action: str) -> None:
    from partnerkit.store.api import record

    upsert_rows(conn, t.credited_tier_history, [{
        "partner_id": partner_id, "credited_from": rec.credited_from, "tier": rec.tier,
        "source": rec.source, "note": rec.note,
    }])
    sync_partner(conn, partner_id)
    record(conn, partner_id, by, action, "credited_tier", rec.credited_from.isoformat(),
           {"tier": rec.tier, "source": rec.source, "note": rec.note})


def add_record(store: Any, partner_id: str, credited_from: dt.date, tier: str, by: str,
               source: str = "recorded", note: str = "") -> TierRecord:
    """Record (or correct) the credited tier from a date, audited."""
    by = (by or "").strip()
    if not by:
        raise ValueError("credited tier: say who records it (kept in the audit log)")
    rec = check_record(store.rules, credited_from, tier, source, note)
    with write_tx(store.engine) as conn:
        store._require_partner(conn, partner_id)
        write_record(conn, partner_id, rec, by, "add_tier_record")
    return rec


def remove_record(store: Any, partner_id: str, credited_from: dt.date, by: str) -> None:
    """Remove one record (audited with what it said, so it can be entered again)."""
    from partnerkit.store.api import record

    by = (by or "").strip()
    if not by:
        raise ValueError("credited tier: say who removes the record (kept in the audit log)")
    h = t.credited_tier_history.c
    with write_tx(store.engine) as conn:
        store._require_partner(conn, partner_id)
        row = conn.execute(sa.select(h.tier, h.source, h.note).where(
            h.partner_id == partner_id, h.credited_from == credited_from)).first()
        if row is None:
            raise ValueError(f"no credited-tier record on {credited_from} for {partner_id!r}")
        conn.execute(sa.delete(t.credited_tier_history).where(
            h.partner_id == partner_id, h.credited_from == credited_from))
        sync_partner(conn, partner_id)
        record(conn, partner_id, by, "remove_tier_record", "credited_tier",
               credited_from.isoformat(),
               {"was_tier": row.tier, "was_source": row.source, "was_note": row.note})

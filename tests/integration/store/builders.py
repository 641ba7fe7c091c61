"""Small builders for storage tests: a partner, a client, its subscriptions and ledger rows."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from partnerkit.money import to_units
from partnerkit.store import Partner, Store
from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx
from partnerkit.store.writes import upsert_rows


def new_partner(store: Store, pid: str = "p1", *, country: str = "PT", currency: str = "EUR",
                name: str = "Parceiro de Teste, Lda.") -> str:
    store.upsert_partner(Partner(pid, name, country, currency, dt.date(2027, 6, 30),
                                 dt.date(2020, 1, 1), "Gold", dt.date(2025, 7, 15)), by="test")
    return pid


def new_client(store: Store, pid: str, client_id: str, *, name: str | None = None,
               country: str = "PT", currency: str = "EUR", relationship: str = "both",
               deal_type: str = "sourced") -> str:
    with write_tx(store.engine) as conn:
        upsert_rows(conn, t.clients, [{
            "partner_id": pid, "client_id": client_id, "name": name or f"Cliente {client_id}",
            "domain": f"{client_id.lower()}.example", "country": country, "industry": "Retail",
            "employees": 10, "portal_id": "123", "crm_record_id": "456",
            "relationship": relationship, "deal_type": deal_type, "currency": currency,
        }])
    return client_id


def add_subscription(store: Store, pid: str, client_id: str, *, product_line: str = "Marketing Hub",
                     edition: str = "Professional", mrr: str = "1000", currency: str = "EUR",
                     start: dt.date = dt.date(2025, 1, 1), renewal: dt.date | None = None) -> None:
    with write_tx(store.engine) as conn:
        upsert_rows(conn, t.subscriptions, [{
            "partner_id": pid, "client_id": client_id, "product_line": product_line,
            "edition": edition, "mrr_units": to_units(Decimal(mrr)), "currency": currency,
            "contact_tier": "2,000 marketing contacts", "email_send_tier": "20,000 emails/month",
            "start_date": start, "renewal_date": renewal,
        }])


def ledger_row(pid: str, client_id: str, kind: str, day: dt.date, amount: str, *,
               currency: str = "EUR", country: str = "PT", deal_type: str = "",
               first_sold: dt.date | None = None, other_partners: int = 0,
               event_id: str | None = None, product_line: str = "") -> dict[str, Any]:
    return {
        "partner_id": pid, "event_id": event_id or f"{client_id}-{kind}-{day.isoformat()}",
        "kind": kind, "client_id": client_id, "client_name": f"Cliente {client_id}",
        "date": day, "deal_type": deal_type, "amount_units": to_units(Decimal(amount)),
        "currency": currency, "country": country, "product_line": product_line,
        "first_sold": first_sold, "other_partners": other_partners,
    }


def add_ledger(store: Store, rows: list[dict[str, Any]]) -> None:
    with write_tx(store.engine) as conn:
        upsert_rows(conn, t.ledger, rows)


def months(first: dt.date, count: int) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    for _ in range(count):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def write_csv(path: Path, header: list[str], rows: list[list[Any]],
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path

"""Builders for report tests (issue 6): a small partner book of N partners written through the
store's own write path (upsert_partner, upsert_rows in a write transaction)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

MONTH = "2026-10"
TODAY = dt.date(2026, 11, 28)  # PARTNERKIT_AS_OF in these tests: "last month" = 2026-10


def _months_back(day: dt.date, n: int) -> dt.date:
    k = day.year * 12 + day.month - 1 - n
    return dt.date(k // 12, k % 12 + 1, 1)


def write_book(
    url: str,
    n_partners: int = 3,
    clients: int = 4,
    today: dt.date = TODAY,
    ids: list[str] | None = None,
) -> list[str]:
    """Create `n_partners` partners, each with `clients` clients: sold deals over the last 14
    months (some expiring soon), monthly managed snapshots, renewals within 120 days.
    Returns the partner ids. Deterministic."""
    from partnerkit.store import Partner, open_store
    from partnerkit.store import schema as t
    from partnerkit.store.engine import write_tx
    from partnerkit.store.writes import upsert_rows

    countries = ["US", "BR", "PT", "GB", "MX"]
    currencies = {"US": "USD", "BR": "BRL", "PT": "EUR", "GB": "GBP", "MX": "MXN"}
    ids = ids or [f"p{i:02d}" for i in range(n_partners)]
    store = open_store(url)
    try:
        for i, pid in enumerate(ids):
            country = countries[i % len(countries)]
            store.upsert_partner(
                Partner(
                    partner_id=pid,
                    name=f"Agência {i} <&> Parceiros",
                    country=country,
                    currency=currencies[country],
                    certified_until=dt.date(2027, 6, 30),
                    joined_on=dt.date(2023, 1, 1),
                    credited_tier="Gold",
                    credited_since=dt.date(2025, 7, 15),
                )
            )
            client_rows, ledger_rows, renewal_rows = [], [], []
            for c in range(clients):
                cid = f"c{c:02d}"
                ccountry = countries[(i + c) % len(countries)]
                cur = currencies[ccountry]
                name = f"Client {c} <b>of</b> {pid}" if c == 0 else f"Client {c} of {pid}"
                client_rows.append(
                    {
                        "partner_id": pid,
                        "client_id": cid,
                        "name": name,
                        "country": ccountry,
                        "relationship": "both",
                        "deal_type": "sourced" if c % 2 == 0 else "assisted",
                        "currency": cur,
                    }
                )
                # Sold deals: one 11.5 months ago (expires within 90 days), one 3 months ago.
                for k, back in enumerate((11, 3 + c % 3)):
                    close = _months_back(today, back) + dt.timedelta(days=4 + c)
                    ledger_rows.append(
                        {
                            "partner_id": pid,
                            "event_id": f"{cid}-s{k}",
                            "kind": "sold",
                            "client_id": cid,
                            "client_name": name,
                            "date": close,
                            "deal_type": "sourced" if (c + k) % 2 == 0 else "assisted",
                            "amount_units": (400 + 150 * c + 37 * i) * 10_000 * (k + 1),
                            "currency": cur,
                            "country": ccountry,
                            "product_line": "Marketing Hub",
                            "first_sold": None,
                            "other_partners": 0,
                        }
                    )
                for back in range(14, 0, -1):
                    month = _months_back(today, back)
                    ledger_rows.append(
                        {
                            "partner_id": pid,
                            "event_id": f"{cid}-m{month:%Y%m}",
                            "kind": "managed",
                            "client_id": cid,
                            "client_name": name,
                            "date": month,
                            "deal_type": "",
                            "amount_units": (900 + 100 * c + 20 * back) * 10_000,
                            "currency": cur,
                            "country": ccountry,
                            "product_line": "",
                            "first_sold": None,
                            "other_partners": c % 2,
                        }
                    )
                renewal_rows.append(
                    {
                        "partner_id": pid,
                        "client_id": cid,
                        "renewal_date": dt.date(2026, 10, 31) + dt.timedelta(days=20 + 30 * c),
                        "owner": "Ana",
                        "renewal_manager": "HubSpot RM",
                        "current_subscription": "Marketing Hub Professional",
                        "renewal_subscription": "Marketing Hub Professional",
                        "status": "pending",
                    }
                )
            with write_tx(store.engine) as conn:
                upsert_rows(conn, t.clients, client_rows)
                upsert_rows(conn, t.ledger, ledger_rows)
                upsert_rows(conn, t.renewals, renewal_rows)
    finally:
        store.close()
    return ids


@pytest.fixture
def as_of_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setenv("PARTNERKIT_AS_OF", TODAY.isoformat())
    monkeypatch.setenv("PARTNERKIT_NO_PROGRESS", "1")
    return TODAY


@pytest.fixture
def book(tmp_path: Path, as_of_today: dt.date) -> tuple[str, list[str]]:
    """A 3-partner book in a fresh SQLite file: (url, partner ids)."""
    url = f"sqlite:///{tmp_path / 'book.sqlite3'}"
    return url, write_book(url, 3)


@pytest.fixture(scope="session")
def big_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """22 partners with small books, for the batch tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('big') / 'big.sqlite3'}"
    return url, write_book(url, 22, clients=2)

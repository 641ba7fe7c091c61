"""Synthetic ledgers for the benchmarks, built as a typed frame in `Ledger.from_frame` format.

No per-row validation (that would dominate a 10-million-row build): columns are drawn with numpy
and strings are taken from small pools by index, the way a database loader hands them over.
Deterministic for a given (events, seed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (country, currency, growth market?) — standard and growth markets, several currencies, among them
# currencies with large local amounts (JPY, INR, COP) that make integer unit sums big.
MARKETS = (
    ("US", "USD"),
    ("US", "USD"),
    ("US", "USD"),
    ("GB", "GBP"),
    ("DE", "EUR"),
    ("PT", "EUR"),
    ("FR", "EUR"),
    ("CA", "CAD"),
    ("AU", "AUD"),
    ("JP", "JPY"),
    ("ZA", "ZAR"),
    ("BR", "BRL"),
    ("BR", "BRL"),
    ("MX", "MXN"),
    ("CO", "COP"),
    ("IN", "INR"),
    ("SG", "SGD"),
    ("SE", "SEK"),
)
# Rough local amount per US$100 so synthetic MRR is comparable across currencies.
LOCAL_SCALE = {
    "USD": 1,
    "GBP": 0.8,
    "EUR": 0.9,
    "CAD": 1.4,
    "AUD": 1.5,
    "JPY": 150,
    "ZAR": 18,
    "BRL": 5.5,
    "MXN": 18.7,
    "COP": 4000,
    "INR": 86,
    "SGD": 1.3,
    "SEK": 9.6,
}
START = np.datetime64("2020-01-01", "D")  # spans the 2022-07-18, 2024-02-27 and 2025-07-15 rules
END = np.datetime64("2026-11-28", "D")
AS_OF = "2026-11-28"


def clients_for(events: int) -> int:
    """Clients in a book of `events` ledger rows: about 200 rows per client, at least 50."""
    return max(50, events // 200)


def synthetic_frame(
    events: int, seed: int = 7, clients: int | None = None, managed_share: float = 0.6
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = int(events)
    nc = clients or clients_for(n)
    client_ids = np.array([f"c{i:06d}" for i in range(nc)], dtype=object)
    client_names = np.array([f"Client {i:06d} Lda" for i in range(nc)], dtype=object)
    market_of_client = rng.integers(0, len(MARKETS), nc)
    countries = np.array([m[0] for m in MARKETS], dtype=object)
    currencies = np.array([m[1] for m in MARKETS], dtype=object)
    scale = np.array([LOCAL_SCALE[m[1]] for m in MARKETS])

    client = rng.integers(0, nc, n)
    managed = rng.random(n) < managed_share
    days = int((END - START).astype(int))
    date = START + rng.integers(0, days + 1, n).astype("timedelta64[D]")
    # managed snapshots sit on the first day of their month
    date = np.where(managed, date.astype("datetime64[M]").astype("datetime64[D]"), date)
    sourced = ~managed & (rng.random(n) < 0.6)
    deal = np.where(managed, "", np.where(sourced, "sourced", "assisted")).astype(object)
    mk = market_of_client[client]
    usd = rng.lognormal(mean=6.0, sigma=1.0, size=n).clip(20, 50_000)  # MRR in US$, median ~400
    units = np.rint(usd * scale[mk]).astype(np.int64) * 10_000  # whole local units, x 10,000
    has_first = sourced & (rng.random(n) < 0.5)
    first = date - rng.integers(0, 900, n).astype("timedelta64[D]")
    first = np.where(has_first, first, np.datetime64("NaT", "D"))
    others = np.where(managed, rng.choice([0, 0, 0, 1, 2], n), 0).astype(np.int64)
    lines = np.array(["marketing", "sales", "service", "content", "operations"], dtype=object)
    return pd.DataFrame(
        {
            "event_id": np.array([f"e{i}" for i in range(n)], dtype=object),
            "kind": np.where(managed, "managed", "sold").astype(object),
            "client_id": client_ids[client],
            "client_name": client_names[client],
            "date": date.astype("datetime64[ns]"),
            "deal_type": deal,
            "amount_units": units,
            "currency": currencies[mk],
            "country": countries[mk],
            "product_line": np.where(managed, "", lines[rng.integers(0, len(lines), n)]).astype(
                object
            ),
            "first_sold": first.astype("datetime64[ns]"),
            "other_partners": others,
        }
    )

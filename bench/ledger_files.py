"""Ledger CSV files for the ingestion benchmark (issue 16), written as a partner would hand them in.

Realistic variety: several currencies and countries (standard and growth markets), sourced and
assisted sales, managed snapshots by month (YYYY-MM), amounts with cents, client names with a
comma (quoted in the CSV), other-partner counts on managed rows, and 5 % of rows with a first-sold
date. Deterministic for a given (rows, seed); written once into a cache folder and reused (10M rows
take a while to generate).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from synthetic import synthetic_frame

CACHE_ENV, CACHE = "PARTNERKIT_BENCH_CACHE", "/tmp/partnerkit-bench-ledgers"
FIRST_SOLD_SHARE = 0.05


def ledger_csv(rows: int, seed: int = 16, folder: Path | None = None) -> Path:
    """The path of a generated ledger CSV of `rows` data rows (made if missing)."""
    folder = folder or Path(os.environ.get(CACHE_ENV, CACHE))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"ledger-{rows}-{seed}.csv"
    if path.exists():
        return path
    import pyarrow as pa
    import pyarrow.csv as pacsv

    f = synthetic_frame(rows, seed=seed)
    rng = np.random.default_rng(seed + 1)
    n = len(f)
    managed = f["kind"].to_numpy() == "managed"
    day = f["date"].to_numpy().astype("datetime64[D]")
    text_day = np.datetime_as_string(day, unit="D")
    date = np.where(managed, np.datetime_as_string(day.astype("datetime64[M]")), text_day)
    sold = ~managed
    first = day - rng.integers(0, 900, n).astype("timedelta64[D]")
    has_first = sold & (rng.random(n) < FIRST_SOLD_SHARE / max(sold.mean(), 1e-9))
    first_text = np.where(has_first, np.datetime_as_string(first, unit="D"), "")
    units = f["amount_units"].to_numpy() + rng.integers(0, 100, n) * 100  # add cents
    whole, frac = np.divmod(units, 10_000)
    cents = (frac // 100).astype(str)
    amount = np.char.add(np.char.add(whole.astype(str), "."), np.char.zfill(cents, 2))
    names = f["client_name"].to_numpy(dtype=str)
    names = np.char.replace(names, " Lda", ", Lda")
    others = np.where(managed, f["other_partners"].to_numpy().astype(str), "")
    table = pa.table({
        "event_id": pa.array(f["event_id"].to_numpy(dtype=str)),
        "kind": pa.array(f["kind"].to_numpy(dtype=str)),
        "client_id": pa.array(f["client_id"].to_numpy(dtype=str)),
        "client_name": pa.array(names),
        "date": pa.array(date),
        "deal_type": pa.array(f["deal_type"].to_numpy(dtype=str)),
        "amount": pa.array(amount),
        "currency": pa.array(f["currency"].to_numpy(dtype=str)),
        "country": pa.array(f["country"].to_numpy(dtype=str)),
        "product_line": pa.array(f["product_line"].to_numpy(dtype=str)),
        "first_sold": pa.array(first_text),
        "other_partners": pa.array(others),
    })
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))
    tmp.rename(path)
    return path


if __name__ == "__main__":
    import sys

    for size in sys.argv[1:]:
        print(ledger_csv(int(size)))

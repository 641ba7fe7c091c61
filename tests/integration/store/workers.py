"""Worker functions for the concurrency tests (importable by spawned processes)."""

from __future__ import annotations

import csv
import os
from pathlib import Path


def ledger_file(folder: Path, tag: str, batch: int, rows: int = 50) -> Path:
    path = folder / f"ledger-{tag}-{batch}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["event_id", "kind", "client_id", "date", "deal_type", "amount", "currency",
                    "country"])
        for n in range(rows):
            w.writerow([f"{tag}-{batch}-{n}", "sold", f"c{n % 10}", "2026-01-05", "sourced",
                        "100.5", "EUR", "PT"])
    return path


def writer(url: str, tag: str, clients: list[str], folder: str, batches: int) -> int:
    """Import `batches` ledger files and end + undo services for `clients`; return writes done."""
    os.environ.setdefault("PARTNERKIT_AS_OF", "2026-11-15")
    from partnerkit.store import open_store
    from partnerkit.store.importer import import_file

    done = 0
    with open_store(url) as store:
        for b in range(batches):
            import_file(store, "p1", "ledger", ledger_file(Path(folder), tag, b), by=tag)
            done += 1
            for cid in clients:
                store.end_services("p1", cid, f"by {tag}", by=tag)
                store.undo_end_services("p1", cid, by=tag)
                done += 2
    return done

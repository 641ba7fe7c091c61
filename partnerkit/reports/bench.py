"""Measure the report pipeline (issue 6): `python -m partnerkit.reports.bench [--runs N]`.

- the floor: papermill executing an empty notebook with the same kernel (python3);
- one report, end to end (papermill + HTML + PDF + JSON), and without the PDF;
- reports per minute for a batch with 1 and with 2 worker processes (no PDF).

It builds its own book in a temporary SQLite file (the demo book, plus N small partners for the
batch) and prints a Markdown table (docs/reports.md quotes one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 28)


def _empty_notebook(folder: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def _median(samples: list[float]) -> str:
    return f"{statistics.median(samples):.2f} s (n={len(samples)}, min {min(samples):.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=12, help="partners in the batch")
    args = ap.parse_args(argv)

    import logging

    import papermill

    from partnerkit.reports.batch import run_batch
    from partnerkit.reports.runner import ReportJob, run_report
    from partnerkit.store import Partner, open_store
    from partnerkit.store.demo import create_demo

    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    os.environ["PARTNERKIT_AS_OF"] = TODAY.isoformat()
    work = Path(tempfile.mkdtemp(prefix="pk-bench-"))
    url = f"sqlite:///{work / 'bench.sqlite3'}"
    create_demo(url, seed=7, today=TODAY)
    with open_store(url) as store:
        demo_ids = store.partner_ids()
        # Batch partners: copies of the demo partners' ledgers under new ids.
        import sqlalchemy as sa

        from partnerkit.store import schema as t
        from partnerkit.store.engine import write_tx
        from partnerkit.store.writes import upsert_rows

        batch_ids = []
        for i in range(args.batch):
            src = demo_ids[i % len(demo_ids)]
            pid = f"bench-{i:02d}"
            p = store.get_partner(src)
            store.upsert_partner(
                Partner(
                    pid,
                    f"{p.name} #{i}",
                    p.country,
                    p.currency,
                    p.certified_until,
                    p.joined_on,
                    p.credited_tier,
                    p.credited_since,
                )
            )
            with store.engine.connect() as conn:
                ledger_rows = [
                    dict(r._mapping) | {"partner_id": pid}
                    for r in conn.execute(sa.select(t.ledger).where(t.ledger.c.partner_id == src))
                ]
            with write_tx(store.engine) as conn:
                upsert_rows(conn, t.ledger, ledger_rows)
            batch_ids.append(pid)

    empty = _empty_notebook(work)
    floor = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        papermill.execute_notebook(
            str(empty),
            str(work / "empty-out.ipynb"),
            kernel_name="python3",
            progress_bar=False,
            parameters={"x": 2},
        )
        floor.append(time.perf_counter() - t0)

    one_pdf, one_nopdf = [], []
    for i in range(args.runs):
        for pdf, acc in ((True, one_pdf), (False, one_nopdf)):
            job = ReportJob(demo_ids[i % len(demo_ids)], "2026-10", url, str(work / "one"), pdf=pdf)
            t0 = time.perf_counter()
            run_report(job)
            acc.append(time.perf_counter() - t0)

    rates = {}
    for workers in (1, 2):
        jobs = [
            ReportJob(pid, "2026-10", url, str(work / f"batch{workers}"), pdf=False)
            for pid in batch_ids
        ]
        s = run_batch(jobs, workers=workers, progress=False)
        assert s.failed == 0, s.lines()
        rates[workers] = (s.per_minute, s.seconds)

    print("| what | time |\n|---|---|")
    print(f"| papermill, empty notebook (kernel floor) | {_median(floor)} |")
    print(f"| one report: papermill + HTML + PDF + JSON | {_median(one_pdf)} |")
    print(f"| one report without PDF | {_median(one_nopdf)} |")
    for w, (rate, secs) in rates.items():
        print(
            f"| batch of {args.batch}, {w} worker(s), no PDF | {rate:.1f} reports/min "
            f"({secs:.1f} s) |"
        )
    print(f"\n(cpus: {os.cpu_count()}, load average at the end: {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

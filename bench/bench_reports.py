"""Scenario 5 — monthly tier reports (F5): one report, and batches with 1 and 2 workers.

One report = `partnerkit.reports.runner.run_report` on the demo book (papermill runs
notebooks/monthly_tier_report.ipynb in a fresh kernel, then the HTML export and the JSON
headline; no PDF, as the target says). Floor: papermill executing an empty notebook with the same
kernel and the same kernel arguments — kernel start and papermill's own cost. Batches of
(partner, month) reports through `partnerkit.reports.batch.run_batch` with 1 and 2 local worker
processes (and a 2-worker Dask LocalCluster when dask.distributed is installed): reports per
minute and the speed-up of 2 workers over 1.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from common import Figure, fmt, median

SCENARIO = "reports"
AS_OF = "2026-11-28"


def _months(n: int) -> list[str]:
    out, k = [], 2026 * 12 + 10 - 1  # 2026-10, the last closed month on AS_OF
    for _ in range(n):
        out.append(f"{k // 12}-{k % 12 + 1:02d}")
        k -= 1
    return out


def _empty_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def _papermill_floor(nb: Path, out: Path) -> float:
    import logging

    import papermill

    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    t0 = time.perf_counter()
    papermill.execute_notebook(str(nb), str(out), parameters={}, kernel_name="python3",
                               language="python", progress_bar=False, log_output=False,
                               extra_arguments=["--IPKernelApp.log_level=ERROR"])
    return time.perf_counter() - t0


def run(quick: bool = False, smoke: bool = False) -> tuple[list[Figure], list[str]]:
    from partnerkit.reports.batch import run_batch
    from partnerkit.reports.runner import ReportJob, run_report
    from partnerkit.store.demo import DEMO_PARTNER_IDS, create_demo

    os.environ["PARTNERKIT_AS_OF"] = AS_OF  # kernels inherit it: "today" of the demo book
    os.environ.setdefault("PARTNERKIT_NO_PROGRESS", "1")
    runs = 1 if smoke else 3
    batch = 0 if smoke else 6 if quick else 50
    figures: list[Figure] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pk-bench-reports-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'demo.db'}"
        create_demo(url, today=dt.date.fromisoformat(AS_OF))
        partner = DEMO_PARTNER_IDS[0]
        empty = _empty_notebook(folder / "empty.ipynb")
        _papermill_floor(empty, folder / "warm.ipynb")  # warm the page cache / bytecode
        floor = [_papermill_floor(empty, folder / f"empty-{i}.ipynb") for i in range(runs)]
        job = ReportJob(partner_id=partner, month=_months(1)[0], db_url=url,
                        out_dir=str(folder / "one"), pdf=False)
        one = []
        for _ in range(runs):
            t0 = time.perf_counter()
            run_report(job)
            one.append(time.perf_counter() - t0)
        fl = median(floor)
        figures.append(Figure(SCENARIO, "one report (no PDF), wall", median(one), "s", fl,
                              "≤ 1.5× floor", median(one) <= 1.5 * fl, runs, samples=one))
        if not smoke:
            t0 = time.perf_counter()
            run_report(ReportJob(partner_id=partner, month=_months(1)[0], db_url=url,
                                 out_dir=str(folder / "pdf"), pdf=True))
            pdf_s = time.perf_counter() - t0
            figures.append(Figure(SCENARIO, "one report with PDF (Chromium print), wall", pdf_s,
                                  "s", fl, runs=1))
        notes.append(f"floor: papermill running an empty one-cell notebook on the python3 kernel, "
                     f"median {fmt(fl, 's')} of {runs}; one report median {fmt(median(one), 's')}.")
        if batch:
            months = _months((batch + len(DEMO_PARTNER_IDS) - 1) // len(DEMO_PARTNER_IDS))
            pairs = [(p, m) for m in months for p in DEMO_PARTNER_IDS][:batch]
            rates: dict[str, float] = {}
            for label, workers, dask in (("1 worker", 1, False), ("2 workers", 2, False),
                                         ("Dask LocalCluster, 2 workers", 2, True)):
                jobs = [ReportJob(partner_id=p, month=m, db_url=url, pdf=False,
                                  out_dir=str(folder / label.replace(" ", "_")))
                        for p, m in pairs]
                cluster: Any = None
                kwargs: dict[str, Any] = {"workers": workers, "progress": False}
                if dask:
                    if quick:
                        continue
                    try:
                        from dask.distributed import LocalCluster
                    except ImportError:
                        notes.append("Dask: not installed, skipped.")
                        continue
                    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
                    kwargs["scheduler"] = cluster.scheduler_address
                try:
                    t0 = time.perf_counter()
                    summary = run_batch(jobs, **kwargs)
                    secs = time.perf_counter() - t0
                finally:
                    if cluster is not None:
                        cluster.close()
                done = summary.done
                rates[label] = done / secs * 60
                figures.append(Figure(SCENARIO, f"batch of {len(jobs)}, {label}", rates[label],
                                      "reports/min", None, runs=1,
                                      note=f"{done} done, {summary.failed} failed in {secs:.1f} s"))
                notes.append(f"batch {label}: {done} done, {summary.failed} failed in "
                             f"{secs:.1f} s ({rates[label]:.1f} reports/min).")
            if "1 worker" in rates and "2 workers" in rates:
                up = rates["2 workers"] / rates["1 worker"]
                figures.append(Figure(SCENARIO, "speed-up, 2 workers over 1", up, "×", None,
                                      "≥ 1.7×", up >= 1.7))
    return figures, notes

"""Scenario 5 — monthly tier reports (F5): one report, and batches with 1 and 2 workers.

One report = `partnerkit.reports.runner.run_report` on the demo book (papermill runs
notebooks/monthly_tier_report.ipynb in a fresh kernel, then the HTML export and the JSON
headline; no PDF, as the target says) — what `partnerkit report --partner X` does. Floor:
papermill executing an empty notebook with the same kernel and the same papermill options as
the runner (its papermill engine, kernel arguments, immediate kernel stop after the last cell):
kernel start and papermill's own cost. Each is timed as wall time and as CPU time of this
process plus the kernel's (reaped children; /proc for a warm kernel), which the other
engineers' load on the shared cores does not inflate. Also: one report in a warm kernel (batch
mode: the kernel already has the modules imported and is reset between reports), an additional
figure, not the cold one. Batches of (partner, month) reports through
`partnerkit.reports.batch.run_batch` with 1 and 2 local worker processes (fresh kernels, and
warm kernels) and a 2-worker Dask LocalCluster when dask.distributed is installed: reports per
minute and the speed-up of 2 workers over 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import resource
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


def _cpu() -> float:
    """CPU seconds of this process and of its finished (reaped) children, e.g. cold kernels."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _proc_cpu(pid: int | None) -> float:
    """CPU seconds a running process (a warm kernel) has used so far (Linux /proc)."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _warm_pid() -> int | None:
    from partnerkit.reports.warm import warm_kernel

    km = warm_kernel().km
    prov = getattr(km, "provisioner", None)
    proc = getattr(prov, "process", None)
    return getattr(proc, "pid", None)


def _papermill_floor(nb: Path, out: Path, graceful: bool = False) -> tuple[float, float]:
    """(wall, CPU) of papermill running the empty notebook with the runner's options."""
    import logging

    import papermill

    from partnerkit.reports.warm import KERNEL_ARGUMENTS, engine_name

    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    c0, t0 = _cpu(), time.perf_counter()
    papermill.execute_notebook(str(nb), str(out), parameters={}, kernel_name="python3",
                               language="python", progress_bar=False, log_output=False,
                               request_save_on_cell_execute=True, engine_name=engine_name(),
                               extra_arguments=list(KERNEL_ARGUMENTS),
                               shutdown_kernel="graceful" if graceful else "immediate")
    return time.perf_counter() - t0, _cpu() - c0


def _report(job: Any) -> tuple[float, float]:
    """(wall, CPU) of one run_report; CPU includes a warm kernel's share."""
    from partnerkit.reports.runner import run_report

    pid = _warm_pid() if job.warm_kernel else None
    k0, c0, t0 = _proc_cpu(pid), _cpu(), time.perf_counter()
    run_report(job)
    wall = time.perf_counter() - t0
    pid_after = _warm_pid() if job.warm_kernel else None
    kernel = _proc_cpu(pid_after) - (k0 if pid_after == pid else 0.0)
    return wall, _cpu() - c0 + kernel


def run(quick: bool = False, smoke: bool = False) -> tuple[list[Figure], list[str]]:
    from partnerkit.reports.batch import run_batch
    from partnerkit.reports.runner import ReportJob, run_report
    from partnerkit.reports.warm import close_warm_kernel
    from partnerkit.store.demo import DEMO_PARTNER_IDS, create_demo

    os.environ["PARTNERKIT_AS_OF"] = AS_OF  # kernels inherit it: "today" of the demo book
    os.environ.setdefault("PARTNERKIT_NO_PROGRESS", "1")
    runs = 1 if smoke else 3 if quick else 5
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
        job = ReportJob(partner_id=partner, month=_months(1)[0], db_url=url,
                        out_dir=str(folder / "one"), pdf=False)
        warm_job = dataclasses.replace(job, out_dir=str(folder / "one-warm"), warm_kernel=True)
        run_report(job)  # this process's own imports (papermill, nbconvert, store), once
        # Floor and cold report alternate, so a change of load on the shared cores hits both.
        floor: list[tuple[float, float]] = []
        one: list[tuple[float, float]] = []
        for i in range(runs):
            floor.append(_papermill_floor(empty, folder / f"empty-{i}.ipynb"))
            one.append(_report(job))
        graceful = [] if smoke else [_papermill_floor(empty, folder / "graceful.ipynb", True)
                                     for _ in range(runs)]
        # Warm kernel: the first report starts and prepares it (not counted), then `runs` more.
        t0 = time.perf_counter()
        _report(warm_job)
        warm_first = time.perf_counter() - t0
        warm = [_report(warm_job) for _ in range(runs)]
        close_warm_kernel()
        fl, fl_cpu = median([w for w, _ in floor]), median([c for _, c in floor])
        one_w, one_c = [w for w, _ in one], [c for _, c in one]
        warm_w, warm_c = [w for w, _ in warm], [c for _, c in warm]
        figures.append(Figure(SCENARIO, "one report (no PDF), wall", median(one_w), "s", fl,
                              "≤ 1.5× floor", median(one_w) <= 1.5 * fl, runs, samples=one_w))
        figures.append(Figure(SCENARIO, "one report (no PDF), CPU time (runner + kernel)",
                              median(one_c), "s", fl_cpu, "≤ 1.5× floor",
                              median(one_c) <= 1.5 * fl_cpu, runs, samples=one_c))
        if not smoke:
            t0 = time.perf_counter()
            run_report(ReportJob(partner_id=partner, month=_months(1)[0], db_url=url,
                                 out_dir=str(folder / "pdf"), pdf=True))
            pdf_s = time.perf_counter() - t0
            figures.append(Figure(SCENARIO, "one report with PDF (Chromium print), wall", pdf_s,
                                  "s", fl, runs=1))
        figures.append(Figure(SCENARIO, "one report in a warm kernel (batch mode, no PDF), wall",
                              median(warm_w), "s", fl, runs=runs, samples=warm_w))
        figures.append(Figure(SCENARIO, "one report in a warm kernel, CPU time (runner + kernel)",
                              median(warm_c), "s", fl_cpu, runs=runs, samples=warm_c))
        notes.append(f"floor: papermill running an empty one-cell notebook on the python3 kernel, "
                     f"with the runner's options (kernel stopped at once after the last cell), "
                     f"median {fmt(fl, 's')} wall, {fmt(fl_cpu, 's')} CPU of {runs}; one report "
                     f"median {fmt(median(one_w), 's')} wall, {fmt(median(one_c), 's')} CPU.")
        if graceful:
            notes.append("floor with papermill's default graceful kernel shutdown instead: median "
                         f"{fmt(median([w for w, _ in graceful]), 's')} wall, "
                         f"{fmt(median([c for _, c in graceful]), 's')} CPU.")
        notes.append(f"warm kernel: the first report (kernel start + imports) took "
                     f"{fmt(warm_first, 's')}; the next {runs} median {fmt(median(warm_w), 's')} "
                     f"wall, {fmt(median(warm_c), 's')} CPU (this process + the kernel).")
        if batch:
            months = _months((batch + len(DEMO_PARTNER_IDS) - 1) // len(DEMO_PARTNER_IDS))
            pairs = [(p, m) for m in months for p in DEMO_PARTNER_IDS][:batch]
            rates: dict[str, float] = {}
            for label, workers, dask, warm_kernels in (
                    ("1 worker", 1, False, False), ("2 workers", 2, False, False),
                    ("Dask LocalCluster, 2 workers", 2, True, False),
                    ("1 worker, warm kernels", 1, False, True),
                    ("2 workers, warm kernels", 2, False, True)):
                jobs = [ReportJob(partner_id=p, month=m, db_url=url, pdf=False,
                                  out_dir=str(folder / label.replace(" ", "_")))
                        for p, m in pairs]
                cluster: Any = None
                kwargs: dict[str, Any] = {"workers": workers, "progress": False,
                                          "warm_kernels": warm_kernels}
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
            if "1 worker, warm kernels" in rates and "2 workers, warm kernels" in rates:
                up = rates["2 workers, warm kernels"] / rates["1 worker, warm kernels"]
                figures.append(Figure(SCENARIO, "speed-up, 2 workers over 1, warm kernels", up,
                                      "×", None, "≥ 1.7×", up >= 1.7))
    pdf_figures, pdf_notes = pdf_run(quick, smoke)
    return figures + pdf_figures, notes + pdf_notes


# ---------------------------------------------------------------- PDFs (issue 14)


def _static_twin(report_html: str) -> str:
    """The floor's page: a static HTML page of the same size as the report — the report's own
    charts (same data URIs) and as much plain text as the report shows, padded to the same
    byte count — with no notebook template and no report CSS."""
    import html
    import re

    images = re.findall(r"<img [^>]*>", report_html)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", report_html,
                                          flags=re.S))
    text = html.escape(" ".join(text.split()))
    words = text.split(" ")
    paragraphs = [" ".join(words[i:i + 80]) for i in range(0, len(words), 80)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    first = images[0] if images else ""
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{first}"
            f"{body}{''.join(images[1:])}</body></html>")
    pad = len(report_html.encode()) - len(page.encode()) - 7
    return page.replace("</body>", f"<!--{'x' * max(pad, 0)}--></body>", 1)


def _cold_print(html_file: Path, pdf: Path) -> float:
    """The old way: one Chromium process per PDF (what the runner did before issue 14)."""
    import subprocess

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pk-chromium-cold-") as profile:
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--disable-extensions",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", html_file.resolve().as_uri()],
                       capture_output=True, check=True, timeout=120)
    return time.perf_counter() - t0


def pdf_run(quick: bool = False, smoke: bool = False) -> tuple[list[Figure], list[str]]:
    """Warm-Chromium PDFs against the floor "a warm Chromium printing a static HTML page of the
    same size", measured side by side, and batches with and without PDFs on 2 workers."""
    from partnerkit.reports.batch import run_batch
    from partnerkit.reports.pdf import Browser
    from partnerkit.reports.runner import ReportJob, run_report
    from partnerkit.store.demo import DEMO_PARTNER_IDS, create_demo

    os.environ["PARTNERKIT_AS_OF"] = AS_OF
    os.environ.setdefault("PARTNERKIT_NO_PROGRESS", "1")
    runs = 2 if smoke else 5 if quick else 10
    batch = 0 if smoke else 12 if quick else 30
    figures: list[Figure] = []
    notes: list[str] = []
    load = Path("/proc/loadavg").read_text().split()[:3]
    with tempfile.TemporaryDirectory(prefix="pk-bench-pdf-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'demo.db'}"
        create_demo(url, today=dt.date.fromisoformat(AS_OF))
        result = run_report(ReportJob(partner_id=DEMO_PARTNER_IDS[2], month=_months(1)[0],
                                      db_url=url, out_dir=str(folder / "one"), pdf=False))
        report = Path(result.files["html"])
        twin = folder / "static.html"
        twin.write_text(_static_twin(report.read_text(encoding="utf-8")), encoding="utf-8")
        browser = Browser()
        try:
            browser.print_pdf(twin, folder / "first.pdf")  # start + first page, not counted
            floor, warm = [], []
            for i in range(runs):  # alternate, so a load change hits both alike
                t0 = time.perf_counter()
                browser.print_pdf(twin, folder / f"static-{i}.pdf")
                floor.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                browser.print_pdf(report, folder / f"report-{i}.pdf")
                warm.append(time.perf_counter() - t0)
        finally:
            browser.close()
        cold = [_cold_print(report, folder / f"cold-{i}.pdf") for i in range(min(runs, 3))]
        fl, w = median(floor), median(warm)
        figures.append(Figure(SCENARIO, "one report's PDF, warm Chromium, wall", w, "s", fl,
                              "≤ 0.5 s", w <= 0.5, runs, samples=warm))
        figures.append(Figure(SCENARIO, "one report's PDF, a Chromium started per PDF (before)",
                              median(cold), "s", fl, runs=len(cold), samples=cold))
        notes.append(f"PDF floor: the same warm Chromium printing a static HTML page of the same "
                     f"size ({report.stat().st_size:,} bytes: the report's charts and text, no "
                     f"template), median {fmt(fl, 's')} of {runs}; the report's PDF "
                     f"{fmt(w, 's')} ({w / fl:.2f}× floor); one Chromium per PDF "
                     f"{fmt(median(cold), 's')}. Load average at start: {' '.join(load)}.")
        if batch:
            months = _months((batch + len(DEMO_PARTNER_IDS) - 1) // len(DEMO_PARTNER_IDS))
            pairs = [(p, m) for m in months for p in DEMO_PARTNER_IDS][:batch]
            for label, pdf in (("2 workers, warm kernels, with PDFs", True),
                               ("2 workers, warm kernels, no PDF", False)):
                jobs = [ReportJob(partner_id=p, month=m, db_url=url, pdf=pdf,
                                  out_dir=str(folder / label.replace(" ", "_").replace(",", "")))
                        for p, m in pairs]
                t0 = time.perf_counter()
                summary = run_batch(jobs, workers=2, progress=False, warm_kernels=True)
                secs = time.perf_counter() - t0
                rate = summary.done / secs * 60
                target = ("≥ 50/min", rate >= 50) if pdf else ("", None)
                figures.append(Figure(SCENARIO, f"batch of {len(jobs)}, {label}", rate,
                                      "reports/min", None, target[0], target[1], runs=1,
                                      note=f"{summary.done} done, {summary.failed} failed in "
                                           f"{secs:.1f} s"))
                notes.append(f"batch {label}: {summary.done} done, {summary.failed} failed in "
                             f"{secs:.1f} s ({rate:.1f}/min); load average after: "
                             f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}.")
    return figures, notes


if __name__ == "__main__":  # python bench/bench_reports.py --pdf [--quick]: only the PDF part
    import sys

    if "--pdf" in sys.argv:
        figs, lines = pdf_run(quick="--quick" in sys.argv)
        for f in figs:
            print(f"{f.name}: {f.median:.3f} {f.unit} (floor {f.floor}) target {f.target} "
                  f"{'PASS' if f.passed else 'FAIL' if f.passed is False else ''} {f.note}")
        for line in lines:
            print(line)

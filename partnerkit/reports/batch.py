"""Many reports at once (F5.2): a process pool on one machine, or a Dask cluster across many.

Both paths call the same function, `runner.run_job`, with the same picklable `ReportJob`s, and
both feed the same progress bar and summary. Processes, never threads: each report starts its own
Jupyter kernel, and papermill/nbclient are not safe to drive from several threads.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from partnerkit.reports.runner import ReportJob, ReportResult, run_job
from partnerkit.reports.warm import close_warm_kernel


@dataclass
class BatchSummary:
    results: list[ReportResult] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1
    where: str = "local"

    def _count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def done(self) -> int:
        return self._count("done")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def per_minute(self) -> float:
        return 60.0 * self.done / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        out = [
            f"reports: {self.done} done, {self.failed} failed, {self.skipped} skipped "
            f"in {self.seconds:.1f} s ({self.per_minute:.1f}/min, {self.workers} worker(s), "
            f"{self.where})"
        ]
        for r in sorted(self.results, key=lambda r: r.partner_id):
            if r.status == "failed":
                out.append(f"  FAILED {r.partner_id} {r.month}: {r.error}")
            elif r.status == "skipped":
                out.append(f"  skipped {r.partner_id} {r.month}: {r.error}")
        return out


def _progress(total: int, enabled: bool):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc="reports",
        unit="report",
        file=sys.stderr,
        disable=not enabled,
        dynamic_ncols=True,
    )


def _local(jobs: Sequence[ReportJob], workers: int) -> Iterator[ReportResult]:
    if workers <= 1:
        # One at a time still runs each report's kernel in its own process; no pool needed.
        try:
            for job in jobs:
                yield run_job(job)
        finally:  # this process's warm kernel, if the jobs used one (worker processes stop
            close_warm_kernel()  # theirs when they exit)
        return
    ctx = multiprocessing.get_context("spawn")  # no forked copies of a half-imported Jupyter
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                yield fut.result()
            except Exception as e:  # a worker process that died (BrokenProcessPool ...)
                yield ReportResult(job.partner_id, job.month, "failed", f"worker died: {e}")


def _dask(jobs: Sequence[ReportJob], address: str) -> Iterator[ReportResult]:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise ValueError(
            "--scheduler needs dask[distributed]: pip install 'dask[distributed]'"
        ) from None
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except OSError as e:
        raise ValueError(
            f"cannot reach the Dask scheduler at {address} ({e}); start one with "
            "'dask scheduler' and workers with 'dask worker ADDRESS --nworkers N --nthreads 1'"
        ) from None
    try:
        # pure=False: re-running a month must really re-run, never reuse a cached result.
        futures = client.map(run_job, list(jobs), pure=False, retries=0)
        owner = dict(zip(futures, jobs, strict=True))
        for fut in dask_completed(futures, loop=client.loop):
            job = owner[fut]
            try:
                yield fut.result()
            except Exception as e:  # a worker lost mid-task
                yield ReportResult(job.partner_id, job.month, "failed", f"Dask worker failed: {e}")
    finally:
        client.close()


def run_batch(
    jobs: Iterable[ReportJob],
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: bool = True,
    skipped: Iterable[ReportResult] = (),
    on_result: Callable[[ReportResult], None] | None = None,
    warm_kernels: bool = False,
) -> BatchSummary:
    """Run every job; errors for one partner never stop the others.

    warm_kernels: each local worker process keeps one kernel with the report's modules imported
    and resets it between reports (warm.py) instead of starting a kernel per report. Local
    processes only: on a Dask cluster every report starts its own kernel.
    """
    jobs = list(jobs)
    if warm_kernels and not scheduler:
        jobs = [dataclasses.replace(j, warm_kernel=True) for j in jobs]
    started = time.perf_counter()
    summary = BatchSummary(
        results=list(skipped),
        workers=workers,
        where=f"Dask {scheduler}"
        if scheduler
        else "local processes, warm kernels"
        if warm_kernels
        else "local processes",
    )
    stream = _dask(jobs, scheduler) if scheduler else _local(jobs, workers)
    with _progress(len(jobs), progress) as bar:
        for result in stream:
            summary.results.append(result)
            if result.status == "failed":
                bar.write(f"FAILED {result.partner_id}: {result.error}", file=sys.stderr)
            if on_result:
                on_result(result)
            bar.update(1)
    summary.seconds = time.perf_counter() - started
    return summary

"""Many reports at once (F5.2): a process pool on one machine, or a Dask cluster across many.

Both paths call the same function, `runner.run_job`, with the same picklable `ReportJob`s, and
both feed the same progress bar and summary. Processes, never threads: each report starts its own
Jupyter kernel, and papermill/nbclient are not safe to drive from several threads.

Never a silent wait (issue 14): Ctrl-C cancels every queued report at once (running ones finish
in worker processes, which ignore SIGINT, or are abandoned cleanly in-process); on Dask, no
worker for `worker_timeout` seconds ends the batch with a message naming the scheduler, and a
lost scheduler ends it at once — the caller then rebuilds the summary from the disk
(`reconcile`), since a worker may have finished reports the client never heard of.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import multiprocessing
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from partnerkit.reports.params import parse_month
from partnerkit.reports.paths import report_paths
from partnerkit.reports.runner import ReportJob, ReportResult, run_job
from partnerkit.reports.warm import close_warm_kernel

WORKER_TIMEOUT = 120.0  # s without any Dask worker before the batch gives up
NOT_STARTED = "not started: the batch was interrupted (Ctrl-C)"


class BatchInterrupted(Exception):
    """Ctrl-C: queued reports were cancelled; `results` holds what completed."""


@dataclass
class BatchSummary:
    results: list[ReportResult] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1
    where: str = "local"
    month: str = ""
    interrupted: bool = False
    problem: str = ""  # why the batch stopped early (lost scheduler, no workers), printed once

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
    def cancelled(self) -> int:
        return self._count("cancelled")

    @property
    def per_minute(self) -> float:
        return 60.0 * self.done / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        # One line a log reader can grep: when, which month, the counts.
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        month = f" month {self.month}" if self.month else ""
        extra = f", {self.cancelled} not started" if self.cancelled else ""
        out = [
            f"{stamp}{month} reports: {self.done} done, {self.failed} failed, "
            f"{self.skipped} skipped{extra} in {self.seconds:.1f} s ({self.per_minute:.1f}/min, "
            f"{self.workers} worker(s), {self.where})"
        ]
        if self.problem:
            out.append(f"  STOPPED: {self.problem}")
        if self.interrupted:
            out.append("  INTERRUPTED (Ctrl-C): queued reports were not started")
        for r in sorted(self.results, key=lambda r: r.partner_id):
            if r.status == "failed":
                out.append(f"  FAILED {r.partner_id} {r.month}: {r.error}")
            elif r.status == "skipped":
                out.append(f"  skipped {r.partner_id} {r.month}: {r.error}")
        return out


class _Stop(Exception):
    """The Dask batch cannot go on (message = the reason, said once)."""


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


def _ignore_sigint() -> None:
    """Worker processes: Ctrl-C is the parent's to handle (it cancels the queue); a report
    already running finishes, so no half-written report and no orphaned kernel."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _local(jobs: Sequence[ReportJob], workers: int) -> Iterator[ReportResult]:
    if workers <= 1:
        # One at a time still runs each report's kernel in its own process; no pool needed.
        try:
            for job in jobs:
                yield run_job(job)
        finally:  # this process's warm kernel and Chromium, if the jobs used them (worker
            close_warm_kernel()  # processes stop theirs when they exit)
            from partnerkit.reports.pdf import close_browser

            close_browser()
        return
    ctx = multiprocessing.get_context("spawn")  # no forked copies of a half-imported Jupyter
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)
    queue = list(reversed(jobs))
    running: dict[Future[ReportResult], ReportJob] = {}
    try:
        # Never more submitted than there are workers: on Ctrl-C nothing is queued inside the
        # pool (it pre-loads submitted calls into worker pipes, where they can't be cancelled).
        while queue or running:
            while queue and len(running) < workers:
                job = queue.pop()
                running[pool.submit(run_job, job)] = job
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                job = running.pop(fut)
                try:
                    yield fut.result()
                except Exception as e:  # a worker process that died (BrokenProcessPool ...)
                    yield ReportResult(job.partner_id, job.month, "failed", f"worker died: {e}")
    finally:
        # Ctrl-C (or any early exit): nothing queued starts; running reports finish.
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_count(client, address: str) -> int:  # type: ignore[no-untyped-def]
    """Workers the scheduler knows now; 0 when it does not answer within a few seconds (a
    scheduler that never answers is treated like one without workers: the clock runs)."""
    try:
        info = client.sync(client.scheduler.identity, n_workers=-1, callback_timeout=5)
    except TimeoutError:
        return 0
    except OSError:
        raise _Stop(f"lost the connection to the Dask scheduler at {address}") from None
    return len(info.get("workers") or {})


def _workers(client, address: str, timeout: float, bar) -> None:  # type: ignore[no-untyped-def]
    """Wait until the scheduler has at least one worker; _Stop after `timeout` seconds."""
    started = time.monotonic()
    while not _worker_count(client, address):
        waited = time.monotonic() - started
        if waited >= timeout:
            raise _Stop(
                f"no Dask worker joined the scheduler at {address} within {timeout:g} s; start "
                f"workers with 'dask worker {address} --nworkers N --nthreads 1' "
                "(or raise --worker-timeout)"
            )
        bar.set_description_str(f"waiting for workers ({waited:.0f}/{timeout:g} s)")
        time.sleep(0.5)
    bar.set_description_str("reports")


def _silence_dask_logs() -> None:
    """distributed configures its child loggers one by one (distributed.client: warning ...),
    so the parent's level is not enough; tornado and asyncio log the same lost connection."""
    names = ["distributed", "tornado", "tornado.application", "asyncio"]
    names += [n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


_SETTLED = ("finished", "error", "cancelled")


def _dask(jobs: Sequence[ReportJob], address: str, worker_timeout: float,
          bar) -> Iterator[ReportResult]:  # type: ignore[no-untyped-def]
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise ValueError(
            "--scheduler needs dask[distributed]: pip install 'dask[distributed]'"
        ) from None
    # distributed logs every reconnection attempt ("Client lost the connection…" 19 times);
    # the batch says what happened once, in its summary.
    _silence_dask_logs()
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except OSError as e:
        raise ValueError(
            f"cannot reach the Dask scheduler at {address} ({e}); start one with "
            "'dask scheduler' and workers with 'dask worker ADDRESS --nworkers N --nthreads 1'"
        ) from None
    pending: dict[object, ReportJob] = {}
    try:
        _workers(client, address, worker_timeout, bar)
        # pure=False: re-running a month must really re-run, never reuse a cached result.
        futures = client.map(run_job, list(jobs), pure=False, retries=0)
        pending = dict(zip(futures, jobs, strict=True))
        # Not distributed.wait(): it needs a default client, and this one is not (a library
        # call must not change the caller's Dask default).
        completed = dask_completed(futures, loop=client.loop)
        no_worker_since: float | None = None
        while pending:
            if client.status not in ("running", "connecting"):
                raise _Stop(f"lost the connection to the Dask scheduler at {address}")
            batch = [f for f in completed.next_batch(block=False) if f in pending]
            # A future can be handed back without a result to give: its result was lost with a
            # worker and waits for another one. Its .result() would block for ever, so it goes
            # back to the watch list and the no-worker clock below keeps running.
            finished = [f for f in batch if f.status in _SETTLED]
            for fut in batch:
                if fut.status not in _SETTLED:
                    completed.add(fut)
            if not finished:
                time.sleep(0.5)
            answered = 0
            for fut in finished:
                job = pending.pop(fut)
                try:
                    # The result lives on the worker that made it: if that worker is gone the
                    # fetch waits for a recomputation, so it is bounded and retried below.
                    result = fut.result(timeout=5)
                except TimeoutError:
                    pending[fut] = job
                    completed.add(fut)
                    continue
                except Exception as e:  # a worker lost mid-task, too many times; or the client
                    if client.status != "running" or "Cancelled" in type(e).__name__:
                        # ... lost the scheduler: every future is cancelled at once. Said once;
                        # the results come from the disk (reconcile).
                        raise _Stop(
                            f"lost the connection to the Dask scheduler at {address}"
                        ) from None
                    yield ReportResult(job.partner_id, job.month, "failed",
                                       f"Dask worker failed: {type(e).__name__}: {e}")
                    answered += 1
                    continue
                answered += 1
                yield result
            if answered:
                no_worker_since = None
                continue
            if _worker_count(client, address):
                no_worker_since = None
                continue
            no_worker_since = no_worker_since or time.monotonic()
            waited = time.monotonic() - no_worker_since
            bar.set_description_str(f"waiting for workers ({waited:.0f}/{worker_timeout:g} s)")
            if waited >= worker_timeout:
                raise _Stop(
                    f"every Dask worker of the scheduler at {address} is gone and none came "
                    f"back within {worker_timeout:g} s; {len(pending)} report(s) not run"
                )
    except BaseException:
        if pending:
            try:
                client.cancel(list(pending))
            except Exception:  # the scheduler may be gone: nothing left to cancel then
                logging.getLogger(__name__).debug("cancel failed", exc_info=True)
        raise
    finally:
        try:
            client.close(timeout=5)
        except Exception:  # closing a client whose scheduler died raises; nothing to keep
            logging.getLogger(__name__).debug("close failed", exc_info=True)


def reconcile(summary: BatchSummary, jobs: Sequence[ReportJob], since: float) -> None:
    """After a batch that stopped early: a job the client never heard back from counts as done
    when its complete report (the JSON, moved last) was written during this run."""
    known = {(r.partner_id, r.month) for r in summary.results}
    for job in jobs:
        if (job.partner_id, job.month) in known:
            continue
        paths = report_paths(job.out_dir, parse_month(job.month, today_=dt.date.max),
                             job.partner_id)
        target = paths.file("json")
        try:
            fresh = target.stat().st_mtime >= since
            headline = json.loads(target.read_text(encoding="utf-8")) if fresh else None
        except (OSError, ValueError):
            fresh, headline = False, None
        if fresh:
            names = (headline or {}).get("files", {})
            files = {s: str(paths.month_dir / n) for s, n in names.items()}
            summary.results.append(ReportResult(job.partner_id, job.month, "done", files=files,
                                                headline=headline))
        else:
            # Counted as "not started", listed in the index with the reason, and not printed
            # once per partner: the STOPPED/INTERRUPTED line already says why, once.
            summary.results.append(ReportResult(
                job.partner_id, job.month, "cancelled",
                NOT_STARTED if summary.interrupted else f"not run: {summary.problem}"))


def run_batch(
    jobs: Iterable[ReportJob],
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: bool = True,
    skipped: Iterable[ReportResult] = (),
    on_result: Callable[[ReportResult], None] | None = None,
    warm_kernels: bool = False,
    worker_timeout: float = WORKER_TIMEOUT,
    month: str = "",
) -> BatchSummary:
    """Run every job; errors for one partner never stop the others.

    warm_kernels: each local worker process keeps one kernel with the report's modules imported
    and resets it between reports (warm.py) instead of starting a kernel per report. Local
    processes only: on a Dask cluster every report starts its own kernel.

    Ctrl-C returns a summary with `interrupted` set (queued reports "cancelled"); the caller
    writes the index and exits 130.
    """
    jobs = list(jobs)
    if warm_kernels and not scheduler:
        jobs = [dataclasses.replace(j, warm_kernel=True) for j in jobs]
    started = time.perf_counter()
    wall_start = time.time() - 1.0  # mtime resolution: a report written in this run is newer
    summary = BatchSummary(
        results=list(skipped),
        workers=workers,
        where=f"Dask {scheduler}"
        if scheduler
        else "local processes, warm kernels"
        if warm_kernels
        else "local processes",
        month=month or (jobs[0].month if jobs else ""),
    )
    with _progress(len(jobs), progress) as bar:
        stream = _dask(jobs, scheduler, worker_timeout, bar) if scheduler else _local(jobs, workers)
        try:
            for result in stream:
                summary.results.append(result)
                if result.status == "failed" and progress:  # the summary lists it (once) too
                    bar.write(f"FAILED {result.partner_id}: {result.error}", file=sys.stderr)
                if on_result:
                    on_result(result)
                bar.update(1)
        except KeyboardInterrupt:
            summary.interrupted = True
        except _Stop as e:
            summary.problem = str(e)
        finally:
            close = getattr(stream, "close", None)
            if close:
                try:
                    close()  # runs the generator's cleanup (pool shutdown) now
                except KeyboardInterrupt:  # a second Ctrl-C while running reports finish
                    summary.interrupted = True
    if summary.interrupted or summary.problem:
        reconcile(summary, jobs, wall_start)
    summary.seconds = time.perf_counter() - started
    return summary

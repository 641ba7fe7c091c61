"""Warm report kernels for batches: one kernel per worker process, reused from report to report.

A cold report spends most of its time importing pandas, SQLAlchemy and matplotlib into a fresh
kernel (bench/findings/reports.md). In a batch, each worker process keeps ONE kernel that has
imported them (`kernel_reset.prepare()`), and before every report resets it
(`kernel_reset.reset()`: empty namespace, new history session so execution counts start at 1,
working directory, rcParams, warning filters). Each report is still a real papermill run of the
report notebook — through the `partnerkit` engine, which is papermill's nbclient engine given
this kernel instead of starting one.

The same engine runs cold reports (no kernel given: nbclient starts and owns one, as papermill's
own engine does). It differs from papermill's in one thing: papermill re-serialises and validates
the whole notebook (PNG charts included) before AND after every cell — 27 writes of a ~0.4 MB
notebook per report, more CPU than several report sections. This engine writes it when the
run ends (papermill's notebook_complete, which also runs after a failed cell, a timeout or a dead
kernel), so the executed notebook is still on disk in every case.

A kernel is never reused after a failure of any kind (cell error, timeout, dead kernel, a reset
that failed): it is killed and the next report starts a new one. A kernel is also replaced after
MAX_REPORTS reports, so nothing can pile up in one process for ever.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
from typing import Any

ENGINE = "partnerkit"  # papermill's nbclient engine, saving the notebook once (see below)
MAX_REPORTS = 100  # reports per kernel before a fresh one
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)
# nbclient adds this when it starts a kernel itself; a warm kernel is started here.
_HISTORY = "--HistoryManager.hist_file=:memory:"
_PREPARE = "import partnerkit.reports.kernel_reset as _pk_warm; _pk_warm.prepare(); del _pk_warm"
_RESET = "__import__('partnerkit.reports.kernel_reset').reports.kernel_reset.reset()"

log = logging.getLogger(__name__)


class WarmKernelError(RuntimeError):
    """The warm kernel could not be prepared or reset (the message says why)."""


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    if ENGINE in papermill_engines._engines:
        return

    class Engine(NBClientEngine):
        """papermill's nbclient engine; on a running kernel when given one (kwarg `km`)."""

        @classmethod
        def execute_managed_notebook(  # type: ignore[no-untyped-def]
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            km = kwargs.pop("km", None)
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, km=km, **final_kwargs)
            nb_man.save = lambda **_kw: None  # no write per cell; notebook_complete() writes
            try:
                return client.execute()
            finally:
                del nb_man.save  # papermill's notebook_complete (next) saves the notebook once
                if km is not None and client.kc is not None:
                    client.kc.stop_channels()  # the client is this run's, the warm kernel is not

    papermill_engines.register(ENGINE, Engine)


class WarmKernel:
    """This process's warm kernel (one per worker process; not for threads)."""

    def __init__(self) -> None:
        self.km: Any = None
        self.kernel_name = ""
        self.reports = 0
        self.starts = 0
        self._atexit = False

    def kernel_for(self, kernel_name: str, timeout: float) -> Any:
        """A reset kernel, ready for the next report (started and prepared when needed)."""
        if self.km is not None and (
            kernel_name != self.kernel_name or self.reports >= MAX_REPORTS or not self._alive()
        ):
            self.discard()
        if self.km is None:
            self._start(kernel_name, timeout)
        try:
            self._run(_RESET, timeout, "reset")
        except BaseException:
            self.discard()
            raise
        return self.km

    def done(self) -> None:
        self.reports += 1

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def _start(self, kernel_name: str, timeout: float) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = AsyncKernelManager(kernel_name=kernel_name)
        self.km, self.kernel_name, self.reports = km, kernel_name, 0
        self.starts += 1
        if not self._atexit:
            atexit.register(self.discard)
            self._atexit = True
        try:
            run_sync(km.start_kernel)(extra_arguments=[*KERNEL_ARGUMENTS, _HISTORY])
            self._run(_PREPARE, timeout, "prepare")
        except BaseException:
            self.discard()
            raise

    def _run(self, code: str, timeout: float, what: str) -> None:
        """Run `code` silently in the kernel (no output, no history, no execution count)."""
        kc = self.km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=timeout)  # RuntimeError "Kernel didn't respond ..."
            reply = kc.execute_interactive(
                code,
                silent=True,
                store_history=False,
                allow_stdin=False,
                timeout=timeout,
                output_hook=lambda _msg: None,
            )
        finally:
            kc.stop_channels()
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise WarmKernelError(
                f"the warm kernel could not {what} itself: "
                f"{content.get('ename', 'error')}: {content.get('evalue', '')}"
            )

    def discard(self) -> None:
        """Kill the kernel (no graceful shutdown: nothing in it is needed any more)."""
        km, self.km, self.reports = self.km, None, 0
        if km is None:
            return
        from jupyter_core.utils import run_sync

        try:
            run_sync(km.shutdown_kernel)(now=True)  # also removes the connection file
        except Exception:
            with contextlib.suppress(Exception):
                run_sync(km.cleanup_resources)()


_warm = WarmKernel()


def engine_name() -> str:
    """The papermill engine the runner uses (registered on first use)."""
    _register_engine()
    return ENGINE


def warm_kernel() -> WarmKernel:
    """This process's warm kernel."""
    return _warm


def close_warm_kernel() -> None:
    """Stop this process's warm kernel (end of a batch; worker processes also do it at exit)."""
    _warm.discard()

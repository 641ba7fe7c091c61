"""Run ONE monthly tier report (F5.1): papermill with guards, HTML, PDF, JSON, atomic move.

`run_report(job)` raises ReportError (a ValueError with a plain message) on failure;
`run_job(job)` never raises and returns a ReportResult — that is the function the process pool
and the Dask cluster both call (batch.py), so one machine and many share one code path.

Guards against papermill's soft spots (issue 6):
- the kernel is always named (python3 unless the job says otherwise);
- a notebook without a `parameters` cell, or a passed parameter the cell does not declare, is an
  error before any kernel starts (papermill itself only logs a warning);
- start and execution timeouts; a kernel that fails to START is retried a limited number of
  times with backoff (papermill's kernel-start race); a kernel that dies mid-run is not retried;
- every file is written into a temporary directory on the same filesystem, then `os.replace`d
  into place, so a crash never leaves a half-written report where a good one was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from partnerkit.reports.params import Month, build_parameters, parse_month, unknown_parameters
from partnerkit.reports.paths import ReportPaths, report_paths
from partnerkit.reports.warm import KERNEL_ARGUMENTS, WarmKernelError, engine_name, warm_kernel

HEADLINE_TAG = "headline"  # the cell whose application/json output is the report's JSON file
HIDDEN_TAGS = ("headline", "remove_cell")  # cells left out of the HTML/PDF
HEADLINE_MIME = "application/json"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_START_FAILURES = (
    "Kernel didn't respond",
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond to heartbeats",
)

log = logging.getLogger(__name__)


def default_notebook() -> Path:
    """notebooks/monthly_tier_report.ipynb of this checkout (or $PARTNERKIT_REPORT_NOTEBOOK)."""
    env = os.environ.get("PARTNERKIT_REPORT_NOTEBOOK")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "notebooks" / "monthly_tier_report.ipynb"


class ReportError(ValueError):
    """A report could not be produced; the message says what, where and the fix."""


class KernelStartError(ReportError):
    """The kernel did not start (after the retries)."""


@dataclass(frozen=True)
class ReportJob:
    """Everything one report needs; plain values only (pickled to worker processes / Dask)."""

    partner_id: str
    month: str  # YYYY-MM
    db_url: str
    out_dir: str = "reports"
    locale: str = "en"
    rules_file: str = ""
    pdf: bool = True
    notebook: str = ""  # "" = default_notebook()
    kernel_name: str = "python3"
    start_timeout: float = 60.0
    execution_timeout: float = 300.0
    kernel_retries: int = 2
    retry_backoff: float = 1.0
    # Extra notebook parameters (beyond the report's own): refused unless the notebook declares
    # them. Tests use it to prove the unknown-parameter guard.
    extra_parameters: tuple[tuple[str, str], ...] = ()
    # Batch mode: run in this process's warm kernel (heavy modules already imported, namespace
    # and execution count reset before every report) instead of starting a kernel per report.
    warm_kernel: bool = False
    paper: str = "A4"  # A4 | Letter (pdf.paper_for_country: Letter for US/CA partners)

    def parameters(self) -> dict[str, str]:
        month = _month(self.month)
        params = build_parameters(
            partner_id=self.partner_id,
            month=month,
            db_url=self.db_url,
            locale=self.locale,
            rules_file=self.rules_file,
        )
        params.update(dict(self.extra_parameters))
        return params


@dataclass
class ReportResult:
    partner_id: str
    month: str
    status: str  # done | failed | skipped
    error: str = ""
    files: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    headline: dict[str, Any] | None = None
    attempts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _month(text: str) -> Month:
    # A job always carries an explicit closed month; "last" is resolved by the CLI.
    return parse_month(text, today_=dt.date.max)


# ---------------------------------------------------------------- guards before any kernel


def check_notebook(path: str | Path, parameters: dict[str, object]) -> dict[str, Any]:
    """Refuse a notebook without a `parameters` cell, or parameters it does not declare.

    Returns papermill's inspection ({name: {name, inferred_type_name, default, help}}).
    """
    import nbformat
    from papermill.inspection import inspect_notebook

    nb_path = Path(path)
    if not nb_path.is_file():
        raise ReportError(f"report notebook {nb_path} does not exist (use --notebook PATH)")
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception as e:  # nbformat raises several types for a broken file
        raise ReportError(f"report notebook {nb_path} is not a valid notebook: {e}") from None
    has_cell = any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.cells)
    if not has_cell:
        raise ReportError(
            f"report notebook {nb_path} has no cell tagged 'parameters'; tag the cell that "
            "defines partner_id, month, db_url, locale, rules_file (View > Cell Toolbar > Tags)"
        )
    declared = inspect_notebook(str(nb_path))
    unknown = unknown_parameters(parameters, set(declared))
    if unknown:
        raise ReportError(
            f"report notebook {nb_path} does not declare parameter(s) {', '.join(unknown)} "
            f"(its parameters cell declares: {', '.join(sorted(declared)) or 'nothing'})"
        )
    return declared


def check_partner(db_url: str, partner_id: str) -> str:
    """The partner's display name; UnknownPartnerError (a ValueError) when it does not exist."""
    from partnerkit.store import open_store

    store = open_store(db_url, read_only=True)
    try:
        partner = store.get_partner(partner_id)
    finally:
        with contextlib.suppress(Exception):
            store.close()
    return str(getattr(partner, "name", "") or partner_id)


# ---------------------------------------------------------------- papermill with retries


def _is_start_failure(exc: BaseException) -> bool:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if isinstance(exc, DeadKernelError | CellTimeoutError):
        return False
    if isinstance(exc, TimeoutError):
        return True
    return isinstance(exc, RuntimeError) and any(s in str(exc) for s in _START_FAILURES)


def _plain(text: str) -> str:
    return _ANSI.sub("", str(text)).strip()


def execute(job: ReportJob, parameters: dict[str, str], output: Path) -> tuple[int, Any]:
    """Run papermill; returns (attempts, the executed notebook, also written to `output`).

    Raises ReportError with a plain message."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    notebook = job.notebook or str(default_notebook())
    # papermill logs cell errors and dead kernels itself; we report them once, in plain words.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    out = str(output).replace("{", "{{").replace("}", "}}")  # papermill str.format()s paths
    where = f"partner {job.partner_id!r}, {job.month}"
    attempts = 0
    while True:
        attempts += 1
        try:
            engine: dict[str, Any] = {"engine_name": engine_name()}
            if job.warm_kernel:
                engine["km"] = warm_kernel().kernel_for(job.kernel_name, job.start_timeout)
            try:
                nb = papermill.execute_notebook(
                    notebook.replace("{", "{{").replace("}", "}}"),
                    out,
                    parameters=parameters,
                    kernel_name=job.kernel_name,
                    language="python",
                    start_timeout=job.start_timeout,
                    execution_timeout=job.execution_timeout,
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=True,
                    # The kernel's own start-up warnings (plain-TCP notice) are noise in a batch.
                    extra_arguments=list(KERNEL_ARGUMENTS),
                    # Every output has arrived once the last cell is done: stop the kernel at once
                    # instead of waiting ~0.3 s for its interpreter to tear pandas/matplotlib down.
                    shutdown_kernel="immediate",
                    **engine,
                )
            except BaseException:
                if job.warm_kernel:  # never reuse a kernel after a failure: the next starts afresh
                    warm_kernel().discard()
                raise
            if job.warm_kernel:
                warm_kernel().done()
            return attempts, nb
        except PapermillExecutionError as e:
            raise ReportError(
                f"{where}: the report notebook failed in cell {e.exec_count or e.cell_index}: "
                f"{e.ename}: {_plain(e.evalue)}"
            ) from None
        except CellTimeoutError:
            raise ReportError(
                f"{where}: a cell ran longer than {job.execution_timeout:g} s "
                "(raise --execution-timeout, or check the database)"
            ) from None
        except WarmKernelError as e:
            raise ReportError(f"{where}: {_plain(str(e))}") from None
        except DeadKernelError:
            raise ReportError(
                f"{where}: the kernel died while running the report notebook "
                "(out of memory, or a cell ended the process); the executed notebook shows "
                "the last cell that ran"
            ) from None
        except Exception as e:
            if not _is_start_failure(e):
                raise
            if attempts > job.kernel_retries:
                raise KernelStartError(
                    f"{where}: the {job.kernel_name!r} kernel did not start after {attempts} "
                    f"attempts ({_plain(str(e))}); fewer --workers or a longer start timeout help"
                ) from None
            delay = job.retry_backoff * (2 ** (attempts - 1))
            log.warning("kernel start failed (%s); retrying in %.1f s", e, delay)
            time.sleep(delay)


# ---------------------------------------------------------------- HTML, PDF, JSON

_exporter = None


def _html_exporter():  # type: ignore[no-untyped-def]
    global _exporter
    if _exporter is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor
        from traitlets.config import Config

        c = Config()
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.exclude_anchor_links = True
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
        c.TagRemovePreprocessor.remove_all_outputs_tags = {"parameters", "injected-parameters"}
        exporter = HTMLExporter(config=c)
        exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
        _exporter = exporter
    return _exporter


def _is_stderr(output: Any) -> bool:
    return bool(output.get("output_type") == "stream" and output.get("name") == "stderr")


def _drop_noise(nb: Any) -> Any:
    """A copy without stderr streams (warnings are in the .ipynb, not in the report); the
    notebook itself when it has none (nbconvert copies it anyway)."""
    import copy

    if not any(
        _is_stderr(o)
        for c in nb.cells
        if c.get("cell_type") == "code"
        for o in c.get("outputs", [])
    ):
        return nb
    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not _is_stderr(o)]
    return clean


_SCRIPT_SRC = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)


# Print layout (issue 14): fonts that cover every script (Noto CJK for 富士建設株式会社), page 1
# = headline cards in one row + risks + tier chart, ids never hyphenated or broken, rows and
# charts never split across pages. The paper size itself is the printer's (pdf.py).
PRINT_CSS = """<style id="pk-print">
body,.jp-RenderedHTMLCommon{font-family:system-ui,'Noto Sans','DejaVu Sans','Noto Sans CJK JP',
  'Noto Sans CJK SC','Noto Sans Arabic',sans-serif}
.pk-report code,.pk-report td [data-figure],.pk-id{hyphens:none;-webkit-hyphens:none;
  word-break:keep-all;overflow-wrap:normal;white-space:nowrap}
.pk-report .card .big{hyphens:none;overflow-wrap:normal}
.pk-report tr.overdue td{color:#b3261e}.pk-report tr.overdue td:first-child{font-weight:600}
@media print{
  html,body{font-size:10pt;background:#fff}
  .jp-Notebook,.jp-Cell,.jp-OutputArea,.jp-OutputArea-output{padding:0 !important;
    margin:0 !important}
  .jp-Cell-outputWrapper,.jp-Cell-outputArea{margin:0 !important}
  .pk-report{max-width:none}
  .pk-report h1{font-size:1.35rem}.pk-report h2{font-size:1.1rem;margin:.8rem 0 .35rem}
  .pk-report .cards{flex-wrap:nowrap !important;gap:.5rem !important}
  .pk-report .card{min-width:0 !important;flex:1 1 0 !important;padding:.4rem .6rem !important}
  .pk-report .card .big{font-size:1.2rem !important}
  .pk-report img{max-height:10.5cm;width:auto;max-width:100%}
  .pk-report img[data-chart="tier_progress"]{max-height:6.6cm}
  .pk-report h2{break-after:avoid}
  .pk-report table{font-size:.85rem}
}
</style>"""


def report_title(name: str, month: str, locale: str) -> str:
    """The HTML/PDF title in the report's language, the month as a month ("novembro de 2026")."""
    from babel.dates import format_skeleton

    from partnerkit.ui.i18n import translator

    t = translator(locale or "en", domain="report")
    try:
        year, mon = (int(x) for x in str(month).split("-")[:2])
        shown = str(format_skeleton("yMMMM", dt.date(year, mon, 1), locale=t.locale))
    except ValueError:
        shown = str(month)
    return t("Tier report — {name} — {month}").format(name=name, month=shown)


def to_html(nb: Any, title: str, locale: str = "en") -> str:
    body, _ = _html_exporter().from_notebook_node(
        _drop_noise(nb), resources={"metadata": {"name": title}}
    )
    # The page's language is the report's (screen readers, hyphenation, the PDF's metadata).
    body = re.sub(r"<html\b[^>]*>", f'<html lang="{locale.replace("_", "-")}">', body, count=1)
    # The report needs no JavaScript; remote scripts (require.js, MathJax CDNs) only slow the
    # PDF printer down and fail offline.
    body = _SCRIPT_SRC.sub("", body)
    return body.replace("</head>", PRINT_CSS + "\n</head>", 1)


def to_pdf(html_file: Path, pdf_file: Path, paper: str = "A4", timeout: float = 120.0) -> None:
    """Print the HTML with this worker's warm headless Chromium (pdf.py)."""
    from partnerkit.reports.pdf import PdfError, print_pdf

    try:
        print_pdf(html_file, pdf_file, paper, timeout)
    except PdfError as e:
        raise ReportError(str(e)) from None


def headline_of(nb: Any) -> dict[str, Any]:
    for cell in nb.cells:
        if HEADLINE_TAG in cell.get("metadata", {}).get("tags", []):
            for o in cell.get("outputs", []):
                data = o.get("data", {})
                if HEADLINE_MIME in data:
                    value = data[HEADLINE_MIME]
                    return json.loads(value) if isinstance(value, str) else dict(value)
    raise ReportError(
        "the report notebook produced no headline figures (a cell tagged 'headline' must "
        "display them as application/json)"
    )


# ---------------------------------------------------------------- one report, atomically


def _commit(tmp: Path, paths: ReportPaths, produced: list[str]) -> dict[str, str]:
    """Move the finished files into place (JSON last: it is what the index reads)."""
    final: dict[str, str] = {}
    for suffix in sorted(produced, key=lambda s: s == "json"):
        target = paths.file(suffix)
        os.replace(tmp / f"{paths.slug}.{suffix}", target)
        final[suffix] = str(target)
    for suffix in paths.files:
        if suffix not in produced:  # e.g. a PDF from an earlier run with PDFs: now stale
            with contextlib.suppress(FileNotFoundError):
                paths.file(suffix).unlink()
    with contextlib.suppress(FileNotFoundError):
        (paths.month_dir / f"{paths.slug}.failed.ipynb").unlink()
    return final


def run_report(job: ReportJob) -> ReportResult:
    """Produce one report; raises ReportError (plain message) when it cannot."""
    started = time.perf_counter()
    parameters = job.parameters()
    notebook = job.notebook or str(default_notebook())
    check_notebook(notebook, parameters)
    name = check_partner(job.db_url, job.partner_id)
    paths = report_paths(job.out_dir, _month(job.month), job.partner_id)
    paths.month_dir.mkdir(parents=True, exist_ok=True)
    tmp = paths.month_dir / f".tmp-{paths.slug}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        ipynb = tmp / f"{paths.slug}.ipynb"
        try:
            attempts, nb = execute(job, parameters, ipynb)
        except ReportError:
            if ipynb.exists():  # keep the executed notebook next to the report, for debugging
                os.replace(ipynb, paths.month_dir / f"{paths.slug}.failed.ipynb")
            raise
        headline = headline_of(nb)
        html = tmp / f"{paths.slug}.html"
        html.write_text(to_html(nb, report_title(name, job.month, job.locale), job.locale),
                        encoding="utf-8")
        produced = ["ipynb", "html"]
        if job.pdf:
            to_pdf(html, tmp / f"{paths.slug}.pdf", job.paper)
            produced.append("pdf")
        headline = {**headline, "files": {s: f"{paths.slug}.{s}" for s in [*produced, "json"]}}
        (tmp / f"{paths.slug}.json").write_text(
            json.dumps(headline, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        produced.append("json")
        files = _commit(tmp, paths, produced)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ReportResult(
        partner_id=job.partner_id,
        month=job.month,
        status="done",
        files=files,
        seconds=time.perf_counter() - started,
        headline=headline,
        attempts=attempts,
    )


def run_job(job: ReportJob) -> ReportResult:
    """run_report that never raises: errors for one partner never stop the others."""
    started = time.perf_counter()
    try:
        return run_report(job)
    except (ValueError, LookupError) as e:  # plain user-facing messages (unknown partner ...)
        error = _plain(str(e))
    except OSError as e:
        error = f"{type(e).__name__}: {e}"
    except Exception as e:  # the batch must go on; the message still names the cause
        error = f"unexpected {type(e).__name__}: {_plain(str(e))}"
    return ReportResult(
        partner_id=job.partner_id,
        month=job.month,
        status="failed",
        error=error,
        seconds=time.perf_counter() - started,
    )

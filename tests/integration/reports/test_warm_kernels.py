"""Issue 7 (reports): batch workers keep one warm kernel and reset it between reports.

A report in a warm kernel is still a papermill run of the report notebook and must produce the
same report as in a fresh kernel; nothing one report leaves in the kernel may reach the next;
any failure gives the next report a new kernel.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from partnerkit.reports.batch import run_batch
from partnerkit.reports.runner import ReportError, ReportJob, run_report
from partnerkit.reports.warm import close_warm_kernel, warm_kernel

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "notebooks"
# papermill gives the injected parameters cell a random id; everything else must be identical.
CELL_ID = re.compile(r'id="cell-id=[0-9a-f]{8}"')
ADDRESS = re.compile(r" at 0x[0-9a-f]+")

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def no_kernel_left() -> Iterator[None]:
    close_warm_kernel()
    yield
    close_warm_kernel()
    assert warm_kernel().km is None


def job(url: str, out: Path, partner: str, **kw: object) -> ReportJob:
    return ReportJob(
        partner_id=partner, month="2026-10", db_url=url, out_dir=str(out), pdf=False, **kw
    )


def outputs(ipynb: str) -> list[tuple[object, str]]:
    """Each code cell's execution count and outputs (object addresses in text/plain masked)."""
    nb = nbformat.read(ipynb, as_version=4)
    return [
        (c.get("execution_count"), ADDRESS.sub("0x?", json.dumps(c.get("outputs"), sort_keys=True)))
        for c in nb.cells
        if c.cell_type == "code"
    ]


def test_reports_from_a_warm_kernel_are_the_reports_a_fresh_kernel_makes(book, tmp_path: Path):
    url, ids = book
    cold = {pid: run_report(job(url, tmp_path / "cold", pid)) for pid in ids[:2]}
    starts = warm_kernel().starts
    warm = [
        run_report(job(url, tmp_path / f"warm{i}", pid, warm_kernel=True))
        for i, pid in enumerate([ids[0], ids[1], ids[0]])
    ]
    assert warm_kernel().starts == starts + 1  # all three ran in the same kernel
    for result in warm:
        expected = cold[result.partner_id]
        assert result.headline == expected.headline
        assert CELL_ID.sub("", Path(result.files["html"]).read_text("utf-8")) == CELL_ID.sub(
            "", Path(expected.files["html"]).read_text("utf-8")
        )
        assert outputs(result.files["ipynb"]) == outputs(expected.files["ipynb"])
        assert json.loads(Path(result.files["json"]).read_text("utf-8"))["partner_id"] == (
            result.partner_id
        )


def test_nothing_one_report_leaves_in_a_warm_kernel_reaches_the_next(book, tmp_path: Path):
    url, ids = book
    probe = str(FIXTURES / "leak_probe.ipynb")
    starts = warm_kernel().starts
    first = run_report(job(url, tmp_path / "a", ids[0], notebook=probe, warm_kernel=True))
    second = run_report(job(url, tmp_path / "b", ids[1], notebook=probe, warm_kernel=True))
    assert warm_kernel().starts == starts + 1  # the second report ran in the first's kernel
    assert first.headline is not None and second.headline is not None
    before, after = first.headline["seen"], second.headline["seen"]
    assert after["leftover"] is None and "leftover_from_previous_report" not in after["names"]
    assert after == before  # names, working directory, rcParams, warning filters, counter
    assert outputs(second.files["ipynb"])[0][0] == 1  # execution counts start at 1 again


def test_a_failed_report_gives_the_next_report_a_new_kernel(book, tmp_path: Path):
    url, ids = book
    starts = warm_kernel().starts
    ok = run_report(job(url, tmp_path, ids[0], warm_kernel=True))
    with pytest.raises(ReportError, match=r"failed in cell .*import it first"):
        run_report(
            job(
                url, tmp_path, ids[1], notebook=str(FIXTURES / "cell_error.ipynb"), warm_kernel=True
            )
        )
    assert warm_kernel().km is None  # the failed report's kernel was killed, not kept
    again = run_report(job(url, tmp_path, ids[0], warm_kernel=True))
    assert warm_kernel().starts == starts + 2
    assert again.headline == ok.headline


def test_a_kernel_that_dies_in_a_warm_batch_fails_one_report_only(book, tmp_path: Path):
    url, ids = book
    dies = ReportJob(
        "p00",
        "2026-10",
        url,
        str(tmp_path),
        pdf=False,
        notebook=str(FIXTURES / "kernel_dies.ipynb"),
    )
    jobs = [dies, *(ReportJob(pid, "2026-10", url, str(tmp_path), pdf=False) for pid in ids[1:])]
    s = run_batch(jobs, workers=1, progress=False, warm_kernels=True)
    assert (s.done, s.failed) == (len(ids) - 1, 1)
    failed = next(r for r in s.results if r.status == "failed")
    assert failed.partner_id == "p00" and "kernel died" in failed.error
    assert warm_kernel().km is None  # run_batch stops its warm kernel at the end

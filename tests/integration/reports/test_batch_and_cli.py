"""F5.2: `partnerkit report` for one partner and for everyone: a batch of 20+ partners on 2
local worker processes and on a Dask LocalCluster (real worker processes), progress bar,
summary, exit status; one partner's failure never stops the others."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.reports.batch import run_batch
from partnerkit.reports.runner import ReportJob

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "notebooks"
SUMMARY = re.compile(
    r"reports: (\d+) done, (\d+) failed, (\d+) skipped in ([\d.]+) s \(([\d.]+)/min"
)


def partnerkit(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PARTNERKIT_AS_OF": "2026-11-28"}
    env.pop("PARTNERKIT_NO_PROGRESS", None)
    return subprocess.run(
        [sys.executable, "-m", "partnerkit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def summary(stdout: str) -> tuple[int, int, int]:
    m = SUMMARY.search(stdout)
    assert m, stdout
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_one_partner_for_last_month_writes_the_report_and_the_index(book, tmp_path: Path):
    url, _ids = book
    p = partnerkit(
        "report", "--partner", "p00", "--month", "last", "--db", url, "--no-pdf", cwd=tmp_path
    )
    assert p.returncode == 0, p.stderr
    assert summary(p.stdout) == (1, 0, 0)
    month = tmp_path / "reports" / "2026-10"  # default --out: reports/ in the working directory
    assert sorted(f.name for f in month.iterdir()) == ["p00.html", "p00.ipynb", "p00.json"]
    assert "p00.html" in (tmp_path / "reports" / "index.html").read_text()
    assert "100%" in p.stderr  # the progress bar goes to stderr


def test_an_unknown_partner_on_the_command_line_is_one_plain_line_exit_2(book, tmp_path: Path):
    url, _ids = book
    p = partnerkit(
        "report", "--partner", "../../etc", "--month", "2026-10", "--db", url, cwd=tmp_path
    )
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        "partnerkit report: error: unknown partner '../../etc'; known partners: p00, p01, p02"
    ]
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-11", "has not ended yet"), ("11/2026", "YYYY-MM")],
)
def test_a_bad_month_is_one_plain_line_exit_2(book, tmp_path: Path, month: str, message: str):
    url, _ids = book
    p = partnerkit("report", "--all", "--month", month, "--db", url, cwd=tmp_path)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr


def test_a_failing_report_makes_the_exit_status_non_zero_and_is_listed(book, tmp_path: Path):
    url, _ids = book
    p = partnerkit(
        "report",
        "--all",
        "--month",
        "last",
        "--db",
        url,
        "--no-pdf",
        "--quiet",
        "--notebook",
        str(FIXTURES / "cell_error.ipynb"),
        "--workers",
        "2",
        cwd=tmp_path,
    )
    assert p.returncode == 1
    assert summary(p.stdout) == (0, 3, 0)
    assert p.stdout.count("FAILED p0") == 3 and "import it first" in p.stdout


def test_one_failing_partner_does_not_stop_the_others(book, tmp_path: Path):
    url, ids = book
    jobs = [ReportJob(pid, "2026-10", url, str(tmp_path), pdf=False) for pid in ids]
    jobs.insert(1, ReportJob("ghost", "2026-10", url, str(tmp_path), pdf=False))
    s = run_batch(jobs, workers=2, progress=False)
    assert (s.done, s.failed, s.skipped) == (3, 1, 0)
    failed = [r for r in s.results if r.status == "failed"]
    assert failed[0].partner_id == "ghost" and "unknown partner" in failed[0].error


def test_partners_who_joined_after_the_month_are_skipped(book, tmp_path: Path):
    import datetime as dt

    from partnerkit.store import Partner, open_store

    url, _ids = book
    with open_store(url) as store:
        store.upsert_partner(
            Partner("newcomer", "New Co", "US", "USD", None, dt.date(2026, 11, 10), None, None)
        )
    p = partnerkit(
        "report", "--all", "--month", "last", "--db", url, "--no-pdf", "--quiet", cwd=tmp_path
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert summary(p.stdout) == (3, 0, 1)
    assert "skipped newcomer 2026-10: joined on 2026-11-10" in p.stdout


def _check_big_batch(p: subprocess.CompletedProcess[str], out: Path, ids: list[str]) -> float:
    assert p.returncode == 0, p.stdout + p.stderr
    done, failed, skipped = summary(p.stdout)
    assert (done, failed, skipped) == (len(ids), 0, 0)
    month = out / "2026-10"
    for pid in ids:
        data = json.loads((month / f"{pid}.json").read_text())
        assert data["partner_id"] == pid and data["month"] == "2026-10"
    index = (out / "index.html").read_text()
    assert all(f'href="2026-10/{pid}.html"' in index for pid in ids)
    return float(SUMMARY.search(p.stdout).group(5))  # type: ignore[union-attr]


def test_a_batch_of_22_partners_runs_on_2_local_worker_processes(big_book, tmp_path: Path):
    url, ids = big_book
    assert len(ids) >= 20
    out = tmp_path / "out"
    p = partnerkit(
        "report",
        "--all",
        "--month",
        "last",
        "--db",
        url,
        "--no-pdf",
        "--workers",
        "2",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    per_minute = _check_big_batch(p, out, ids)
    print(f"local 2 workers: {per_minute:.1f} reports/min")


@pytest.mark.filterwarnings("ignore:Creating scratch directories is taking:UserWarning")
def test_the_same_batch_runs_on_a_dask_cluster_of_worker_processes(big_book, tmp_path: Path):
    from dask.distributed import LocalCluster

    url, ids = big_book
    out = tmp_path / "out"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        p = partnerkit(
            "report",
            "--all",
            "--month",
            "last",
            "--db",
            url,
            "--no-pdf",
            "--scheduler",
            cluster.scheduler_address,
            "--out",
            str(out),
            cwd=tmp_path,
        )
    per_minute = _check_big_batch(p, out, ids)
    assert "Dask tcp://" in p.stdout
    print(f"dask 2 workers: {per_minute:.1f} reports/min")


def test_an_unreachable_scheduler_is_a_plain_error(book, tmp_path: Path):
    url, _ids = book
    p = partnerkit(
        "report",
        "--all",
        "--month",
        "last",
        "--db",
        url,
        "--no-pdf",
        "--scheduler",
        "tcp://127.0.0.1:9",
        cwd=tmp_path,
        timeout=120,
    )
    assert p.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in p.stderr

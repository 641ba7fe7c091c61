"""Issue 14, F5.2: a batch in production — Ctrl-C, files a web server can serve, an index of
every month with skipped and failed partners, stale temporaries, an empty book with a tier."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from partnerkit.reports.index import record_outcomes, remove_stale_temporaries, write_index

pytestmark = pytest.mark.slow


def start(*args: str, cwd: Path, umask: int | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PARTNERKIT_AS_OF": "2026-11-28", "PARTNERKIT_NO_PROGRESS": "1"}

    def pre() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.Popen(
        [sys.executable, "-m", "partnerkit", "report", *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group: Ctrl-C reaches it and its workers
        preexec_fn=pre,
    )


def test_ctrl_c_stops_queued_reports_at_once_and_writes_the_index(big_book, tmp_path: Path):
    url, ids = big_book
    out = tmp_path / "out"
    month = out / "2026-10"
    p = start("--all", "--month", "last", "--db", url, "--no-pdf", "--workers", "2",
              "--out", str(out), cwd=tmp_path)
    deadline = time.monotonic() + 300
    while not list(month.glob("[!.]*.json")) if month.exists() else True:
        assert p.poll() is None and time.monotonic() < deadline, p.communicate()
        time.sleep(0.2)
    os.killpg(p.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    stopped_at = time.monotonic()
    stdout, stderr = p.communicate(timeout=120)
    # Only the reports running at that moment (2 workers) may still finish.
    assert p.returncode == 130, stdout + stderr
    assert time.monotonic() - stopped_at < 60
    done = sorted(f.stem for f in month.glob("[!.]*.json"))
    assert 1 <= len(done) <= 4 < len(ids), done
    assert "Traceback" not in stderr
    assert "not started" in stdout and "INTERRUPTED" in stdout
    time.sleep(3)  # nothing queued starts later, nothing is left half-written
    assert sorted(f.stem for f in month.glob("[!.]*.json")) == done
    assert not list(month.glob(".tmp-*"))
    index = (out / "index.html").read_text()
    listed = sorted(pid for pid in ids if f'href="2026-10/{pid}.html"' in index)
    assert listed == done
    assert index.count("data-outcome='cancelled'") == len(ids) - len(done)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_reports_and_the_index_honour_the_umask(book, tmp_path: Path, umask: int, mode: int):
    url, _ids = book
    out = tmp_path / "out"
    p = start("--partner", "p00", "--month", "last", "--db", url, "--no-pdf", "--out", str(out),
              cwd=tmp_path, umask=umask)
    stdout, stderr = p.communicate(timeout=300)
    assert p.returncode == 0, stdout + stderr
    files = [out / "index.html", *sorted((out / "2026-10").iterdir())]
    assert len(files) == 4
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == mode, f


def test_the_index_lists_skipped_and_failed_partners_with_the_reason_in_one_layout(
    tmp_path: Path,
):
    for month, pid in (("2026-09", "old"), ("2026-10", "p00")):
        (tmp_path / month).mkdir()
        (tmp_path / month / f"{pid}.json").write_text(json.dumps(
            {"partner_id": pid, "partner_name": f"<b>{pid}</b>", "total_points": "1.25",
             "files": {"json": f"{pid}.json"}}))
    record_outcomes(tmp_path, "2026-10", {
        "p00": ("done", ""), "late": ("skipped", "joined on 2026-11-10, after 2026-10"),
        "bad": ("failed", "the kernel died <script>"),
    })
    page = write_index(tmp_path).read_text()
    assert page.count("<thead>") == 2 and page.count("<th>Report</th>") == 2  # one layout
    assert "joined on 2026-11-10, after 2026-10" in page
    assert "the kernel died &lt;script&gt;" in page and "<script>" not in page
    assert page.index("2026-10") < page.index("2026-09")  # newest month first
    # A later good run drops the failure.
    record_outcomes(tmp_path, "2026-10", {"bad": ("done", "")})
    assert "the kernel died" not in write_index(tmp_path).read_text()


def test_stale_temporaries_of_a_killed_worker_are_removed_and_fresh_ones_kept(tmp_path: Path):
    month = tmp_path / "2026-10"
    stale, fresh = month / ".tmp-p00-deadbeef", month / ".tmp-p01-cafe0000"
    for d in (stale, fresh):
        d.mkdir(parents=True)
        (d / "p.ipynb").write_text("{}")
    old = time.time() - 7 * 3600
    os.utime(stale, (old, old))
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert not stale.exists() and fresh.exists()


def test_a_partner_with_a_credited_tier_and_an_empty_book_gets_a_report(book, tmp_path: Path):
    from partnerkit.store import Partner, open_store

    url, _ids = book
    with open_store(url) as store:
        store.upsert_partner(Partner("empty", "Empty Book Lda", "PT", "EUR", dt.date(2027, 1, 1),
                                     dt.date(2024, 1, 1), "Gold", dt.date(2026, 7, 15)))
    out = tmp_path / "out"
    p = start("--partner", "empty", "--month", "last", "--db", url, "--no-pdf",
              "--out", str(out), cwd=tmp_path)
    stdout, stderr = p.communicate(timeout=300)
    assert p.returncode == 0, stdout + stderr
    data = json.loads((out / "2026-10" / "empty.json").read_text())
    assert data["credited_tier"] == "Gold"
    html = (out / "2026-10" / "empty.html").read_text()
    assert 'data-figure="no_points"' in html


def test_every_renewal_is_listed_with_overdue_decisions_first_and_marked(book, tmp_path: Path):
    import re

    from partnerkit.reports.runner import ReportJob, run_report
    from partnerkit.store import open_store

    url, _ids = book
    # More renewals than a page used to show, some with the decision date long gone.
    from partnerkit.store import schema as t
    from partnerkit.store.engine import write_tx
    from partnerkit.store.writes import upsert_rows

    rows = [{"partner_id": "p00", "client_id": f"c{i % 4:02d}",
             "renewal_date": dt.date(2026, 11, 1) + dt.timedelta(days=3 * i), "owner": "Rui",
             "renewal_manager": "", "current_subscription": "", "renewal_subscription": "",
             "status": "confirmed" if i % 5 == 0 else "pending"} for i in range(24)]
    with open_store(url) as store, write_tx(store.engine) as conn:
        upsert_rows(conn, t.renewals, rows)
    with open_store(url) as store:
        due = store.renewals_due("p00", dt.date(2026, 10, 31))
    late = [bool(d < dt.date(2026, 10, 31) and s not in ("confirmed", "renewed"))
            for d, s in zip(due["decision_deadline"], due["status"], strict=True)]
    assert len(due) > 15 and 0 < sum(late) < len(due)
    result = run_report(ReportJob("p00", "2026-10", url, str(tmp_path / "out"), pdf=False))
    html = Path(result.files["html"]).read_text()
    table = html[html.index('data-table="renewals"'):]
    table = table[: table.index("</table>")]
    marks = ["overdue" in tr for tr in re.findall(r"<tr[^>]*data-row=\"renewals\"[^>]*>", table)]
    assert len(marks) == len(due)  # complete: no "…and N more"
    assert marks == sorted(marks, reverse=True) and sum(marks) == sum(late)  # overdue first
    assert f'data-figure="renewals_overdue" data-value="{sum(late)}"' in html

"""Issue 14, F5.2: Dask never waits silently — a real `dask scheduler` and `dask worker`
processes; no workers, every worker killed mid-batch, the scheduler killed mid-batch: each ends
with one clear message, a non-zero exit status and an index that matches the disk."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
SUMMARY = re.compile(r"reports: (\d+) done, (\d+) failed, (\d+) skipped, (\d+) not started")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(*argv: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def stop(p: subprocess.Popen[bytes]) -> None:
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=30)


@contextmanager
def scheduler(cwd: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    p = spawn(str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
              "--dashboard-address", ":0", "--no-show", cwd=cwd)
    address = f"tcp://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # ready when it accepts connections
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert p.poll() is None and time.monotonic() < deadline, "scheduler did not start"
            time.sleep(0.2)
    try:
        yield address, p
    finally:
        stop(p)


def workers(address: str, cwd: Path, n: int = 2) -> subprocess.Popen[bytes]:
    """n worker processes (with their nannies, in one process group: killing the group kills
    them all for good), connected when this returns."""
    from dask.distributed import Client

    p = spawn(str(BIN / "dask"), "worker", address, "--nworkers", str(n), "--nthreads", "1",
              "--no-dashboard", "--local-directory", str(cwd / "dask-worker"),
              cwd=cwd)
    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(n, timeout=120)
    return p


def report(address: str, url: str, out: Path, cwd: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PARTNERKIT_AS_OF": "2026-11-28"}
    env.pop("PARTNERKIT_NO_PROGRESS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "partnerkit", "report", "--all", "--month", "last", "--db", url,
         "--no-pdf", "--scheduler", address, "--out", str(out), *extra],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(p: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    """The run's output; a run still going after `timeout` is killed (so a hang fails this test
    alone, not the next one with its open pipes) and the test fails with what it printed."""
    try:
        return p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        stdout, stderr = p.communicate()
        pytest.fail(f"the batch was still running after {timeout:g} s:\n{stdout}\n{stderr}")


def reports_on_disk(out: Path) -> list[str]:
    month = out / "2026-10"
    return sorted(f.stem for f in month.glob("[!.]*.json")) if month.exists() else []


def index_lists(out: Path, ids: list[str]) -> list[str]:
    page = (out / "index.html").read_text()
    return sorted(pid for pid in ids if f'href="2026-10/{pid}.html"' in page)


def wait_for_reports(out: Path, p: subprocess.Popen[str], n: int = 1) -> None:
    deadline = time.monotonic() + 400
    while len(reports_on_disk(out)) < n:
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_a_scheduler_without_workers_is_a_clear_error_after_the_worker_timeout(
    book, tmp_path: Path
):
    url, _ids = book
    with scheduler(tmp_path) as (address, _s):
        started = time.monotonic()
        p = report(address, url, tmp_path / "out", tmp_path, "--worker-timeout", "6")
        stdout, stderr = finish(p, 120)
    assert p.returncode == 1, stdout + stderr
    assert time.monotonic() - started < 60
    assert "waiting for workers" in stderr  # the progress bar says what it waits for
    assert f"no Dask worker joined the scheduler at {address} within 6 s" in stdout
    assert stdout.count("STOPPED") == 1 and "Traceback" not in stdout + stderr


def test_every_worker_killed_mid_batch_ends_the_run_with_an_index_matching_the_disk(
    big_book, tmp_path: Path
):
    url, ids = big_book
    out = tmp_path / "out"
    with scheduler(tmp_path) as (address, _s):
        w = workers(address, tmp_path)
        try:
            p = report(address, url, out, tmp_path, "--worker-timeout", "8")
            wait_for_reports(out, p)
            stop(w)
            stdout, stderr = finish(p, 180)
        finally:
            stop(w)
    assert p.returncode == 1, stdout + stderr
    assert f"every Dask worker of the scheduler at {address} is gone" in stdout
    done = reports_on_disk(out)
    m = SUMMARY.search(stdout)
    assert m and int(m.group(1)) == len(done) and int(m.group(4)) == len(ids) - len(done)
    assert index_lists(out, ids) == done


def test_a_lost_scheduler_is_said_once_and_the_summary_and_index_come_from_the_disk(
    big_book, tmp_path: Path
):
    url, ids = big_book
    out = tmp_path / "out"
    with scheduler(tmp_path) as (address, s):
        w = workers(address, tmp_path)
        try:
            p = report(address, url, out, tmp_path, "--worker-timeout", "8")
            wait_for_reports(out, p, 2)
            stop(s)
            stdout, stderr = finish(p, 180)
        finally:
            stop(w)
    assert p.returncode == 1, stdout + stderr
    both = stdout + stderr
    assert f"lost the connection to the Dask scheduler at {address}" in stdout
    assert both.count("lost the connection") == 1 and "Client lost" not in both
    time.sleep(1)
    done = reports_on_disk(out)
    m = SUMMARY.search(stdout)
    assert m and int(m.group(1)) == len(done), (stdout, done)
    assert index_lists(out, ids) == done
    assert "Traceback" not in both

"""F5.2: the cron line and the systemd timer run last month's reports for everyone on the 1st of
each month at 06:00."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
COMMAND = ["report", "--all", "--month", "last"]


def _runs_last_month_for_everyone(argv: list[str]) -> bool:
    exe = next((i for i, a in enumerate(argv) if a.endswith("partnerkit")), None)
    return exe is not None and argv[exe + 1 : exe + 1 + len(COMMAND)] == COMMAND


def _cron_jobs() -> list[list[str]]:
    jobs = []
    for line in (DEPLOY / "partnerkit-reports.cron").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" in line.split()[0]:
            continue
        jobs.append(line.split(None, 6))
    return jobs


def test_the_cron_line_runs_at_0600_on_the_first_of_every_month():
    jobs = _cron_jobs()
    assert len(jobs) == 1
    minute, hour, dom, month, dow, user, command = jobs[0]
    assert (minute, hour, dom, month, dow) == ("0", "6", "1", "*", "*")
    assert user and not user[0].isdigit()
    first = command.split("&&")[-1].split(">>")[0]
    assert _runs_last_month_for_everyone(shlex.split(first))


def _unit(name: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read_string((DEPLOY / name).read_text())
    return cp


def test_the_systemd_service_runs_last_month_for_everyone_once():
    svc = _unit("partnerkit-reports.service")
    assert svc["Service"]["Type"] == "oneshot"
    assert _runs_last_month_for_everyone(shlex.split(svc["Service"]["ExecStart"]))


def test_the_systemd_timer_fires_on_the_first_at_0600_and_catches_up_after_downtime():
    timer = _unit("partnerkit-reports.timer")["Timer"]
    assert timer["Persistent"] == "true"
    assert timer["Unit"] == "partnerkit-reports.service"
    spec = timer["OnCalendar"]
    date, time = spec.split()
    assert date.split("-") == ["*", "*", "01"] and time == "06:00:00"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_agrees_the_timer_fires_on_the_next_three_firsts_at_0600():
    spec = _unit("partnerkit-reports.timer")["Timer"]["OnCalendar"]
    out = subprocess.run(
        ["systemd-analyze", "calendar", "--iterations=3", spec],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapses = [
        ln.split(":", 1)[1].strip()
        for ln in out.splitlines()
        if ln.strip().startswith(("Next elapse", "Iter."))
    ]
    assert len(elapses) == 3
    for e in elapses:  # e.g. "Tue 2026-12-01 06:00:00 UTC"
        _dow, day, clock, *_ = e.split()
        assert day.endswith("-01") and clock == "06:00:00"

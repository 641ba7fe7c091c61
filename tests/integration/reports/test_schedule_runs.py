"""Issue 14, F5.2: the shipped cron line and systemd units run as written — as a non-root user
made for the test, from a partnerkit installed where that user can read it, with the bare
environment cron and systemd give (`env -i` plus what the files set) — and log one line with the
time, the month and the counts. `systemd-analyze verify` checks the units.

Needs root (to create the user and switch to it); CI runs as root. Locally without root it
skips, and only then."""

from __future__ import annotations

import configparser
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
AS_OF = "2026-12-02"  # pins "today": last month = 2026-11
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} month 2026-11 reports: 3 done, 0 failed, "
    r"0 skipped in [\d.]+ s", re.M)

if os.geteuid() != 0:  # pragma: no cover - CI is root
    pytest.skip("needs root to create a throwaway user and run as it", allow_module_level=True)


def _uv() -> str:
    for candidate in (shutil.which("uv"), str(Path.home() / ".local/bin/uv")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise AssertionError("uv is needed to install partnerkit for the service user (./dev setup)")


def _system_python() -> str:
    """An interpreter every user may run (this venv's may live under /root)."""
    for candidate in ("/usr/bin/python3.11", "/usr/bin/python3.12", "/usr/bin/python3.13"):
        if Path(candidate).is_file():
            return candidate
    return sys.executable


class Site:
    """A machine laid out as docs/reports.md says: /opt/partnerkit/.venv, the partnerkit user,
    /var/lib/partnerkit, /var/log/partnerkit — all under one temporary root."""

    def __init__(self, root: Path, user: str) -> None:
        self.root, self.user = root, user
        self.opt = root / "opt/partnerkit"
        self.state = root / "var/lib/partnerkit"
        self.logs = root / "var/log/partnerkit"

    def path(self, text: str) -> str:
        return (text.replace("/opt/partnerkit", str(self.opt))
                .replace("/var/lib/partnerkit", str(self.state))
                .replace("/var/log/partnerkit", str(self.logs)))

    def run_as_user(self, env: dict[str, str], argv: list[str], cwd: str = "/"
                    ) -> subprocess.CompletedProcess[str]:
        bare = [f"{k}={v}" for k, v in env.items()]
        return subprocess.run(["runuser", "-u", self.user, "--", "env", "-i", *bare, *argv],
                              cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    root = Path(tempfile.mkdtemp(prefix="pk-site-"))
    root.chmod(0o755)
    user = f"pkt{uuid.uuid4().hex[:6]}"
    s = Site(root, user)
    # The documented set-up (docs/reports.md, deploy/*): the user, then partnerkit in /opt.
    subprocess.run(["useradd", "--system", "--home-dir", str(s.state), "--shell",
                    "/usr/sbin/nologin", user], check=True)
    try:
        for d in (root / "opt", root / "var/lib", root / "var/log"):
            d.mkdir(parents=True, exist_ok=True)
            d.chmod(0o755)
        subprocess.run([_uv(), "venv", "-q", "--python", _system_python(),
                        str(s.opt / ".venv")], check=True, capture_output=True)
        subprocess.run(
            [_uv(), "pip", "install", "-q", "--override", str(REPO / "scripts/uv-overrides.txt"),
             "-e", str(REPO)],
            env={**os.environ, "VIRTUAL_ENV": str(s.opt / ".venv")}, check=True,
            capture_output=True,
        )
        yield s
    finally:
        subprocess.run(["userdel", user], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _seed(site: Site, db_url: str) -> None:
    """The partner's book, written as the service user (sudo -u partnerkit partnerkit demo)."""
    p = site.run_as_user({"HOME": str(site.state), "PATH": "/usr/bin:/bin",
                          "PARTNERKIT_AS_OF": AS_OF},
                         [str(site.opt / ".venv/bin/partnerkit"), "demo", "--db", db_url,
                          "--force"])
    assert p.returncode == 0, p.stdout + p.stderr


def _owned_and_served(site: Site, reports: Path) -> None:
    files = [reports / "index.html", *sorted((reports / "2026-11").iterdir())]
    assert len(files) == 1 + 3 * 4  # index + ipynb, html, pdf, json for each partner
    uid = pwd.getpwnam(site.user).pw_uid
    for f in files:
        st = f.stat()
        assert st.st_uid == uid and stat.S_IMODE(st.st_mode) == 0o644, f


def test_the_cron_line_runs_as_written_as_the_partnerkit_user_with_cron_s_bare_environment(
    site: Site,
):
    text = (DEPLOY / "partnerkit-reports.cron").read_text()
    env: dict[str, str] = {}
    job = ""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        head = line.split()[0]
        if "=" in head:
            key, _, value = line.partition("=")
            env[key.strip()] = site.path(value.strip())
        else:
            job = line
    *_when, user, command = job.split(None, 6)
    assert user == "partnerkit"
    # The documented set-up for cron: the home/state folder and the log folder.
    subprocess.run(["install", "-d", "-o", site.user, "-g", site.user, "-m", "0755",
                    str(site.state), str(site.logs)], check=True)
    _seed(site, env["PARTNERKIT_DB"])
    # What cron gives a job: the file's variables, HOME/LOGNAME/SHELL from the user.
    env.update({"HOME": str(site.state), "LOGNAME": site.user, "PARTNERKIT_AS_OF": AS_OF})
    p = site.run_as_user(env, [env["SHELL"], "-c", site.path(command)])
    log = (site.logs / "reports.log").read_text()
    assert p.returncode == 0, log + p.stderr
    assert LOG_LINE.search(log), log
    assert "Traceback" not in log
    _owned_and_served(site, site.state / "reports")


def _unit(name: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read_string((DEPLOY / name).read_text())
    return cp


def test_the_systemd_service_runs_as_written_as_its_user_in_its_state_directory(site: Site):
    svc = _unit("partnerkit-reports.service")["Service"]
    assert svc["User"] == "partnerkit" and svc["StateDirectory"] == "partnerkit"
    assert svc["WorkingDirectory"] == "/var/lib/partnerkit"
    # What systemd does before ExecStart: StateDirectory= owned by User=, mode, UMask=, cd, and
    # an environment of only Environment= (and the missing optional EnvironmentFile=-).
    state = Path(site.path("/var/lib/" + svc["StateDirectory"]))
    shutil.rmtree(state, ignore_errors=True)
    subprocess.run(["install", "-d", "-o", site.user, "-g", site.user, "-m",
                    svc.get("StateDirectoryMode", "0755"), str(state)], check=True)
    env = {"HOME": str(state), "LOGNAME": site.user, "USER": site.user,
           "PATH": "/usr/local/bin:/usr/bin:/bin", "PARTNERKIT_AS_OF": AS_OF}
    for assignment in shlex.split(svc["Environment"]):
        key, _, value = assignment.partition("=")
        env[key] = site.path(value)
    assert svc["EnvironmentFile"].startswith("-")  # optional: the unit starts without it
    _seed(site, env["PARTNERKIT_DB"])
    argv = [site.path(a) for a in shlex.split(svc["ExecStart"])]
    umask = svc["UMask"]
    p = site.run_as_user(env, ["/bin/sh", "-c", f"umask {umask} && exec " + shlex.join(argv)],
                         cwd=site.path(svc["WorkingDirectory"]))
    journal = p.stdout + p.stderr
    assert p.returncode == 0, journal
    assert LOG_LINE.search(journal), journal
    _owned_and_served(site, state / "reports")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_accepts_the_shipped_units(site: Site, tmp_path: Path):
    for name in ("partnerkit-reports.service", "partnerkit-reports.timer"):
        # Only the install prefix changes: the binary must exist for verify to pass.
        (tmp_path / name).write_text(
            (DEPLOY / name).read_text().replace("/opt/partnerkit", str(site.opt)))
    p = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "partnerkit-reports.service"),
                        str(tmp_path / "partnerkit-reports.timer")],
                       capture_output=True, text=True, timeout=120)
    problems = [ln for ln in (p.stdout + p.stderr).splitlines()
                if "partnerkit-reports" in ln]
    assert p.returncode == 0 and not problems, p.stdout + p.stderr

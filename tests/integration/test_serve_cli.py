"""`partnerkit serve` for real (issues 4, 5): it starts Voilà, prints the app URLs once the server
answers, creates the demo book when no database is configured, enforces its token, and leaves no
server or kernel behind when stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnerkit.serve import descendant_pids, stop_process_group

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "notebooks"


class Served:
    def __init__(self, proc: subprocess.Popen[str], lines: list[str]) -> None:
        self.proc = proc
        self.lines = lines

    def url_of(self, app: str) -> str:
        return next(line.split()[1] for line in self.lines if line.strip().startswith(app))

    def base(self) -> str:
        return self.url_of("dashboard").split("voila/render/")[0]


def _start(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Served:
    full_env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), **(env or {})}
    if "PARTNERKIT_DB" not in (env or {}):
        full_env.pop("PARTNERKIT_DB", None)
    with (tmp_path / "serve.err").open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "partnerkit", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            cwd=REPO,
            env=full_env,
            start_new_session=True,
        )
    assert proc.stdout is not None
    lines: list[str] = []
    # A thread reads stdout: select() on a buffered text pipe misses already-buffered lines.
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))
    reader.daemon = True
    reader.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not any("calculator" in ln for ln in lines):
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    if not any("calculator" in ln for ln in lines):
        stop_process_group(proc)  # type: ignore[arg-type]
        proc.stdout.close()
        err = (tmp_path / "serve.err").read_text()
        pytest.fail(f"serve printed no URLs: {lines!r}\nstderr:\n{err[-3000:]}")
    return Served(proc, lines)


@pytest.fixture
def stop_after() -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for s in started:
        stop_process_group(s.proc)  # type: ignore[arg-type]
        if s.proc.stdout:
            s.proc.stdout.close()


def _proc(pid: int, what: str) -> bytes:
    return Path(f"/proc/{pid}/{what}").read_bytes()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _status(url: str) -> int:
    """HTTP status of `url`, redirects not followed (a redirect to the login page is a 302)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=60) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        e.close()
        return e.code


def test_serve_prints_both_app_urls_and_serves_notebooks_until_stopped(
    tmp_path: Path, stop_after: list[Served]
) -> None:
    served = _start(tmp_path, "--notebooks", str(FIXTURES), "--db", str(tmp_path / "x.db"))
    stop_after.append(served)
    assert served.url_of("dashboard").endswith("/voila/render/dashboard.ipynb")
    assert served.url_of("calculator").endswith("/voila/render/calculator.ipynb")
    assert served.base().startswith("http://127.0.0.1:")
    assert _status(served.base() + "voila/render/one_button.ipynb") == 200
    children = descendant_pids(served.proc.pid)
    assert children, "no kernel was started for the rendered notebook"

    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=30) == 0
    time.sleep(0.5)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert alive == [], "the server or a kernel survived Ctrl-C"


def test_serve_creates_the_demo_book_when_no_database_is_configured(
    tmp_path: Path, stop_after: list[Served]
) -> None:
    served = _start(tmp_path, "--notebooks", str(FIXTURES))
    stop_after.append(served)
    err = (tmp_path / "serve.err").read_text()
    assert "demo book" in err
    demo = list((tmp_path / "data").rglob("*.sqlite3"))
    assert demo, "no demo database in the user data dir"
    # the server (and so every kernel) is told exactly which database to open
    voila = [p for p in descendant_pids(served.proc.pid)
             if b"partnerkit.serve_guard" in _proc(p, "cmdline")]
    assert voila
    assert f"PARTNERKIT_DB=sqlite:///{demo[0]}".encode() in _proc(voila[0], "environ")


def test_a_served_token_is_required_from_every_visitor(
    tmp_path: Path, stop_after: list[Served]
) -> None:
    served = _start(
        tmp_path,
        "--notebooks",
        str(FIXTURES),
        "--db",
        str(tmp_path / "x.db"),
        env={"PARTNERKIT_TOKEN": "tok-123"},
    )
    stop_after.append(served)
    assert served.url_of("dashboard").endswith("dashboard.ipynb?token=tok-123")
    page = served.base() + "voila/render/one_button.ipynb"
    assert _status(page) in {302, 401, 403}  # no token: login page or refusal
    # urllib follows the redirect to the login page; it must not be the notebook
    with urllib.request.urlopen(page, timeout=30) as r:
        assert "Click me" not in r.read().decode(errors="replace")
    assert _status(page + "?token=tok-123") == 200


def test_a_served_password_lets_in_only_who_logs_in_with_it(
    tmp_path: Path, stop_after: list[Served]
) -> None:
    import http.cookiejar
    import re
    import urllib.parse

    from partnerkit.serve import hash_password

    served = _start(
        tmp_path,
        "--notebooks",
        str(FIXTURES),
        "--db",
        str(tmp_path / "x.db"),
        "--password-hash",
        hash_password("pw-for-the-team"),
    )
    stop_after.append(served)
    page = served.base() + "voila/render/one_button.ipynb"
    assert _status(page) == 302

    def login(password: str) -> str:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(served.base() + "login", timeout=30) as r:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.read().decode()).group(1)  # type: ignore[union-attr]
        form = urllib.parse.urlencode({"_xsrf": xsrf, "password": password}).encode()
        login_url = served.base() + "login?next=/voila/render/one_button.ipynb"
        try:
            with opener.open(login_url, form, timeout=60) as r:
                r.read()
            with opener.open(page, timeout=60) as r:
                return r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            e.close()
            return f"HTTP {e.code}"

    assert login("wrong password") == "HTTP 401"
    assert "one_button" in login("pw-for-the-team")

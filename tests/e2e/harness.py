"""Browser-test harness: a real Voilà server (started exactly as `partnerkit serve` starts it, via
`partnerkit.serve.voila_command`) and Debian's Chromium driven by Playwright's sync API.

Used by tests/e2e/conftest.py (fixtures `voila_server`, `browser`, `page`) and importable by any
browser test:

    from tests.e2e.harness import start_voila, wait_for_voila_render   # or: from harness import …

    with start_voila(FIXTURES / "notebooks", extra_env={...}) as server:
        page.goto(server.url("one_button.ipynb"))
        wait_for_voila_render(page)

See stack-notes: Voilà leaks a kernel per closed tab unless culled (the harness culls after 10 s
idle), preheated kernels can't see query strings, CDN links must be blocked offline.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnerkit.serve import (
    ServeError,
    descendant_pids,
    free_port,
    stop_process_group,
    voila_command,
    wait_until_answering,
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
FIXTURE_NOTEBOOKS = REPO / "tests" / "fixtures" / "notebooks"
APP_NOTEBOOKS = REPO / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEST_AS_OF = "2026-11-15"  # the fixed "today" of every browser test (PARTNERKIT_AS_OF)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Test servers cull a closed page's kernel quickly: a session opens many pages.
TEST_CULL_IDLE_TIMEOUT = 10
TEST_CULL_INTERVAL = 2


# --------------------------------------------------------------------------- Voilà


@dataclass
class VoilaServer:
    """A running Voilà server (its own process group, kernels included)."""

    base_url: str  # "http://127.0.0.1:PORT/"
    notebooks_dir: Path
    proc: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def url(self, notebook: str, query: str = "") -> str:
        """URL that renders `notebook` (a path relative to the served folder)."""
        q = f"?{query.lstrip('?')}" if query else ""
        return f"{self.base_url}voila/render/{notebook}{q}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def kernel_pids(self) -> list[int]:
        """PIDs of the kernels this server runs now."""
        pids = []
        for pid in descendant_pids(self.proc.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"ipykernel" in cmdline:
                pids.append(pid)
        return pids

    def stop(self) -> None:
        stop_process_group(self.proc)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150] or "test"


def launch_voila(
    notebooks_dir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    preheat: bool = False,
    label: str = "voila",
    timeout: float = 60.0,
    cull_idle_timeout: int = TEST_CULL_IDLE_TIMEOUT,
    cull_interval: int = TEST_CULL_INTERVAL,
) -> VoilaServer:
    """Start Voilà on a free port with `voila_command` and wait until it answers.

    The server's output goes to test-artifacts/<label>.log (its tail is in any start error).
    """
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"{_safe_name(label)}.log"
    env = {"PARTNERKIT_AS_OF": TEST_AS_OF, **dict(extra_env or {})}
    last_error: Exception | None = None
    for _attempt in range(2):  # a free port can be taken between probing and binding: retry once
        port = free_port()
        cmd = voila_command(
            notebooks_dir,
            port,
            "127.0.0.1",
            None,
            preheat,
            env,
            cull_idle_timeout=cull_idle_timeout,
            cull_interval=cull_interval,
        )
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=REPO,
            )
        server = VoilaServer(f"http://127.0.0.1:{port}/", Path(notebooks_dir), proc, log_path, env)
        try:
            wait_until_answering(server.base_url, proc, timeout=timeout)
            return server
        except ServeError as e:
            server.stop()
            last_error = ServeError(f"{e}\n--- {log_path} (tail) ---\n{server.log_tail()}")
    assert last_error is not None
    raise last_error


@contextlib.contextmanager
def start_voila(
    notebooks_dir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    preheat: bool = False,
    label: str = "voila",
    timeout: float = 60.0,
) -> Iterator[VoilaServer]:
    """Serve `notebooks_dir` for the duration of a `with` block; kills the process group after."""
    server = launch_voila(
        notebooks_dir, extra_env=extra_env, preheat=preheat, label=label, timeout=timeout
    )
    try:
        yield server
    finally:
        server.stop()


def seeded_database_url(folder: Path) -> str | None:
    """A fresh SQLite demo book in `folder` (partnerkit.store.demo.create_demo), or None when the
    store's demo builder is not there (the apps then run without a configured database)."""
    try:
        from partnerkit.store.demo import create_demo
    except ImportError:
        return None
    import datetime as dt
    import inspect

    url = f"sqlite:///{folder / 'partnerkit-test.sqlite3'}"
    kwargs: dict[str, Any] = {}
    if "today" in inspect.signature(create_demo).parameters:
        kwargs["today"] = dt.date.fromisoformat(TEST_AS_OF)  # the same book on every run
    create_demo(url, **kwargs)
    return url


# --------------------------------------------------------------------------- Chromium


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium through Playwright (never Playwright's own browser download)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def is_local_url(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def block_non_local(route: Any) -> None:
    """page.route handler: the tests run offline; CDN requests (fonts, MathJax) fail fast."""
    if is_local_url(route.request.url):
        route.continue_()
    else:
        route.abort()


class VoilaRenderError(AssertionError):
    """The notebook failed in the kernel (an error or stderr output on the page)."""


_ERROR_OUTPUTS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
)


def wait_for_voila_render(page: Any, timeout: float = 60.0, *, allow_stderr: bool = False) -> None:
    """Wait (up to `timeout` seconds) until Voilà has executed the notebook: its spinner is gone,
    the cells are shown and at least one widget is visible.

    Raises VoilaRenderError with the page's error text when a cell failed or wrote to stderr
    (users would see it); pass allow_stderr=True for a notebook that is meant to.
    """
    ms = timeout * 1000
    deadline = time.monotonic() + timeout
    page.locator("#loading").wait_for(state="detached", timeout=ms)
    page.locator("#rendered_cells").wait_for(state="visible", timeout=ms)
    errors = page.locator(_ERROR_OUTPUTS)
    if not allow_stderr and errors.count():
        text = "\n".join(t.strip() for t in errors.all_inner_texts())
        raise VoilaRenderError(f"the notebook at {page.url} showed an error:\n{text}")
    remaining = max(deadline - time.monotonic(), 1.0) * 1000
    page.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=remaining)


def save_screenshot(page: Any, name: str) -> Path | None:
    """Save a full-page screenshot to test-artifacts/<name>.png (best effort)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{_safe_name(name)}.png"
    try:
        page.screenshot(path=str(path), full_page=True, timeout=10_000)
    except Exception:  # a crashed page must not hide the test's own failure
        return None
    return path

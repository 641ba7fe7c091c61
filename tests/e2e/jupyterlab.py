"""A real JupyterLab for browser tests (issue 17): started on a free port with a token, as root
with --allow-root, on a copy of the notebooks in a temporary folder (nothing is written in the
repository), with its own settings and workspaces folders (news and update checks off, so no
toast covers the page and nothing leaves the machine), and the app exposed to the page
(`window.jupyterapp`) so a test runs commands as a user would from the menus.

    with start_jupyterlab(folder, extra_env={"PARTNERKIT_DB": url}) as lab:
        page.goto(lab.url("dashboard.ipynb"))
        run_all_cells(page)
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partnerkit.serve import ServeError, free_port, stop_process_group, wait_until_answering
from tests.e2e.harness import ARTIFACTS, REPO, TEST_AS_OF

# JupyterLab's user settings that keep a test page quiet and offline.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


@dataclass
class JupyterLab:
    base_url: str
    token: str
    root: Path
    proc: subprocess.Popen[bytes]
    log_path: Path

    def url(self, notebook: str) -> str:
        # A workspace of its own, reset: only this notebook is open (none restored from before).
        name = "w" + secrets.token_hex(4)
        return f"{self.base_url}lab/workspaces/{name}/tree/{notebook}?token={self.token}&reset"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _settings(folder: Path) -> Path:
    for rel, values in SETTINGS.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    return folder


@contextlib.contextmanager
def start_jupyterlab(root: Path, *, extra_env: Mapping[str, str] | None = None,
                     timeout: float = 90.0) -> Iterator[JupyterLab]:
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "jupyterlab.log"
    token = secrets.token_hex(16)
    port = free_port()
    state = root.parent / f"{root.name}-lab-state"
    env = {
        **os.environ,
        "PARTNERKIT_AS_OF": TEST_AS_OF,
        "JUPYTERLAB_SETTINGS_DIR": str(_settings(state / "settings")),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        **dict(extra_env or {}),
    }
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
           "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=REPO,
                                env=env)
    lab = JupyterLab(f"http://127.0.0.1:{port}/", token, root, proc, log_path)
    try:
        try:
            wait_until_answering(f"{lab.base_url}api/status?token={token}", proc,
                                 timeout=timeout)
        except ServeError as e:
            raise ServeError(f"{e}\n--- {log_path} ---\n{lab.log_tail()}") from None
        yield lab
    finally:
        stop_process_group(proc)


# --------------------------------------------------------------------------- in the page

def open_notebook(page: Any, lab: JupyterLab, notebook: str) -> None:
    """Open `notebook` in JupyterLab and wait until its kernel is idle."""
    page.goto(lab.url(notebook))
    page.wait_for_function(
        """(name) => window.jupyterapp && document.querySelector('.jp-Notebook')
                     && window.jupyterapp.shell.currentWidget?.title.label === name""",
        arg=Path(notebook).name, timeout=90_000)
    wait_kernel_idle(page)


def wait_kernel_idle(page: Any, timeout: float = 120.0) -> None:
    page.wait_for_function(
        """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                   const k = w?.sessionContext?.session?.kernel;
                   return k && k.status === 'idle' && w.content; }""", timeout=timeout * 1000)


def run_all_cells(page: Any, timeout: float = 180.0) -> None:
    """Run All (as the Run menu does) and wait until every code cell has run."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
                   const cells = w.content.widgets.filter(c => c.model.type === 'code');
                   const k = w.sessionContext?.session?.kernel;
                   if (!k) return false;
                   return cells.every(c => c.model.executionCount !== null)
                          && k.status === 'idle'; }""", timeout=timeout * 1000)
    time.sleep(0.5)  # widget views are drawn just after the kernel goes idle


def error_outputs(page: Any) -> list[str]:
    """The text of every error output (a traceback) in the open notebook."""
    return list(page.evaluate(
        """() => [...document.querySelectorAll(
                 '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
                 + '.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')]
                 .map(e => e.innerText.slice(0, 400))"""))


def set_theme(page: Any, theme: str) -> None:
    """Settings > Theme > `theme` (e.g. "JupyterLab Dark")."""
    light = "false" if "Dark" in theme else "true"
    page.evaluate(f"() => window.jupyterapp.commands.execute('apputils:change-theme', "
                  f"{{theme: {json.dumps(theme)}}})")
    page.wait_for_function(
        f"() => document.body.getAttribute('data-jp-theme-light') === '{light}'")
    time.sleep(0.5)  # the theme's stylesheet applies


# Colour of an element's text and of what is painted behind it (ancestors' backgrounds composed
# over each other until an opaque one), both as [r, g, b] 0-255: read by a 1x1 canvas, so any
# CSS colour syntax (rgb(), color(srgb ...), color-mix results) is measured the same way.
COLOURS_JS = """(el) => {
  const cv = document.createElement('canvas'); cv.width = cv.height = 1;
  const cx = cv.getContext('2d', {willReadFrequently: true});
  const rgba = (c) => { cx.clearRect(0, 0, 1, 1); cx.fillStyle = '#000'; cx.fillStyle = c;
                        cx.fillRect(0, 0, 1, 1); const d = cx.getImageData(0, 0, 1, 1).data;
                        return [d[0], d[1], d[2], d[3] / 255]; };
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (getComputedStyle(e).backgroundColor === 'rgba(0, 0, 0, 0)') continue;
    layers.push(c); if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) bg = [r*a + bg[0]*(1-a), g*a + bg[1]*(1-a),
                                                     b*a + bg[2]*(1-a)];
  const f = rgba(getComputedStyle(el).color);
  const fg = [f[0]*f[3] + bg[0]*(1-f[3]), f[1]*f[3] + bg[1]*(1-f[3]), f[2]*f[3] + bg[2]*(1-f[3])];
  return {fg, bg, text: el.innerText.slice(0, 60)};
}"""


def contrast(fg: list[float], bg: list[float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (0-255)."""
    def lum(c: list[float]) -> float:
        s = [x / 255 for x in c]
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in s]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# Cells whose centre is not the cell itself (or inside it): covered by another element, or
# outside the visible area of what scrolls them.
COVERED_JS = """(sel) => {
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;  // hidden on purpose (display: none)
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (y < 0 || y > innerHeight) continue;  // scrolled out of view vertically: not judged
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(hit === el || el.contains(hit)))
      out.push({cell: el.className + ' ' + el.innerText.slice(0, 30),
                by: hit ? hit.className + ' ' + (hit.innerText || '').slice(0, 30) : 'nothing',
                x: Math.round(x), y: Math.round(y)});
  }
  return out;
}"""

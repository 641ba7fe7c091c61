"""PDFs from a warm headless Chromium, one per worker process (F5.1; issue 14).

Starting Chromium costs most of a print (~2 s of ~2.1 s on a 2-core machine). Each worker
process starts ONE headless Chromium on its first PDF and keeps it for the whole batch; every
report is then a navigation and a `Page.printToPDF` in the same tab, over the DevTools protocol
on a pipe (`--remote-debugging-pipe`: no port, nothing another local user can connect to, and no
dependency beyond the standard library).

A browser that died or stopped answering is killed and the next PDF starts a fresh one; a
browser is also replaced after MAX_PDFS prints so nothing piles up in one process for ever.
Paper: A4, or US Letter (`PAPER_SIZES`), always with the same margins.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"  # Debian's; $PARTNERKIT_CHROMIUM points at another
MAX_PDFS = 500  # prints per browser before a fresh one
MARGIN_IN = 0.47  # ~12 mm on every side
# width, height in inches (what Page.printToPDF takes)
PAPER_SIZES: dict[str, tuple[float, float]] = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}
LETTER_COUNTRIES = frozenset({"US", "CA"})  # the rest of the world prints on A4
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)


class PdfError(ValueError):
    """The PDF could not be made; the message says why and what to do."""


def paper_for_country(country: str | None) -> str:
    """US Letter for the United States and Canada, A4 everywhere else."""
    return "Letter" if (country or "").strip().upper() in LETTER_COUNTRIES else "A4"


def check_paper(paper: str) -> str:
    for name in PAPER_SIZES:
        if (paper or "").strip().lower() == name.lower():
            return name
    raise ValueError(f"paper {paper!r} is not supported; choose one of: {', '.join(PAPER_SIZES)}")


class Browser:
    """One headless Chromium driven over the DevTools pipe (not for threads)."""

    def __init__(self, executable: str = "") -> None:
        # "" = $PARTNERKIT_CHROMIUM or /usr/bin/chromium, read when the browser starts
        self._executable = executable
        self.proc: subprocess.Popen[bytes] | None = None
        self.prints = 0
        self.starts = 0
        self._profile = ""
        self._to: int = -1
        self._from: int = -1
        self._buf = b""
        self._id = 0
        self._session = ""

    @property
    def executable(self) -> str:
        return self._executable or os.environ.get("PARTNERKIT_CHROMIUM", CHROMIUM)

    # ------------------------------------------------------------ process
    def _start(self, timeout: float) -> None:
        if not Path(self.executable).exists():
            raise PdfError(
                f"cannot make the PDF: {self.executable} is missing (apt-get install chromium, "
                "or set PARTNERKIT_CHROMIUM, or use --no-pdf)"
            )
        self._profile = tempfile.mkdtemp(prefix="pk-chromium-")
        to_r, to_w = os.pipe()  # we write commands; Chromium reads them on fd 3
        from_r, from_w = os.pipe()  # Chromium writes replies on fd 4

        def fds() -> None:  # in the child, before exec: the pipe ends on 3 and 4
            high_r, high_w = os.dup(to_r), os.dup(from_w)  # never clobber one with the other
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [self.executable, *_FLAGS, "--remote-debugging-pipe",
             f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, pass_fds=(3, 4), start_new_session=True,
        )
        os.close(to_r)
        os.close(from_w)
        self._to, self._from, self._buf, self.prints = to_w, from_r, b"", 0
        self.starts += 1
        target = self.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
        attached = self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
            timeout=timeout,
        )
        self._session = attached["sessionId"]
        self.call("Page.enable", {}, session=True, timeout=timeout)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        """Stop the browser (kill: nothing in it is needed any more) and remove its profile."""
        proc, self.proc = self.proc, None
        for fd in (self._to, self._from):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to = self._from = -1
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)  # Chromium's helpers are in its own session
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = ""

    # ------------------------------------------------------------ protocol
    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to, data):]

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._from], [], [], left)
            if ready:
                chunk = os.read(self._from, 1 << 20)
                if not chunk:
                    raise ConnectionError("Chromium closed the DevTools pipe")
                self._buf += chunk
        raw, _, self._buf = self._buf.partition(b"\0")
        return dict(json.loads(raw))

    def call(
        self, method: str, params: dict[str, Any], *, session: bool = False,
        timeout: float = 60.0, until: str = "",
    ) -> dict[str, Any]:
        """Send one command; return its result (after the event `until`, when given)."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self._session
        self._send(msg)
        deadline = time.monotonic() + timeout
        result: dict[str, Any] | None = None
        seen = not until
        while result is None or not seen:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise PdfError(f"Chromium refused {method}: {reply['error'].get('message')}")
                result = dict(reply.get("result", {}))
            elif until and reply.get("method") == until:
                seen = True
        return result

    # ------------------------------------------------------------ printing
    def print_pdf(self, html_file: Path, pdf_file: Path, paper: str = "A4",
                  timeout: float = 120.0) -> None:
        width, height = PAPER_SIZES[check_paper(paper)]
        if self.proc is not None and (not self.alive() or self.prints >= MAX_PDFS):
            self.close()
        try:
            if self.proc is None:
                self._start(timeout)
            self.call("Page.navigate", {"url": html_file.resolve().as_uri()}, session=True,
                      timeout=timeout, until="Page.loadEventFired")
            result = self.call("Page.printToPDF", {
                "paperWidth": width, "paperHeight": height,
                "marginTop": MARGIN_IN, "marginBottom": MARGIN_IN,
                "marginLeft": MARGIN_IN, "marginRight": MARGIN_IN,
                "printBackground": True, "displayHeaderFooter": False,
                "preferCSSPageSize": False,
            }, session=True, timeout=timeout)
        except TimeoutError:
            self.close()
            raise PdfError(
                f"Chromium did not print {html_file.name} within {timeout:g} s"
            ) from None
        except (OSError, ConnectionError, ValueError) as e:
            self.close()
            if isinstance(e, PdfError):
                raise
            raise PdfError(f"Chromium could not print {html_file.name}: {e}") from None
        data = base64.b64decode(result.get("data", ""))
        if not data.startswith(b"%PDF"):
            raise PdfError(f"Chromium returned no PDF for {html_file.name}")
        pdf_file.write_bytes(data)
        self.prints += 1


_browser = Browser()
atexit.register(_browser.close)


def print_pdf(html_file: Path, pdf_file: Path, paper: str = "A4", timeout: float = 120.0) -> None:
    """Print `html_file` to `pdf_file` with this process's warm Chromium."""
    _browser.print_pdf(html_file, pdf_file, paper, timeout)


def browser() -> Browser:
    return _browser


def close_browser() -> None:
    _browser.close()

"""Screenshots of the dashboard and the calculator for docs/dashboard.md (issue 11).

    .venv/bin/python scripts/screenshots.py [--out docs/img] [--only NAME ...]

Serves notebooks/ with Voilà on a fresh demo book (fixed date 2026-11-15) exactly as
`partnerkit serve` does, opens each view by its deep link in Debian's Chromium at 1440x1000
(desktop) and 390x844 (phone), in English and Portuguese, and saves PNGs. No request leaves the
machine (anything not local is blocked and listed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

AS_OF = "2026-11-15"
SIZES = {"desktop": (1440, 1000), "phone": (390, 844)}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def shots(client_id: str) -> list[tuple[str, str, str]]:
    """(name, notebook, query) of each screenshot."""
    return [
        ("clients", "dashboard.ipynb", "lang=en"),
        ("clients-pt", "dashboard.ipynb", "lang=pt_PT"),
        ("client-panel", "dashboard.ipynb", f"lang=en&client={client_id}"),
        ("client-panel-pt", "dashboard.ipynb", f"lang=pt_BR&client={client_id}"),
        ("tier", "dashboard.ipynb", "lang=en&page=tier"),
        ("tier-pt", "dashboard.ipynb", "lang=pt_PT&page=tier"),
        ("breakdown", "dashboard.ipynb", "lang=en&page=tier&tab=breakdown"),
        ("calculator", "calculator.ipynb", "lang=en"),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    ap.add_argument("--only", nargs="*", default=None, help="names of the shots to take")
    ap.add_argument("--sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from partnerkit.serve import free_port, stop_process_group, voila_command, wait_until_answering
    from partnerkit.store import open_store
    from partnerkit.store.demo import create_demo

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        import datetime as dt

        create_demo(url, today=dt.date.fromisoformat(AS_OF))
        store = open_store(url)
        pid = store.partner_ids()[0]
        client = str(store.client_table(pid, dt.date.fromisoformat(AS_OF)).iloc[0]["client_id"])
        store.close()
        port = free_port()
        env = {"PARTNERKIT_DB": url, "PARTNERKIT_AS_OF": AS_OF, "PARTNERKIT_PREFETCH": "0"}
        cmd = voila_command(REPO / "notebooks", port, "127.0.0.1", None, False, env)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        outside: list[str] = []
        try:
            base = f"http://127.0.0.1:{port}/"
            wait_until_answering(base, proc)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=CHROMIUM_ARGS)
                for size in args.sizes:
                    w, h = SIZES[size]
                    for name, nb, query in shots(client):
                        if args.only and name not in args.only:
                            continue
                        ctx = browser.new_context(viewport={"width": w, "height": h},
                                                  locale="en-US")

                        def route(r: object) -> None:
                            u = r.request.url  # type: ignore[attr-defined]
                            if u.startswith(("http://127.0.0.1", "data:", "blob:")):
                                r.continue_()  # type: ignore[attr-defined]
                            else:
                                outside.append(u)
                                r.abort()  # type: ignore[attr-defined]

                        ctx.route("**/*", route)
                        page = ctx.new_page()
                        t0 = time.perf_counter()
                        page.goto(f"{base}voila/render/{nb}?{query}", timeout=180_000)
                        page.locator("#loading").wait_for(state="detached", timeout=90_000)
                        sel = ".pk-calculator" if "calculator" in nb else ".pk-dashboard"
                        page.locator(sel).first.wait_for(timeout=60_000)
                        if "page=tier" in query:
                            page.locator(".pk-tier-tabs").first.wait_for(
                                timeout=60_000)
                        if "client=" in query:
                            page.locator(".pk-details-panel .pk-panel-title").first.wait_for(
                                timeout=60_000)
                        page.wait_for_timeout(800)
                        path = args.out / f"{name}-{size}.png"
                        page.screenshot(path=str(path), full_page=False)
                        print(f"{path.relative_to(REPO)}  ({time.perf_counter() - t0:.1f} s)")
                        page.close(run_before_unload=True)
                        ctx.close()
                browser.close()
        finally:
            stop_process_group(proc)
    if outside:
        print("requests to other hosts (blocked):", *sorted(set(outside)), sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

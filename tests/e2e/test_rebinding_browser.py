"""DNS rebinding in a real browser (issue 15, item 1): Chromium told that `rebind.test` resolves to
127.0.0.1 (as an attacker's DNS would) loads the dashboard through that name and gets no data: a
403 page, no partner's name, no kernel started. The same browser through 127.0.0.1 gets the app."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, VoilaServer, save_screenshot

pytestmark = pytest.mark.browser


def _rebinding_browser(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
        *CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"])


def test_a_page_on_a_name_that_resolves_to_this_machine_gets_no_dashboard_data(
        voila_server: VoilaServer) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    port = voila_server.base_url.rstrip("/").rsplit(":", 1)[1]
    kernels_before = set(voila_server.kernel_pids())
    with sync_playwright() as pw:
        browser = _rebinding_browser(pw)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            response = page.goto(f"http://rebind.test:{port}/voila/render/dashboard.ipynb")
            assert response is not None and response.status == 403
            text = page.inner_text("body")
            save_screenshot(page, "rebinding-refused")
            assert "does not answer to the host name" in text
            assert "kernel" not in page.content().lower()
            # The attacker's script on that origin cannot read the API either.
            api = page.evaluate("""async () => {
                const r = await fetch('/api/kernels'); return [r.status, await r.text()]; }""")
            assert api[0] == 403 and "id" not in api[1]
            assert set(voila_server.kernel_pids()) <= kernels_before, "a kernel was started"
            # control: the same browser through the loopback address gets the dashboard page
            ok = page.goto(voila_server.url("dashboard.ipynb"))
            assert ok is not None and ok.status == 200
            page.close(run_before_unload=True)
        finally:
            browser.close()

"""The browser harness itself: Voilà serves a widget notebook, Chromium shows it, a click reaches
the kernel and comes back. If this fails, every other browser test would fail for the same reason.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.harness import VoilaServer, is_local_url, wait_for_voila_render

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_voila_shows_the_fixture_button_and_a_click_updates_the_label(
    fixture_server: VoilaServer, page: Any, console_errors: list[str]
) -> None:
    page.goto(fixture_server.url("one_button.ipynb"))
    wait_for_voila_render(page)
    button = page.get_by_role("button", name="Click me")
    label = page.get_by_text("not clicked")
    assert button.is_visible()
    assert label.is_visible()

    button.click()
    page.get_by_text("clicked 1 time(s)").wait_for(timeout=10_000)
    button.click()
    page.get_by_text("clicked 2 time(s)").wait_for(timeout=10_000)
    assert console_errors == []


def test_the_page_makes_no_request_beyond_this_machine_that_is_not_blocked(
    fixture_server: VoilaServer, page: Any
) -> None:
    served: list[str] = []
    page.on("requestfinished", lambda req: served.append(req.url))
    page.goto(fixture_server.url("one_button.ipynb"))
    wait_for_voila_render(page)
    assert served, "the page loaded nothing"
    assert [u for u in served if not is_local_url(u)] == []


def test_a_closed_page_does_not_keep_its_kernel_running(
    fixture_server: VoilaServer, browser: Any
) -> None:
    """Voilà leaks a kernel per closed tab unless culled (stack-notes); the harness culls it."""
    before = set(fixture_server.kernel_pids())
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(fixture_server.url("one_button.ipynb"))
    wait_for_voila_render(pg)
    started = set(fixture_server.kernel_pids()) - before
    assert started, "rendering the notebook started no kernel"
    pg.close(run_before_unload=True)
    context.close()
    deadline = time.monotonic() + 60
    while started & set(fixture_server.kernel_pids()) and time.monotonic() < deadline:
        time.sleep(1)
    assert not started & set(fixture_server.kernel_pids()), "the closed page's kernel still runs"


def test_a_notebook_that_fails_is_reported_with_its_error_not_a_timeout(
    tmp_path: Any, page: Any
) -> None:
    import nbformat

    from tests.e2e.harness import VoilaRenderError, start_voila

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("raise RuntimeError('boom from the fixture')")]
    nbformat.write(nb, tmp_path / "broken.ipynb")
    with start_voila(tmp_path, label="voila-broken") as server:
        page.goto(server.url("broken.ipynb"))
        with pytest.raises(VoilaRenderError, match="error"):
            wait_for_voila_render(page, timeout=30)

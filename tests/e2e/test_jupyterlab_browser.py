"""The apps and the tutorial in a real JupyterLab (issue 17), as a notebook user meets them: one
JupyterLab server for the module (free port, token), Debian's Chromium at 1440x1000 with the file
browser open (JupyterLab's default layout: the output area is ~1,000 px, narrower than the
window), then at a 1070 px window (a ~640 px output area: the dashboard's phone layout).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import APP_NOTEBOOKS, block_non_local, save_screenshot, seeded_database_url
from tests.e2e.jupyterlab import (
    COLOURS_JS,
    COVERED_JS,
    JupyterLab,
    contrast,
    error_outputs,
    open_notebook,
    run_all_cells,
    set_theme,
    start_jupyterlab,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTEBOOKS = [APP_NOTEBOOKS / "dashboard.ipynb", APP_NOTEBOOKS / "calculator.ipynb",
             APP_NOTEBOOKS / "examples" / "getting-started.ipynb"]
CLIENT_CELLS = ".pk-dash .pk-client-row > *"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    root = tmp_path_factory.mktemp("lab") / "notebooks"
    root.mkdir()
    for nb in NOTEBOOKS:
        shutil.copy(nb, root / nb.name)
    url = seeded_database_url(tmp_path_factory.mktemp("lab-db"))
    with start_jupyterlab(root, extra_env={"PARTNERKIT_DB": url or ""}) as server:
        yield server


def _page(browser: Any, width: int = 1440) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="en-US")
    context.set_default_timeout(60_000)
    context.route("**/*", block_non_local)
    return context.new_page()


def _run(page: Any, lab: JupyterLab, notebook: str) -> None:
    open_notebook(page, lab, notebook)
    run_all_cells(page)
    assert error_outputs(page) == []


@pytest.fixture(scope="module")
def dashboard(browser: Any, lab: JupyterLab) -> Iterator[Any]:
    """dashboard.ipynb after Run All, at JupyterLab's default layout (file browser open)."""
    page = _page(browser)
    _run(page, lab, "dashboard.ipynb")
    page.wait_for_selector(CLIENT_CELLS)
    time.sleep(0.5)
    yield page
    page.context.close()


def _covered(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate(COVERED_JS, CLIENT_CELLS))


def test_the_tutorial_notebook_runs_every_cell_without_error(browser: Any, lab: JupyterLab):
    page = _page(browser)
    try:
        _run(page, lab, "getting-started.ipynb")
        assert page.locator(".pk-repr").count() >= 5  # the API objects shown as tables
        assert page.locator(".jp-OutputArea-output img").count() >= 1  # the history plot
        page.locator(".pk-calculator").wait_for()
        page.locator(".pk-dash .pk-client-row").first.wait_for()
        save_screenshot(page, "jupyterlab-tutorial")
    finally:
        page.context.close()


def test_at_the_default_layout_no_client_table_cell_is_covered(dashboard: Any):
    assert dashboard.locator(".jp-FileBrowser").is_visible()  # JupyterLab's default layout
    output = dashboard.evaluate(
        "() => document.querySelector('.pk-dash').getBoundingClientRect().width")
    assert 900 < output < 1100  # narrower than the 1440 px window: layout by its own width
    assert dashboard.locator(CLIENT_CELLS).count() > 20
    assert _covered(dashboard) == []
    save_screenshot(dashboard, "jupyterlab-dashboard-1440")


def test_in_a_700px_output_area_the_clients_are_cards_and_no_cell_is_covered(
        browser: Any, lab: JupyterLab):
    page = _page(browser, width=1070)
    try:
        _run(page, lab, "dashboard.ipynb")
        page.wait_for_selector(CLIENT_CELLS)
        root = page.locator(".pk-dash")
        assert "760" in (root.get_attribute("data-pk-below") or "")
        assert page.evaluate("() => document.querySelector('.pk-dash .pk-head')"
                             ".getBoundingClientRect().height") == 0  # cards: no header row
        assert _covered(page) == []
        save_screenshot(page, "jupyterlab-dashboard-1070")
    finally:
        page.context.close()


def test_command_mode_shortcuts_change_no_cell_from_a_focused_dashboard_control(dashboard: Any):
    cells = ".jp-Notebook .jp-Cell"
    before = dashboard.locator(cells).count()
    # The keys do reach JupyterLab: from the cell itself, `b` adds a cell below.
    dashboard.locator(".jp-Cell .jp-InputPrompt").first.click()
    dashboard.keyboard.press("Escape")
    dashboard.keyboard.press("b")
    dashboard.wait_for_function(f"() => document.querySelectorAll('{cells}').length === "
                                f"{before + 1}")
    dashboard.keyboard.press("d")
    dashboard.keyboard.press("d")
    dashboard.wait_for_function(f"() => document.querySelectorAll('{cells}').length === {before}")
    assert dashboard.locator(".pk-dash").get_attribute("data-lm-suppress-shortcuts") == "true"
    for control in (".pk-dash select", ".pk-dash .pk-actions-btn", ".pk-dash button"):
        dashboard.locator(control).first.focus()
        for key in ("d", "d", "a", "b"):
            dashboard.keyboard.press(key)
        time.sleep(0.3)
        assert dashboard.locator(cells).count() == before, control
    dashboard.keyboard.press("Escape")


def test_command_mode_shortcuts_change_no_cell_from_a_focused_calculator_control(
        browser: Any, lab: JupyterLab):
    page = _page(browser)
    try:
        _run(page, lab, "calculator.ipynb")
        page.locator(".pk-calculator select").first.wait_for()
        cells = page.locator(".jp-Notebook .jp-Cell").count()
        assert page.locator(".pk-calculator").get_attribute("data-lm-suppress-shortcuts") == "true"
        page.locator(".pk-calculator select").first.focus()
        for key in ("d", "d", "a", "b"):
            page.keyboard.press(key)
        time.sleep(0.3)
        assert page.locator(".jp-Notebook .jp-Cell").count() == cells
    finally:
        page.context.close()


def _contrasts(page: Any, selector: str) -> list[tuple[float, str]]:
    out = []
    for el in page.query_selector_all(selector):
        if not el.is_visible():
            continue
        c = page.evaluate(COLOURS_JS, el)
        out.append((round(contrast(c["fg"], c["bg"]), 2), c["text"]))
    return out


def test_in_jupyterlab_dark_the_tier_name_alerts_and_table_headers_read_well(dashboard: Any):
    set_theme(dashboard, "JupyterLab Dark")
    try:
        dark_bg = dashboard.evaluate(COLOURS_JS, dashboard.query_selector(".pk-dash"))["bg"]
        assert max(dark_bg) < 80  # the theme really is dark behind the dashboard
        found = {}
        found["alert"] = _contrasts(dashboard, ".pk-dash .pk-alert")
        found["client table header"] = _contrasts(dashboard, ".pk-dash .pk-row.pk-head > div")
        dashboard.locator(".pk-nav .jupyter-button", has_text="Tier").first.click()
        dashboard.locator(".pk-credited-tier").wait_for()
        time.sleep(0.5)
        found["tier name"] = _contrasts(dashboard, ".pk-dash .pk-credited-tier")
        found["tier table header"] = _contrasts(dashboard, ".pk-dash .pk-table th")
        save_screenshot(dashboard, "jupyterlab-dashboard-dark-tier")
        for what, seen in found.items():
            assert seen, f"no visible {what}"
            low = [s for s in seen if s[0] < 4.5]
            assert low == [], f"{what}: contrast below 4.5: {low}"
    finally:
        set_theme(dashboard, "JupyterLab Light")



def test_a_client_panel_is_bounded_by_the_visible_notebook_and_scrolls_to_its_end(dashboard: Any):
    dashboard.locator(".pk-nav .jupyter-button", has_text="Clients").first.click()
    dashboard.locator(".pk-client-row .pk-actions-btn").nth(3).wait_for()
    dashboard.locator(".pk-client-row .pk-actions-btn").nth(3).click()
    dashboard.locator(".pk-menu .pk-menu-details").click()
    panel = dashboard.locator(".pk-client-panel").first
    panel.wait_for(state="visible")
    time.sleep(1)
    # Scroll the notebook until the panel sticks, then the panel itself to its end.
    got = dashboard.evaluate("""() => {
        const p = document.querySelector('.pk-client-panel');
        const s = p.closest('.jp-WindowedPanel-outer');
        s.scrollTop += p.getBoundingClientRect().top - s.getBoundingClientRect().top + 200;
        p.scrollTop = p.scrollHeight;
        const last = [...p.querySelectorAll('tr, p, li, .widget-html')].filter(
            e => e.getBoundingClientRect().height > 0).pop();
        const pr = p.getBoundingClientRect(), sr = s.getBoundingClientRect();
        return {panel: [pr.top, pr.bottom], scroller: [sr.top, sr.bottom],
                last: last.getBoundingClientRect().bottom};
    }""")
    top, bottom = got["panel"]
    assert got["scroller"][0] - 1 <= top and bottom <= got["scroller"][1] + 1, got
    assert got["last"] <= bottom + 1, got  # its last row can be scrolled into view
    save_screenshot(dashboard, "jupyterlab-client-panel")
    dashboard.keyboard.press("Escape")

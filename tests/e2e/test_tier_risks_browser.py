"""Issue 12 in a real browser: Voilà serves notebooks/dashboard.ipynb on the seeded demo book and
Debian's Chromium opens the Tier page of br-paulista (the first partner). The tier-risks banner is
the first thing under the "data as of" line (in the viewport, not covered, above the tabs) with the
core's below-minimum risk dated in the projection; the tier chart draws the current tier's minimum
(its caption names the lines); the Tier point changes tab shows last month's totals, the clients,
a client's events and an export, from the keyboard too. Screenshots at 1440x1000 and 390x844 in
English and Portuguese go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import (
    APP_NOTEBOOKS,
    TEST_AS_OF,
    VoilaServer,
    block_non_local,
    save_screenshot,
    seeded_database_url,
    start_voila,
    wait_for_voila_render,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = dt.date.fromisoformat(TEST_AS_OF)
TIMEOUT = 30_000
DESKTOP = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = seeded_database_url(tmp_path_factory.mktemp("risks-db"))
    assert url, "the store's demo builder is missing"
    from partnerkit.store import open_store

    with open_store(url) as store:
        pid = str(store.partners()["partner_id"].iloc[0])  # the dashboard opens on the first
    return {"url": url, "partner_id": pid}


@pytest.fixture(scope="module")
def server(book: dict[str, Any]) -> Iterator[VoilaServer]:
    with start_voila(APP_NOTEBOOKS, extra_env={"PARTNERKIT_DB": book["url"]},
                     label="voila-risks") as s:
        yield s


@pytest.fixture(scope="module")
def core(book: dict[str, Any]) -> dict[str, Any]:
    """The figures straight from the core, as `partnerkit tier` computes them."""
    from partnerkit import load_rules
    from partnerkit.changes import changes_between, last_month
    from partnerkit.risks import tier_risks
    from partnerkit.store import open_store
    from partnerkit.tier_history import credited_on

    rules = load_rules()
    with open_store(book["url"]) as store:
        p = store.get_partner(book["partner_id"])
        ledger = store.load_ledger(book["partner_id"])
        history = store.tier_history(book["partner_id"])
    cr = credited_on(ledger, rules, history, AS_OF, p.certified_until)
    first, last = last_month(AS_OF)
    return {"credited": cr, "risks": tier_risks(ledger, rules, AS_OF, cr, p.certified_until,
                                                p.joined_on),
            "changes": changes_between(ledger, first, last, rules)}


@pytest.fixture(scope="module")
def tier_page(browser: Any, server: VoilaServer) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US", accept_downloads=True)
    context.set_default_timeout(TIMEOUT)
    context.route("**/*", block_non_local)
    from playwright.sync_api import expect as pw_expect

    pw_expect.set_options(timeout=TIMEOUT)
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))  # type: ignore[attr-defined]
    page.goto(server.url("dashboard.ipynb"))
    wait_for_voila_render(page)
    page.locator(".pk-nav button", has_text=re.compile("^Tier$")).click()
    page.locator(".pk-risks").wait_for()
    yield page
    page.close(run_before_unload=True)
    context.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def in_viewport_and_on_top(page: Any, locator: Any) -> None:
    """Inside the viewport and the topmost element at its centre (nothing covers it)."""
    box = locator.bounding_box()
    view = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"] + 1, box
    assert 0 <= box["y"] < view["height"], box
    covered = locator.evaluate(
        """e => { const r = e.getBoundingClientRect();
                  const hit = document.elementFromPoint(r.left + r.width / 2,
                                                        r.top + Math.min(r.height / 2, 20));
                  return !(hit && (e === hit || e.contains(hit))); }""")
    assert not covered


def open_tab(page: Any, name: str) -> None:
    page.locator(".pk-tier-tabs").get_by_role("tab", name=name, exact=True).click()


def test_the_banner_opens_the_tier_page_with_the_soonest_risk_first(
        tier_page: Any, core: dict[str, Any]) -> None:
    page = tier_page
    banner = page.locator(".pk-risks")
    expect(banner).to_be_visible()
    in_viewport_and_on_top(page, banner.locator(".pk-risk-head"))
    assert banner.bounding_box()["y"] < page.locator(".pk-tier-tabs").bounding_box()["y"]
    risks = core["risks"]
    items = banner.locator("li.pk-risk")
    expect(items).to_have_count(len(risks))
    assert [items.nth(i).get_attribute("data-date") for i in range(len(risks))] == [
        r.date.isoformat() for r in risks]
    below = banner.locator('li[data-kind="below_minimum"]')
    expect(below).to_have_count(1)
    assert below.get_attribute("data-date") > AS_OF.isoformat()  # dated in the projection
    expect(below).to_contain_text(core["credited"].tier)
    in_viewport_and_on_top(page, items.first)
    assert re.search(r"pk-risks-(urgent|soon|later)", banner.get_attribute("class") or "")
    expect(banner.locator(".pk-credited-basis")).to_contain_text(
        f"Credited tier: {core['credited'].tier}")
    save_screenshot(page, "tier-risks-en-1440x1000")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_the_tier_chart_draws_the_current_tiers_minimum(tier_page: Any,
                                                        core: dict[str, Any]) -> None:
    page = tier_page
    open_tab(page, "Tier")
    chart = page.locator(".pk-tier-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("e => e.naturalWidth") >= 1000
    keep = page.locator('.pk-chart-lines [data-line="keep"]')
    expect(keep).to_have_attribute("data-tier", core["credited"].tier)
    expect(keep).to_contain_text(f"Keep {core['credited'].tier}")
    far = page.locator('.pk-chart-lines [data-line="next"]')
    expect(far).to_have_attribute("data-drawn", re.compile("yes|no"))
    chart.scroll_into_view_if_needed()
    save_screenshot(page, "tier-risks-chart-en-1440x1000")


def test_the_point_changes_tab_shows_last_month_and_a_clients_events(
        tier_page: Any, core: dict[str, Any]) -> None:
    page = tier_page
    open_tab(page, "Tier point changes")
    view = page.locator(".pk-point-changes")
    expect(view).to_be_visible()
    ch = core["changes"]
    for key, value in ch.totals.items():
        expect(view.locator(f'.pk-change-total[data-total="{key}"]')).to_have_attribute(
            "data-value", str(value))
    rows = view.locator("table.pk-changes tbody tr")
    expect(rows).to_have_count(len(ch.clients))
    in_viewport_and_on_top(page, view.locator('.pk-change-total[data-total="net"]'))
    # Drill down from the keyboard: focus the client picker, choose the first client.
    picker = view.locator(".pk-changes-client select")
    picker.focus()
    first = ch.clients.iloc[0]
    picker.select_option(label=str(first["client_name"] or first["client_id"]))
    expect(view.locator(".pk-change-events tbody tr").first).to_be_visible()
    save_screenshot(page, "tier-point-changes-en-1440x1000")
    # Export: a CSV link appears and downloads the table.
    view.locator(".pk-changes-export-csv").click()
    link = view.locator(".pk-changes-download a")
    expect(link).to_be_visible()
    with page.expect_download() as dl:
        link.click()
    path = dl.value.path()
    with open(path, encoding="utf-8-sig") as fh:
        text = fh.read()
    assert text.splitlines()[0].startswith("from,to,client_id,client_name")
    assert len(text.strip().splitlines()) == len(ch.clients) + 1


def test_the_banner_and_the_changes_fit_a_phone(tier_page: Any) -> None:
    page = tier_page
    page.set_viewport_size(PHONE)
    try:
        page.evaluate("window.scrollTo(0, 0)")
        banner = page.locator(".pk-risks")
        box = banner.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
        assert banner.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        in_viewport_and_on_top(page, banner.locator(".pk-risk-head"))
        save_screenshot(page, "tier-risks-en-390x844")
        view = page.locator(".pk-point-changes")
        view.scroll_into_view_if_needed()
        save_screenshot(page, "tier-point-changes-en-390x844")
    finally:
        page.set_viewport_size(DESKTOP)


def test_the_banner_and_the_changes_speak_portuguese(tier_page: Any) -> None:
    page = tier_page
    page.locator(".pk-header .pk-language select").select_option(label="Português (Portugal)")
    banner = page.locator(".pk-risks")
    expect(banner).to_contain_text("Abaixo de um mínimo")
    expect(page.locator(".pk-tier-tabs").get_by_role("tab", name="Variações de pontos do nível"))\
        .to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, "tier-risks-pt_PT-1440x1000")
    page.set_viewport_size(PHONE)
    try:
        page.evaluate("window.scrollTo(0, 0)")
        save_screenshot(page, "tier-risks-pt_PT-390x844")
    finally:
        page.set_viewport_size(DESKTOP)
    assert page.js_errors == []  # type: ignore[attr-defined]

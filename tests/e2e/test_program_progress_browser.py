"""The Program Progress block (issue 18) in a real browser: Voilà serves notebooks/dashboard.ipynb
on a seeded demo book, Debian's Chromium opens the Tier page. The block sits at the top of the page
(in the viewport, above the tabs, not covered), shows the core's figures for the partner and date,
its details open and close from the keyboard, it fits a phone screen, and it speaks Portuguese.
Screenshots at 1440x1000 and 390x844, English and Portuguese, go to test-artifacts/.
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
    url = seeded_database_url(tmp_path_factory.mktemp("progress-db"))
    assert url, "the store's demo builder is missing"
    from partnerkit.store import open_store

    with open_store(url) as store:
        pid = str(store.partners()["partner_id"].iloc[0])  # the dashboard opens on the first
    return {"url": url, "partner_id": pid}


@pytest.fixture(scope="module")
def server(book: dict[str, Any]) -> Iterator[VoilaServer]:
    with start_voila(APP_NOTEBOOKS, extra_env={"PARTNERKIT_DB": book["url"]},
                     label="voila-progress") as s:
        yield s


@pytest.fixture(scope="module")
def core(book: dict[str, Any]) -> Any:
    """The figures straight from the core (not through the dashboard)."""
    from partnerkit import credited_tier, load_rules
    from partnerkit.program_progress import program_progress
    from partnerkit.store import open_store

    rules = load_rules()
    with open_store(book["url"]) as store:
        p = store.get_partner(book["partner_id"])
        ledger = store.load_ledger(book["partner_id"])
    c = credited_tier(ledger, rules, p.credited_tier, min(p.credited_since, AS_OF), AS_OF,
                      p.certified_until)
    return {"progress": program_progress(ledger, AS_OF, rules, p.currency), "credited": c,
            "currency": p.currency}


@pytest.fixture(scope="module")
def tier_page(browser: Any, server: VoilaServer) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
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
    page.locator(".pk-progress").wait_for()
    yield page
    page.close(run_before_unload=True)
    context.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def t_of(code: str) -> Any:
    from partnerkit.ui.i18n import translator

    return translator(code, domain="dashboard")


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


def test_the_block_is_at_the_top_of_the_tier_page_with_the_core_figures(
        tier_page: Any, core: dict[str, Any]) -> None:
    page, t = tier_page, t_of("en")
    block = page.locator(".pk-progress")
    expect(block.locator("h2")).to_have_text("Program Progress")
    in_viewport_and_on_top(page, block.locator("h2"))
    tabs = page.locator(".pk-tier-tabs")
    assert block.bounding_box()["y"] < tabs.bounding_box()["y"]  # above the tabs
    p, c = core["progress"], core["credited"]

    def fig(name: str) -> Any:
        return block.locator(f'[data-figure="{name}"]')

    expect(fig("credited_tier")).to_have_text(c.tier)
    expect(fig("performance_tier")).to_have_text(c.performance.tier_label)
    expect(fig("sourced_mrr_12m")).to_have_text(t.money(p.sourced.amount, core["currency"]))
    assert fig("sourced_mrr_12m").get_attribute("data-value") == str(p.sourced.amount)
    avg = p.retention.average_12m
    assert avg is not None
    expect(fig("customer_dollar_retention")).to_have_text(t.percent(avg, 1))
    for name in ("credited_tier", "sourced_mrr_12m", "customer_dollar_retention"):
        in_viewport_and_on_top(page, fig(name))
    spark = block.locator('svg[role="img"]')
    expect(spark).to_be_visible()
    assert spark.get_attribute("aria-label").startswith("Customer dollar retention by month")
    save_screenshot(page, "program-progress-en-1440x1000")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_the_details_open_and_close_from_the_keyboard(tier_page: Any,
                                                      core: dict[str, Any]) -> None:
    page = tier_page
    summary = page.locator(".pk-progress-details summary")
    summary.focus()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    months = page.locator(".pk-cdr-months tbody tr")
    expect(months.first).to_be_visible()
    expect(months).to_have_count(12)
    expect(months.first).to_contain_text(AS_OF.strftime("%Y-%m"))
    expect(page.locator(".pk-mrr-clients tbody tr").first).to_contain_text(
        str(core["progress"].sourced.clients.iloc[0]["client_name"]))
    save_screenshot(page, "program-progress-en-details")
    page.keyboard.press("Enter")
    expect(months.first).to_be_hidden()


def test_the_block_fits_a_phone_screen(tier_page: Any) -> None:
    page = tier_page
    page.set_viewport_size(PHONE)
    try:
        block = page.locator(".pk-progress")
        block.scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        items = block.locator(".pk-progress-item")
        expect(items).to_have_count(6)
        for i in range(6):
            box = items.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (i, box)
        # Two cards a row on a phone, nothing wider than the screen inside the block.
        assert items.nth(0).bounding_box()["y"] == items.nth(1).bounding_box()["y"]
        assert block.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        in_viewport_and_on_top(page, block.locator('[data-figure="credited_tier"]'))
        save_screenshot(page, "program-progress-en-390x844")
    finally:
        page.set_viewport_size(DESKTOP)


def test_the_block_speaks_portuguese(tier_page: Any, core: dict[str, Any]) -> None:
    page = tier_page
    lang = page.locator(".pk-header .pk-language select")
    lang.select_option(label="Português (Portugal)")
    block = page.locator(".pk-progress")
    expect(block.locator("h2")).to_have_text("Progresso no programa")
    t = t_of("pt_PT")
    avg = core["progress"].retention.average_12m
    expect(block.locator('[data-figure="customer_dollar_retention"]')).to_have_text(
        t.percent(avg, 1))
    expect(block).to_contain_text("MRR de origem em 12 meses")
    expect(page.locator(".pk-insights")).to_contain_text("Próxima revisão")  # page redrawn
    save_screenshot(page, "program-progress-pt_PT-1440x1000")
    page.set_viewport_size(PHONE)
    try:
        page.evaluate("window.scrollTo(0, 0)")
        save_screenshot(page, "program-progress-pt_PT-390x844")
    finally:
        page.set_viewport_size(DESKTOP)
        lang.select_option(label="English")
        expect(block.locator("h2")).to_have_text("Program Progress")


# --------------------------------------------------------------------------- Tier point changes


def open_changes_tab(page: Any) -> None:
    page.locator(".pk-nav button", has_text=re.compile("^Tier$")).click()
    page.locator(".pk-tier-tabs .lm-TabBar-tab", has_text="Tier point changes").click()
    page.locator(".pk-behind-totals").wait_for()


def test_clicking_a_total_lists_its_clients_and_opens_them_in_the_client_table(
        tier_page: Any, book: dict[str, Any]) -> None:
    from partnerkit.changes import changes_between, last_month
    from partnerkit.store import open_store

    page = tier_page
    open_changes_tab(page)
    first, last = last_month(AS_OF)
    with open_store(book["url"]) as store:
        behind = changes_between(store.load_ledger(book["partner_id"]), first, last,
                                 store.rules).clients_behind("new_sold")
    assert len(behind) > 0
    button = page.locator(".pk-behind-totals button", has_text="New sold points")
    expect(button).to_be_visible()
    # Keyboard: the total is a button reachable with Tab and pressed with Enter.
    button.focus()
    page.keyboard.press("Enter")
    listing = page.locator(".pk-behind-table tbody tr")
    expect(listing).to_have_count(len(behind))
    expect(listing.first).to_contain_text(str(behind.iloc[0]["client_id"]))
    in_viewport_and_on_top(page, page.locator(".pk-behind-list h4"))
    save_screenshot(page, "changes-clients-en-1440x1000")
    page.locator(".pk-behind-csv").click()
    link = page.locator(".pk-behind-download a")
    expect(link).to_have_attribute("download", re.compile(r"^new_sold-clients-.*\.csv$"))
    assert link.get_attribute("href").startswith("data:text/csv;base64,")
    page.set_viewport_size(PHONE)
    try:
        page.locator(".pk-behind-list h4").scroll_into_view_if_needed()
        box = page.locator(".pk-behind-list").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
        # Nothing cut off: the table fits its box, the points column is on screen.
        assert page.locator(".pk-behind-scroll").evaluate("e => e.scrollWidth <= e.clientWidth")
        cell = page.locator(".pk-behind-table tbody tr").first.locator("td").last
        cbox = cell.bounding_box()
        assert cbox["x"] + cbox["width"] <= PHONE["width"] + 1, cbox
        save_screenshot(page, "changes-clients-en-390x844")
    finally:
        page.set_viewport_size(DESKTOP)
    page.locator(".pk-behind-open").click()
    chip = page.locator(".pk-id-filter-text")
    expect(chip).to_be_visible()
    expect(chip).to_contain_text("clients behind New sold points")
    chip.scroll_into_view_if_needed()
    in_viewport_and_on_top(page, chip)
    shown, of = (int(x) for x in re.search(r"Showing (\d+) of the (\d+)", chip.inner_text())
                 .groups())
    assert of == len(behind)
    rows = page.locator(".pk-client-row:visible")
    expect(rows).to_have_count(min(shown, 25))
    save_screenshot(page, "changes-clients-filter-en-1440x1000")
    page.locator(".pk-id-filter-clear").click()
    expect(chip).to_be_hidden()
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_the_totals_and_the_list_speak_portuguese_and_close(tier_page: Any) -> None:
    page = tier_page
    lang = page.locator(".pk-header .pk-language select")
    lang.select_option(label="Português (Portugal)")
    try:
        page.locator(".pk-nav button", has_text=re.compile("^Nível$")).click()
        page.locator(".pk-tier-tabs .lm-TabBar-tab").nth(3).click()
        button = page.locator(".pk-behind-totals button", has_text="Novos pontos vendidos")
        expect(button).to_be_visible()
        button.click()
        expect(page.locator(".pk-behind-list h4")).to_contain_text("clientes por trás de")
        save_screenshot(page, "changes-clients-pt_PT-1440x1000")
        page.set_viewport_size(PHONE)
        try:
            page.locator(".pk-behind-list h4").scroll_into_view_if_needed()
            save_screenshot(page, "changes-clients-pt_PT-390x844")
        finally:
            page.set_viewport_size(DESKTOP)
        page.keyboard.press("Escape")  # closes the list, as the dashboard's panels do
        expect(page.locator(".pk-behind-list")).to_be_hidden()
        button.click()
        expect(page.locator(".pk-behind-list")).to_be_visible()
        page.locator(".pk-behind-close").click()
        expect(page.locator(".pk-behind-list")).to_be_hidden()
    finally:
        lang.select_option(label="English")

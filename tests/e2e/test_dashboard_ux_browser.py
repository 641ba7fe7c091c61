"""Issue 11 in a real browser: every interaction answers where the partner clicks, on a desktop
(1440x1000) and a phone (390x844), offline, in English and Portuguese.

One Voilà server for the module (a seeded demo book plus a client whose name looks like a
spreadsheet formula); the desktop tests share one page, the phone tests another. Screenshots of
every test go to test-artifacts/ux-<test>.png.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import (
    APP_NOTEBOOKS,
    ARTIFACTS,
    TEST_AS_OF,
    VoilaServer,
    is_local_url,
    save_screenshot,
    seeded_database_url,
    start_voila,
    wait_for_voila_render,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = dt.date.fromisoformat(TEST_AS_OF)
TIMEOUT = 20_000
FORMULA = "=HYPERLINK(1) Lda"


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def rename_client(url: str, partner_id: str, client_id: str, name: str) -> None:
    import sqlalchemy as sa

    from partnerkit.store import schema as S
    from partnerkit.store.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.update(S.clients)
            .where(S.clients.c.partner_id == partner_id, S.clients.c.client_id == client_id)
            .values(name=name)
        )
    engine.dispose()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = seeded_database_url(tmp_path_factory.mktemp("ux-db"))
    assert url
    from partnerkit.store import open_store

    store = open_store(url)
    pid = store.partner_ids()[0]
    table = store.client_table(pid, AS_OF)
    formula_id = str(table.iloc[-1]["client_id"])
    store.close()
    rename_client(url, pid, formula_id, FORMULA)
    return {"url": url, "partner_id": pid, "formula_id": formula_id}


@pytest.fixture(scope="module")
def store(book: dict[str, Any]) -> Iterator[Any]:
    from partnerkit.store import open_store

    s = open_store(book["url"])
    yield s
    s.close()


@pytest.fixture(scope="module")
def server(book: dict[str, Any]) -> Iterator[VoilaServer]:
    env = {"PARTNERKIT_DB": book["url"], "PARTNERKIT_PREFETCH": "0"}
    with start_voila(APP_NOTEBOOKS, extra_env=env, label="voila-ux") as s:
        yield s


@pytest.fixture(scope="module")
def outside() -> list[str]:
    return []


def new_page(browser: Any, outside: list[str], width: int, height: int) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-US", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT)

    def route(r: Any) -> None:
        if is_local_url(r.request.url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    from playwright.sync_api import expect as pw_expect

    pw_expect.set_options(timeout=TIMEOUT)
    page = context.new_page()
    page.js_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))  # type: ignore[attr-defined]
    return page


def open_view(page: Any, server: VoilaServer, query: str = "") -> None:
    page.goto(server.url("dashboard.ipynb") + (f"?{query}" if query else ""))
    wait_for_voila_render(page)
    page.locator(".pk-dashboard").first.wait_for()


@pytest.fixture(scope="module")
def desk(browser: Any, server: VoilaServer, outside: list[str]) -> Iterator[Any]:
    page = new_page(browser, outside, 1440, 1000)
    open_view(page, server)
    page.locator(".pk-client-row").first.wait_for()
    yield page
    page.close(run_before_unload=True)
    page.context.close()


@pytest.fixture(scope="module")
def phone(browser: Any, server: VoilaServer, outside: list[str]) -> Iterator[Any]:
    page = new_page(browser, outside, 390, 844)
    open_view(page, server)
    page.locator(".pk-client-row").first.wait_for()
    yield page
    page.close(run_before_unload=True)
    page.context.close()


@pytest.fixture(autouse=True)
def _screenshot(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for name in ("desk", "phone"):
        if name in request.fixturenames:
            save_screenshot(request.getfixturevalue(name), f"ux-{request.node.name}")


def box(locator: Any) -> dict[str, float]:
    b = locator.bounding_box()
    assert b, "not laid out"
    return b  # type: ignore[no-any-return]


def in_viewport(page: Any, b: dict[str, float]) -> bool:
    vp = page.viewport_size
    return (
        b["x"] >= 0
        and b["y"] >= 0
        and b["x"] + b["width"] <= vp["width"] + 0.5
        and b["y"] + b["height"] <= vp["height"] + 0.5
    )


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def on_top(page: Any, locator: Any) -> bool:
    """elementFromPoint at the element's centre is the element (or inside it)."""
    return bool(
        locator.evaluate(
            """e => { const r = e.getBoundingClientRect();
                      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                      return hit === e || e.contains(hit); }"""
        )
    )


def focused_in(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            "s => { const a = document.activeElement; return !!a && !!a.closest(s); }", selector
        )
    )


def no_error(page: Any) -> None:
    assert page.locator(".pk-messages .pk-msg-error").count() == 0, page.locator(
        ".pk-messages"
    ).inner_text()


def goto(page: Any, name: str) -> None:
    page.locator(".pk-nav button", has_text=re.compile(f"^{re.escape(name)}$")).click()


def search(page: Any, text: str) -> None:
    page.locator(".pk-client-search input").fill(text)
    if text:
        rows = page.locator(".pk-client-row:visible")
        expect(rows.filter(has_not_text=re.compile(re.escape(text), re.I))).to_have_count(0)


def page_to_top(page: Any) -> None:
    page.evaluate("window.scrollTo(0, 0)")


# --------------------------------------------------------------------------- 1, 5: Actions


def test_1_a_row_s_actions_open_beside_row_20_inside_the_viewport_with_one_click_links(
    desk: Any, store: Any, book: dict[str, Any]
) -> None:
    goto(desk, "Clients")
    row = desk.locator(".pk-client-row").nth(19)
    row.scroll_into_view_if_needed()
    row.locator(".pk-actions-btn").click()
    menu = desk.locator(".pk-menu")
    expect(menu).to_be_visible()
    assert in_viewport(desk, box(menu))
    # next to its row: within two rows' height of the button
    assert abs(box(menu)["y"] - box(row.locator(".pk-actions-btn"))["y"]) < 200
    crm = menu.get_by_role("menuitem", name=re.compile("Company in CRM"))
    acc = menu.get_by_role("menuitem", name=re.compile("Access client account"))
    expect(crm).to_have_attribute("target", "_blank")
    expect(crm).to_have_attribute("rel", re.compile("noopener"))
    portal = store.get_partner(book["partner_id"]).hubspot_portal_id
    expect(crm).to_have_attribute("href", re.compile(f"/contacts/{portal}/record/0-2/"))
    expect(acc).to_have_attribute("href", re.compile(r"/home\?portalId=\d+"))
    # End services answers in a dialog centred in the viewport, with the focus in its field.
    menu.get_by_role("menuitem", name="End services").click()
    dialog = desk.locator(".pk-end-confirm-box")
    expect(dialog).to_be_visible()
    assert in_viewport(desk, box(dialog))
    expect(desk.locator(".pk-end-confirm-box .pk-end-reason input")).to_be_focused()
    desk.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(row.locator(".pk-actions-btn")).to_be_focused()  # focus returns to the row
    no_error(desk)


def test_5_arrow_keys_move_within_the_actions_menu_and_never_run_an_action(desk: Any) -> None:
    goto(desk, "Clients")
    page_to_top(desk)
    button = desk.locator(".pk-client-row").first.locator(".pk-actions-btn")
    button.focus()
    desk.keyboard.press("ArrowDown")  # opens the menu, runs nothing
    menu = desk.locator(".pk-menu")
    expect(menu).to_be_visible()
    for _ in range(6):
        desk.keyboard.press("ArrowDown")
        assert focused_in(desk, ".pk-menu")
    desk.wait_for_timeout(500)  # a kernel round trip, had anything been sent
    expect(desk.locator(".pk-details-panel")).to_be_hidden()
    expect(desk.locator(".pk-end-confirm-box")).to_be_hidden()
    desk.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(button).to_be_focused()
    # Tab goes from one row's Actions button to the next (the row links are not tab stops).
    desk.keyboard.press("Tab")
    assert focused_in(desk, ".pk-client-row:nth-child(2) .pk-actions-btn")
    no_error(desk)


# --------------------------------------------------------------------------- 3: client panel


def test_3_the_client_panel_sits_beside_its_table_keeps_actions_visible_and_closes_with_esc(
    desk: Any,
) -> None:
    goto(desk, "Clients")
    page_to_top(desk)
    row = desk.locator(".pk-client-row").nth(2)
    row.locator(".pk-actions-btn").click()
    desk.locator(".pk-menu").get_by_role("menuitem", name="Client details").click()
    panel = desk.locator(".pk-details-panel")
    expect(panel.locator(".pk-panel-title")).to_be_visible()
    expect(desk.locator(".pk-details-panel .pk-panel-close")).to_be_focused()  # focus moves in
    close = panel.locator(".pk-panel-close")
    assert on_top(desk, close)
    head = desk.locator(".pk-head .pk-col-8")  # the Actions column's header
    assert not overlaps(box(head), box(panel))
    assert in_viewport(desk, box(head))
    for i in (0, 5):
        assert not overlaps(box(desk.locator(".pk-client-row .pk-actions-btn").nth(i)), box(panel))
    # nothing in the panel needs sideways scrolling
    assert panel.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    desk.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(row.locator(".pk-actions-btn")).to_be_focused()
    # a click elsewhere closes it too
    row.locator(".pk-actions-btn").click()
    desk.locator(".pk-menu").get_by_role("menuitem", name="Client details").click()
    expect(panel).to_be_visible()
    desk.locator(".pk-asof").first.click()
    expect(panel).to_be_hidden()
    no_error(desk)


# --------------------------------------------------------------------------- 2: drill-down


def test_2_the_points_drill_down_s_x_is_on_top_and_esc_or_a_click_elsewhere_closes_it(
    desk: Any,
) -> None:
    goto(desk, "Tier")
    desk.locator(".pk-tier-tabs").get_by_role("tab", name="Points breakdown").click()
    names = desk.locator(".pk-breakdown-names button")
    names.first.wait_for()
    names.first.click()
    drawer = desk.locator(".pk-points-drawer")
    expect(drawer.locator(".pk-client-points-name")).to_be_visible()
    close = drawer.locator(".pk-points-close")
    assert on_top(desk, close)
    heads = desk.locator(".pk-breakdown-view .pk-row.pk-head > div")
    for i in range(heads.count()):  # Total, Deal type, Market... never covered
        assert not overlaps(box(heads.nth(i)), box(drawer))
    desk.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    names.nth(1).click()
    expect(drawer).to_be_visible()
    close.click()
    expect(drawer).to_be_hidden()
    names.nth(2).click()
    expect(drawer).to_be_visible()
    desk.locator(".pk-breakdown-summary").click()
    expect(drawer).to_be_hidden()
    no_error(desk)


# --------------------------------------------------------------------------- 6: ended clients


def test_6_the_ended_services_view_lists_who_when_why_and_restores_a_client(
    desk: Any, store: Any, book: dict[str, Any]
) -> None:
    goto(desk, "Clients")
    page_to_top(desk)
    data = store.client_table(book["partner_id"], AS_OF)
    name = str(data.iloc[4]["name"])
    cid = str(data.iloc[4]["client_id"])
    search(desk, name)
    row = desk.locator(".pk-client-row:visible").filter(has_text=name).first
    row.locator(".pk-actions-btn").click()
    desk.locator(".pk-menu").get_by_role("menuitem", name="End services").click()
    dialog = desk.locator(".pk-end-confirm-box")
    dialog.locator(".pk-end-confirm").click()  # no reason: said in the dialog
    expect(dialog.locator(".pk-end-error")).to_contain_text("Enter a reason")
    dialog.locator(".pk-end-reason input").fill("Moved in-house")
    dialog.locator(".pk-end-confirm").click()
    expect(dialog).to_be_hidden()
    expect(desk.locator(".pk-end-error")).to_have_text("")  # the red text does not stay
    desk.locator(".pk-view-filter select").select_option(label="Ended services")
    ended = desk.locator(".pk-ended-row", has_text=name)
    expect(ended).to_contain_text("Moved in-house")
    expect(ended).to_contain_text(store.audit_log(book["partner_id"]).iloc[-1]["actor"])
    ended.locator(".pk-restore-btn").click()
    expect(desk.locator(".pk-messages")).to_contain_text("is back in the client list")
    expect(desk.locator(".pk-ended-row", has_text=name)).to_have_count(0)
    assert cid in set(store.client_table(book["partner_id"], AS_OF)["client_id"])
    assert store.audit_log(book["partner_id"]).iloc[-1]["action"] == "undo_end_services"
    desk.locator(".pk-view-filter select").select_option(label="Active clients")
    search(desk, "")


# --------------------------------------------------------------------------- 12: alerts


def test_12_alerts_put_overdue_decisions_first_flag_cancellations_sort_and_open_a_client(
    desk: Any, store: Any, book: dict[str, Any]
) -> None:
    from partnerkit.ui.dashboard.alerts import prioritised

    goto(desk, "Clients")
    page_to_top(desk)
    due = prioritised(store.renewals_due(book["partner_id"], AS_OF, days=120), AS_OF)
    toggle = desk.locator(".pk-renewal-toggle")
    if "Show" in toggle.inner_text():
        toggle.click()
    rows = desk.locator(".pk-renewal-list tbody tr")
    expect(rows).to_have_count(len(due))
    n_overdue = int(due["overdue"].sum())
    assert n_overdue, "the demo book has an overdue decision"
    for i in range(n_overdue):
        expect(rows.nth(i).locator(".pk-overdue")).to_contain_text("Overdue")
    if due["cancellation"].any():
        expect(desk.locator(".pk-renewal-list .pk-cancellation").first).to_be_visible()
    desk.locator(".pk-alerts-sort select").select_option(label="Client")
    names = sorted(due["client_name"].astype(str), key=str.casefold)
    expect(rows.first).to_contain_text(names[0][:12])
    rows.first.locator("button").click()  # a row opens its client
    expect(desk.locator(".pk-details-panel .pk-panel-title")).to_be_visible()
    desk.keyboard.press("Escape")
    expect(desk.locator(".pk-low-engagement")).to_contain_text("low platform engagement")
    toggle.click()
    no_error(desk)


# --------------------------------------------------------------------------- 10: copy


def test_10_counts_said_once_one_client_singular_headers_whole_and_search_as_you_type(
    desk: Any, store: Any, book: dict[str, Any]
) -> None:
    goto(desk, "Clients")
    page_to_top(desk)
    text = desk.locator(".pk-renewal-alerts").inner_text()
    n = len(store.renewals_due(book["partner_id"], AS_OF, days=120))
    assert text.count(str(n)) == 1, text  # not "34 · 34 upcoming ..."
    box_ = desk.locator(".pk-client-search input")
    name = str(store.client_table(book["partner_id"], AS_OF).iloc[7]["name"])
    box_.fill("")
    box_.type(name[:-1], delay=10)  # no Enter
    expect(desk.locator(".pk-page-text")).to_contain_text(re.compile(r"· 1 client$"))
    for cell in desk.locator(".pk-head > div").all():  # no header cut ("MRR (client c…")
        assert cell.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), cell.inner_text()
    badge = desk.locator(".pk-client-row .pk-badge").first  # usage pills on one line
    assert badge.evaluate("e => e.getClientRects().length === 1")
    search(desk, "")
    no_error(desk)


# --------------------------------------------------------------------------- export and print


def test_the_view_alerts_and_breakdown_download_as_csv_and_xlsx_with_formulas_neutralised(
    desk: Any, book: dict[str, Any], tmp_path: Any
) -> None:
    goto(desk, "Clients")
    page_to_top(desk)
    with desk.expect_download() as dl:
        desk.locator(".pk-export-csv").click()
    assert dl.value.suggested_filename.endswith(".csv")
    text = dl.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == int(
        re.search(r"(\d+) clients", desk.locator(".pk-page-text").inner_text()).group(1)  # type: ignore[union-attr]
    )
    assert any(r["name"] == "'" + FORMULA for r in rows)  # neutralised like partnerkit export
    with desk.expect_download() as dl:
        desk.locator(".pk-export-xlsx").click()
    from openpyxl import load_workbook

    assert dl.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    ws = load_workbook(saved, read_only=True).active
    assert sum(1 for _ in ws.iter_rows()) == len(rows) + 1
    toggle = desk.locator(".pk-renewal-toggle")
    toggle.click()
    with desk.expect_download() as dl:
        desk.locator(".pk-alerts-csv").click()
    assert "renewal-alerts" in dl.value.suggested_filename
    toggle.click()
    goto(desk, "Tier")
    desk.locator(".pk-tier-tabs").get_by_role("tab", name="Points breakdown").click()
    with desk.expect_download() as dl:
        desk.locator(".pk-breakdown-csv").click()
    assert "points-breakdown" in dl.value.suggested_filename
    assert "sourced_points" in dl.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    no_error(desk)


def test_7_printing_the_clients_page_gives_every_row_of_the_first_partner(
    desk: Any, store: Any, book: dict[str, Any]
) -> None:
    from pypdf import PdfReader

    goto(desk, "Clients")
    page_to_top(desk)
    desk.evaluate("window.print = () => {}")  # headless: no dialog to dismiss
    desk.locator(".pk-print").click()
    data = store.client_table(book["partner_id"], AS_OF)
    expect(desk.locator(".pk-print-table tbody tr")).to_have_count(len(data))
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "ux-clients-print.pdf"
    desk.pdf(path=str(pdf), format="A4")
    import unicodedata

    pages = PdfReader(str(pdf)).pages
    text = "".join("".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in pages)
    # Names in Latin script are read back from the PDF (text extraction of CJK glyphs is not
    # reliable); every row is laid out on the printed page (print media) either way.
    latin = [n for n in data["name"].astype(str) if n.isascii() or not _has_cjk(n)]
    missing = [n for n in latin if "".join(n.split()) not in text]
    assert missing == [], missing
    assert "Actions▾" not in text  # no controls printed
    desk.emulate_media(media="print")
    try:
        heights = desk.locator(".pk-print-table tbody tr").evaluate_all(
            "rows => rows.map(r => r.getBoundingClientRect().height)"
        )
        assert len(heights) == len(data) and min(heights) > 0
        expect(desk.locator(".pk-client-grid")).to_be_hidden()
    finally:
        desk.emulate_media(media="screen")


def _has_cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" for c in text)


# --------------------------------------------------------------------------- 8, 9: offline, links


def test_8_no_request_leaves_the_machine_and_the_page_is_branded(
    desk: Any, server: VoilaServer, outside: list[str]
) -> None:
    import urllib.request

    assert not [u for u in outside if "hubspot" not in u], outside  # no CDN font or script
    assert desk.title() == "partnerkit — Dashboard"
    html = urllib.request.urlopen(server.url("dashboard.ipynb"), timeout=60).read().decode()
    assert 'rel="icon"' in html and "cdn." not in html
    assert "Opening your partner dashboard" in html and "A abrir o seu painel" in html
    assert "Running " not in html.split('id="loading_text"', 1)[1][:200]


def test_9_a_deep_link_opens_a_client_s_panel_in_portuguese_and_the_url_follows_the_view(
    browser: Any, server: VoilaServer, outside: list[str], store: Any, book: dict[str, Any]
) -> None:
    data = store.client_table(book["partner_id"], AS_OF)
    cid, name = str(data.iloc[5]["client_id"]), str(data.iloc[5]["name"])
    page = new_page(browser, outside, 1440, 1000)
    try:
        open_view(page, server, f"client={cid}&lang=pt_BR&as_of=not-a-date")
        panel = page.locator(".pk-details-panel")
        expect(panel.locator(".pk-panel-title")).to_have_text(name)
        expect(panel.get_by_role("tab", name="Renovações")).to_be_visible()
        expect(page.locator(".pk-messages")).to_contain_text("as_of=not-a-date")
        assert f"client={cid}" in page.url and "lang=pt_BR" in page.url
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        page.wait_for_function("() => !location.search.includes('client=')")
        goto(page, "Nível")
        page.wait_for_function("() => location.search.includes('page=tier')")
        page.reload()
        wait_for_voila_render(page)
        expect(page.locator(".pk-tier-tabs")).to_be_visible()  # a reload returns to the view
        open_view(page, server, "page=tier&tab=breakdown")
        expect(page.locator(".pk-breakdown-names button").first).to_be_visible()
        open_view(page, server, "page=tier&tab=changes")
        has_changes = page.locator(".pk-tier-tabs").get_by_role("tab").count() > 3
        if not has_changes:  # the tab comes with issue 12: until then, a note and the default
            expect(page.locator(".pk-messages")).to_contain_text("tab=changes")
        assert page.js_errors == []  # type: ignore[attr-defined]
    finally:
        page.close(run_before_unload=True)
        page.context.close()


# --------------------------------------------------------------------------- 4: phone


def test_4_on_a_phone_clients_are_cards_with_nothing_cut_and_the_panel_is_a_full_sheet(
    phone: Any,
) -> None:
    goto(phone, "Clients")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for i in (0, 3):
        row = phone.locator(".pk-client-row").nth(i)
        row.scroll_into_view_if_needed()
        for cell in row.locator(":scope > div").all():
            b = cell.bounding_box()
            if b:  # hidden cells have none
                assert b["x"] >= 0 and b["x"] + b["width"] <= 390.5, cell.inner_text()
    row = phone.locator(".pk-client-row").nth(3)
    row.locator(".pk-actions-btn").click()
    menu = phone.locator(".pk-menu")
    assert in_viewport(phone, box(menu))
    menu.get_by_role("menuitem", name="Client details").click()
    panel = phone.locator(".pk-details-panel")
    expect(panel.locator(".pk-panel-title")).to_be_visible()
    b = box(panel)
    assert b["x"] <= 0.5 and b["width"] >= 389
    close = panel.locator(".pk-panel-close")
    assert in_viewport(phone, box(close)) and on_top(phone, close)
    close.click()
    expect(panel).to_be_hidden()
    no_error(phone)


def test_4_on_a_phone_the_tier_page_fits_and_the_calculator_is_a_sheet_with_a_visible_close(
    phone: Any,
) -> None:
    goto(phone, "Tier")
    phone.locator(".pk-tier-tabs").wait_for()
    phone.wait_for_timeout(500)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator(".pk-calc-toggle").click()
    calc = phone.locator(".pk-calc-panel")
    expect(calc.locator(".pk-calculator")).to_be_visible()
    b = box(calc)
    assert b["x"] <= 0.5 and b["width"] >= 389
    toggle = phone.locator(".pk-calc-toggle")
    assert in_viewport(phone, box(toggle)) and on_top(phone, toggle)
    toggle.click()
    expect(calc).to_be_hidden()
    goto(phone, "Clients")
    no_error(phone)


def test_no_script_error_happened_on_either_page(desk: Any, phone: Any) -> None:
    assert desk.js_errors == [] and phone.js_errors == []

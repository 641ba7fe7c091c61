"""Preheated kernels (issue 11, the default of `./dev apps`): a page taken from Voilà's pool shows
the book, the link (query string) and the date of the moment it is opened, never those of when
its kernel was heated (partnerkit.ui.preheat.wait_for_page -> voila.utils.wait_for_request).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
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

NEW_NAME = "Aquecida Depois Lda."


def wait_for_pool(server: VoilaServer, kernels: int, timeout: float = 180.0) -> None:
    """Until `kernels` kernel processes run (Voilà has no kernel API), then their imports."""
    from partnerkit.serve import descendant_pids

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = 0
        for pid in descendant_pids(server.proc.pid):
            try:
                n += b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
        if n >= kernels:
            time.sleep(8.0)  # each heated kernel imports partnerkit, then waits for its page
            return
        time.sleep(0.5)
    raise AssertionError(f"the preheated pool never reached {kernels} kernels")


def add_client(url: str, partner_id: str) -> str:
    from partnerkit.store import open_store
    from partnerkit.store import schema as S
    from partnerkit.store.engine import write_tx
    from partnerkit.store.writes import upsert_rows

    store = open_store(url)
    p = store.get_partner(partner_id)
    with write_tx(store.engine) as conn:
        upsert_rows(conn, S.clients, [dict(
            partner_id=partner_id, client_id="late-1", name=NEW_NAME, domain="late.example",
            country=p.country, industry="Retail", employees=9, portal_id="5151",
            crm_record_id="6161", relationship="managed", deal_type="managed-only",
            currency=p.currency, status="active",
        )])
    store.close()
    return "late-1"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = seeded_database_url(tmp_path_factory.mktemp("preheat-db"))
    assert url
    from partnerkit.store import open_store

    store = open_store(url)
    pid = store.partner_ids()[0]
    store.close()
    return {"url": url, "partner_id": pid}


@pytest.fixture(scope="module")
def server(book: dict[str, Any]) -> Iterator[VoilaServer]:
    env = {"PARTNERKIT_DB": book["url"], "PARTNERKIT_PREFETCH": "0"}
    with start_voila(APP_NOTEBOOKS, extra_env=env, preheat=True, label="voila-preheat") as s:
        yield s


def test_a_preheated_page_reads_the_book_link_and_date_of_the_moment_it_is_opened(
    browser: Any, server: VoilaServer, book: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    wait_for_pool(server, 4)  # dashboard and calculator, a pool of two each (serve's default)
    # Written AFTER the kernels were heated: a kernel that had read the book would miss it.
    client = add_client(book["url"], book["partner_id"])
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    context.route("**/*", block_non_local)
    page = context.new_page()
    try:
        page.goto(server.url("dashboard.ipynb", f"client={client}&lang=pt_PT&as_of=2026-11-10"))
        wait_for_voila_render(page, timeout=90)
        panel = page.locator(".pk-details-panel")
        expect(panel.locator(".pk-panel-title")).to_have_text(NEW_NAME, timeout=30_000)
        expect(page.locator(".pk-nav")).to_contain_text("Clientes")  # the link's language
        expect(page.locator(".pk-header .pk-as-of input")).to_have_value("2026-11-10")
        save_screenshot(page, "preheat-deep-link")
        # The next page (another heated kernel) without a date shows the usual "today".
        page.goto(server.url("dashboard.ipynb"))
        wait_for_voila_render(page, timeout=90)
        expect(page.locator(".pk-header .pk-as-of input")).to_have_value(TEST_AS_OF)
    finally:
        page.close(run_before_unload=True)
        context.close()

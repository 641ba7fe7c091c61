"""The points calculator app (F3, issue 5) in a real browser: notebooks/calculator.ipynb served by
Voilà, driven in Debian's Chromium the way a user does it (typing, picking, switching tabs,
methods and language), checking the figures on the page.

The server runs with PARTNERKIT_AS_OF=2026-11-15 (tests/e2e/harness.py), the calculator's
default date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from partnerkit import load_rules, points_to_currency
from partnerkit.tiers import Points, evaluate_tier
from partnerkit.ui.i18n import translator
from tests.e2e.harness import TEST_AS_OF, VoilaServer, wait_for_voila_render

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIGURE_TIMEOUT = 15_000  # ms: a kernel round trip is ~0.15 s; generous for a loaded machine


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def open_calculator(page: Any, server: VoilaServer) -> None:
    page.goto(server.url("calculator.ipynb"))
    wait_for_voila_render(page)
    page.locator(".pk-calculator").wait_for(state="visible")


def figure(page: Any, tab: str, css: str) -> Any:
    return page.locator(f".pk-{tab}-tab .{css} .pk-figure-value")


def set_date(page: Any, label: str, day: dt.date) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(day.isoformat())
    field.press("Tab")


def test_typing_an_amount_updates_the_points_and_bad_input_shows_a_message(
    voila_server: VoilaServer, page: Any, console_errors: list[str]
) -> None:
    open_calculator(page, voila_server)
    amount = page.get_by_label("Amount sold (monthly, client's currency)")
    amount.fill("1000")
    expect(figure(page, "points", "pk-total")).to_have_text("50.0", timeout=FIGURE_TIMEOUT)
    expect(figure(page, "points", "pk-sold")).to_have_text("50.0")
    expect(figure(page, "points", "pk-managed")).to_have_text("0.0")
    expect(page.locator(".pk-points-tab .pk-how")).to_contain_text("5 sold points per US$100")

    amount.fill("abc")
    expect(page.locator(".pk-amount-box .pk-field-message")).to_contain_text(
        "Not a number", timeout=FIGURE_TIMEOUT
    )
    expect(figure(page, "points", "pk-total")).to_have_text("—")  # no stale 50.0

    amount.fill("-5")
    expect(page.locator(".pk-amount-box .pk-field-message")).to_contain_text("negative")
    amount.fill("1000")
    expect(figure(page, "points", "pk-total")).to_have_text("50.0", timeout=FIGURE_TIMEOUT)
    expect(page.locator(".pk-amount-box .pk-field-message")).to_have_text("")
    assert console_errors == []


def test_worked_examples_october_2021_and_a_growth_market_client_shared_by_two_partners(
    voila_server: VoilaServer, page: Any
) -> None:
    open_calculator(page, voila_server)
    page.get_by_label("Amount sold (monthly, client's currency)").fill("1000")
    set_date(page, "Date of the sale", dt.date(2021, 10, 15))
    expect(figure(page, "points", "pk-sold")).to_have_text("30.0", timeout=FIGURE_TIMEOUT)

    set_date(page, "Date of the sale", dt.date(2024, 3, 15))
    expect(figure(page, "points", "pk-sold")).to_have_text("50.0", timeout=FIGURE_TIMEOUT)

    country = page.locator(".pk-country input")
    country.fill("Brazil (BR) · growth market")
    country.press("Tab")
    currency = page.locator(".pk-currency select")
    expect(currency).to_have_value(
        currency.locator("option", has_text="BRL").get_attribute("value") or "",
        timeout=FIGURE_TIMEOUT,
    )
    expect(page.locator(".pk-points-tab .pk-notes")).to_contain_text("BRL")  # an estimate
    currency.select_option(label="USD — US Dollar")
    expect(figure(page, "points", "pk-sold")).to_have_text("100.0", timeout=FIGURE_TIMEOUT)

    others = page.get_by_label("How many other partners will manage this client?")
    expect(others).to_be_hidden()
    page.get_by_label("Will you also manage this client?").check()
    expect(others).to_be_visible(timeout=FIGURE_TIMEOUT)
    expect(figure(page, "points", "pk-managed")).to_have_text("20.0", timeout=FIGURE_TIMEOUT)
    others.fill("1")
    others.press("Tab")  # an IntText may send its value on blur
    expect(figure(page, "points", "pk-managed")).to_have_text("10.0", timeout=FIGURE_TIMEOUT)
    expect(figure(page, "points", "pk-total")).to_have_text("110.0")
    expect(page.locator(".pk-points-tab .pk-how")).to_contain_text("split among 2 partners")


def test_the_currency_tab_converts_both_ways(voila_server: VoilaServer, page: Any) -> None:
    open_calculator(page, voila_server)
    page.get_by_role("tab", name="Currency").click()
    page.get_by_label("Sold points", exact=True).fill("50")
    expect(figure(page, "currency", "pk-sold-value-out")).to_have_text(
        "$1,000.00", timeout=FIGURE_TIMEOUT
    )
    page.locator(".pk-method select").select_option(label="Currency → points")
    sold_value = page.get_by_label("Sold value (monthly)")
    expect(sold_value).to_be_visible(timeout=FIGURE_TIMEOUT)
    sold_value.fill("2000")
    page.get_by_label("Managed value (monthly)").fill("1000")
    expect(figure(page, "currency", "pk-sold")).to_have_text("100.0", timeout=FIGURE_TIMEOUT)
    expect(figure(page, "currency", "pk-managed")).to_have_text("10.0")
    expect(figure(page, "currency", "pk-total")).to_have_text("110.0")


def test_switching_to_brazilian_portuguese_relabels_and_formats_the_figures(
    voila_server: VoilaServer, page: Any
) -> None:
    open_calculator(page, voila_server)
    page.locator(".pk-language select").select_option(label="Português (Brasil)")
    expect(page.get_by_text("Você também vai gerenciar este cliente?")).to_be_visible(
        timeout=FIGURE_TIMEOUT
    )
    expect(page.get_by_role("tab", name="Moeda")).to_be_visible()
    page.get_by_label("Valor vendido (mensal, na moeda do cliente)").fill("1.234,5")
    expect(figure(page, "points", "pk-sold")).to_have_text("61,7", timeout=FIGURE_TIMEOUT)
    expect(page.locator(".pk-points-tab .pk-figures")).to_contain_text("Pontos totais")

    page.locator(".pk-language select").select_option(label="Português (Portugal)")
    expect(page.get_by_text("Vai também gerir este cliente?")).to_be_visible(timeout=FIGURE_TIMEOUT)
    # The same text is re-read as a European Portuguese number; then a new one, so a stale
    # figure cannot pass for a fresh one.
    page.get_by_label("Valor vendido (mensal, na moeda do cliente)").fill("2.000,5")
    expect(figure(page, "points", "pk-sold")).to_have_text("100,0", timeout=FIGURE_TIMEOUT)


def test_what_does_it_take_shows_the_mrr_that_closes_the_gold_gap(
    voila_server: VoilaServer, page: Any
) -> None:
    on = dt.date.fromisoformat(TEST_AS_OF)
    rules = load_rules()
    gap = {r.name: r.gap for r in evaluate_tier(Points(), on, rules).gap_to("Gold")}
    sourced_mrr = points_to_currency(
        sold_points=gap["total"],
        managed_points=0,
        currency="USD",
        country="US",
        deal_type="sourced",
        on=on,
        rules=rules,
    ).sold_value
    expected = translator("en", "calculator").money(Decimal(sourced_mrr), "USD")

    open_calculator(page, voila_server)
    page.get_by_role("tab", name="What does it take?").click()
    table = page.locator(".pk-target-tab .pk-gap-table")
    expect(table).to_be_visible(timeout=FIGURE_TIMEOUT)
    expect(table.locator("tr.pk-gap-total")).to_contain_text(expected)

    now = page.get_by_label("Your sourced points now")
    now.fill("1000")
    now.press("Tab")
    reqs = evaluate_tier(Points(sourced_points=Decimal(1000)), on, rules).gap_to("Gold")
    if all(r.met for r in reqs if r.name != "certification"):
        expect(page.locator(".pk-target-tab .pk-gap")).to_contain_text(
            "You already meet every points requirement of Gold", timeout=FIGURE_TIMEOUT
        )
    else:
        expect(table.locator("tr.pk-gap-total")).to_contain_text("met", timeout=FIGURE_TIMEOUT)

"""Rolling 12-month sold MRR (issue 18; program-rules.md §3, §8): the window, the program's
currency amounts of each close date, the partner's currency, which clients."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.ledger import SoldEvent
from partnerkit.progress import assisted_mrr_12m, partner_currency, sourced_mrr_12m
from partnerkit.rules import UnknownCurrencyError
from partnerkit.standing import add_months
from tests.unit.core.builders import D, a_ledger, a_managed_snapshot, a_sold_event, shipped


def test_sourced_mrr_counts_the_deals_closed_in_the_last_twelve_months() -> None:
    ledger = a_ledger(
        a_sold_event(client_id="old", close_date=D(2024, 3, 15), amount="700"),  # 12 months old
        a_sold_event(client_id="in", close_date=D(2024, 3, 16), amount="1000"),
        a_sold_event(client_id="in", close_date=D(2025, 3, 15), amount="250"),
        a_sold_event(client_id="later", close_date=D(2025, 3, 16), amount="999"),  # after as_of
        a_sold_event(client_id="helped", deal_type="assisted", close_date=D(2025, 1, 2),
                     amount="400"),
        a_managed_snapshot(client_id="in", month=D(2025, 3, 1), amount="5000"),
    )
    s = sourced_mrr_12m(ledger, D(2025, 3, 15), shipped(), "USD")
    assert (s.usd, s.amount, s.currency, s.deals) == (Decimal(1250), Decimal(1250), "USD", 2)
    assert s.window_start == D(2024, 3, 16)
    assert list(s.clients["client_id"]) == ["in"] and s.clients.loc[0, "deals"] == 2
    a = assisted_mrr_12m(ledger, D(2025, 3, 15), shipped(), "USD")
    assert (a.usd, a.deals) == (Decimal(400), 1)
    assert s.as_json() == {"usd": 1250.0, "currency": "USD", "amount": 1250.0}


def test_each_deal_converts_at_the_program_amount_of_its_close_date() -> None:
    # EUR counted 75 per US$100 until 2025-07-14 and 88 from 2025-07-15.
    ledger = a_ledger(
        a_sold_event(client_id="before", close_date=D(2025, 7, 10), amount="750",
                     currency="EUR", country="PT"),
        a_sold_event(client_id="after", close_date=D(2025, 7, 20), amount="880",
                     currency="EUR", country="PT"))
    eur = sourced_mrr_12m(ledger, D(2025, 8, 1), shipped(), "EUR")
    assert eur.usd == Decimal(2000)
    assert eur.amount == Decimal(1630)  # deals in the partner's currency add up plainly
    gbp = sourced_mrr_12m(ledger, D(2025, 8, 1), shipped(), "GBP")
    # 750 EUR x 62.50/75 + 880 EUR x 74/88 (GBP's program amounts of the same dates)
    assert gbp.amount == Decimal(625) + Decimal(740) and gbp.usd == Decimal(2000)
    assert {r.key for r in gbp.refs} >= {"EUR", "GBP", "sourced_mrr_window_months"}


def test_the_figure_is_marked_as_partnerkits_reading_and_names_its_clients() -> None:
    ledger = a_ledger(*(a_sold_event(client_id=f"c{i}", client_name=f"Client {i}",
                                     amount=str(100 * (i + 1))) for i in range(12)))
    s = sourced_mrr_12m(ledger, D(2024, 4, 1), shipped(), "USD")
    ids = [m.id for m in s.explanation]
    assert ids[:2] == ["progress.sourced_mrr", "progress.mrr_reading"]
    assert s.explanation[1].args["provenance"].value == "derived"
    named = [m.args["client"] for m in s.explanation if m.id == "progress.mrr_client"]
    assert named[0] == "Client 11" and len(named) == 10
    assert "and 2 more clients" in [m.english() for m in s.explanation]


def test_a_partner_currency_without_a_program_amount_is_refused() -> None:
    with pytest.raises(UnknownCurrencyError, match="XAF"):
        sourced_mrr_12m(a_ledger(a_sold_event()), D(2024, 4, 1), shipped(), "XAF")


def test_the_partner_currency_defaults_to_the_ledgers_only_currency() -> None:
    assert partner_currency(a_ledger(a_sold_event(currency="EUR"))) == "EUR"
    assert partner_currency(a_ledger(a_sold_event(currency="EUR"),
                                     a_sold_event(currency="GBP"))) == "USD"


# -- the vectorised figure against a naive per-event computation ---------------------------------

CURRENCIES = ["USD", "EUR", "GBP", "JPY", "BRL", "COP"]


@st.composite
def deals(draw: st.DrawFn) -> SoldEvent:
    return SoldEvent(client_id=draw(st.sampled_from("abcd")),
                     close_date=draw(st.dates(D(2023, 6, 1), D(2026, 3, 31))),
                     deal_type=draw(st.sampled_from(["sourced", "assisted"])),
                     amount=draw(st.decimals(0, 500_000, places=4)),
                     currency=draw(st.sampled_from(CURRENCIES)), country="US")


@given(st.lists(deals(), max_size=30), st.dates(D(2024, 1, 1), D(2026, 3, 31)),
       st.sampled_from(CURRENCIES))
@settings(max_examples=60, deadline=None, database=None)
def test_the_12_month_mrr_is_the_exact_sum_of_each_deal_converted(
        events: list[SoldEvent], as_of: _dt.date, home: str) -> None:
    rules = shipped()
    got = sourced_mrr_12m(a_ledger(*events), as_of, rules, home)
    usd = amount = Fraction(0)
    for e in events:
        if e.deal_type == "sourced" and e.close_date <= as_of < add_months(e.close_date, 12):
            local = Fraction(rules.currency_rule(e.currency, e.close_date).local_per_100)
            usd += Fraction(e.amount) * 100 / local
            amount += Fraction(e.amount) * Fraction(
                rules.currency_rule(home, e.close_date).local_per_100) / local
    assert abs(Fraction(got.usd) - usd) <= Fraction(1, 10**18) * max(1, usd)
    assert abs(Fraction(got.amount) - amount) <= Fraction(1, 10**18) * max(1, amount)
    assert sum(got.clients["deals"]) == got.deals

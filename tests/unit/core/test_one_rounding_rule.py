"""One rounding rule (issue 17, F3 vs F2.2): the calculator and the standing both compute the exact
rational and round it once, so the same sale gives the same Decimal on every surface."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.ledger import ManagedSnapshot, SoldEvent
from partnerkit.points import estimate_points
from partnerkit.standing import compute_standing
from tests.unit.core.builders import D, a_ledger, shipped

RULES = shipped()
FAST = settings(max_examples=60, deadline=None, database=None)
CURRENCIES = ["USD", "EUR", "GBP", "BRL", "JPY", "AUD", "INR"]
COUNTRIES = ["US", "PT", "GB", "BR", "IN", "JP", "VN", "MX"]
dates = st.dates(min_value=D(2016, 1, 1), max_value=D(2026, 12, 31))
amounts = st.decimals(min_value=Decimal("0.0001"), max_value=1_000_000, places=4,
                      allow_nan=False, allow_infinity=False)


@FAST
@given(amount=amounts, currency=st.sampled_from(CURRENCIES), country=st.sampled_from(COUNTRIES),
       on=dates, deal_type=st.sampled_from(["sourced", "assisted"]),
       first=st.one_of(st.none(), st.integers(min_value=1, max_value=900)))
def test_the_calculator_gives_the_standings_sold_points_for_one_sale(
        amount: Decimal, currency: str, country: str, on: dt.date, deal_type: str,
        first: int | None):
    first_sold = None if first is None else max(on - dt.timedelta(days=first), D(2016, 1, 1))
    sale = SoldEvent(client_id="c", close_date=on, deal_type=deal_type, amount=amount,
                     currency=currency, country=country, first_sold=first_sold)
    estimate = estimate_points(amount, currency, country, deal_type, on, RULES, first_sold)
    standing = compute_standing(a_ledger(sale), on, RULES)
    assert estimate.sold_points == standing.sold_points
    assert estimate.total_points == standing.total_points


@FAST
@given(amount=amounts, currency=st.sampled_from(CURRENCIES), country=st.sampled_from(COUNTRIES),
       on=dates, others=st.integers(min_value=0, max_value=4))
def test_the_calculator_gives_the_standings_managed_points_for_one_snapshot(
        amount: Decimal, currency: str, country: str, on: dt.date, others: int):
    month = on.replace(day=1)
    snapshot = ManagedSnapshot(client_id="c", month=month, amount=amount, currency=currency,
                               country=country, other_partners=others)
    estimate = estimate_points(amount, currency, country, "sourced", month, RULES, manage=True,
                               other_partners=others)
    standing = compute_standing(a_ledger(snapshot), month, RULES)
    assert estimate.managed_points == standing.managed_points


@FAST
@given(amount=amounts, currency=st.sampled_from(CURRENCIES), country=st.sampled_from(COUNTRIES),
       on=dates, others=st.integers(min_value=0, max_value=4))
def test_the_total_is_sold_plus_managed_exactly_where_the_parts_are_exact(
        amount: Decimal, currency: str, country: str, on: dt.date, others: int):
    e = estimate_points(amount, currency, country, "sourced", on, RULES, manage=True,
                        other_partners=others)
    parts_exact = all(len(p.as_tuple().digits) < 28 for p in (e.sold_points, e.managed_points))
    if parts_exact:
        assert e.total_points == e.sold_points + e.managed_points


def test_a_euro_deal_managed_with_one_other_partner_totals_what_its_explanation_says():
    # The example: the parts are 625/11 and 125/22, the total exactly 62.5.
    e = estimate_points("1000", "EUR", "PT", "sourced", D(2026, 11, 15), RULES, manage=True,
                        other_partners=1)
    assert e.total_points == Decimal("62.5")
    sale = SoldEvent(client_id="c", close_date=D(2026, 11, 15), deal_type="sourced",
                     amount=Decimal(1000), currency="EUR", country="PT")
    assert e.sold_points == compute_standing(a_ledger(sale), D(2026, 11, 15), RULES).sold_points

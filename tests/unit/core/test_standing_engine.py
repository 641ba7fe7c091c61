"""How the vectorised engine stays exact (issue 7): points summed as exact rationals and divided
once, huge amounts, far-away dates, and the dense and hashed table paths giving the same figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

import partnerkit.standing as standing_module
from partnerkit.ledger import Ledger, ManagedSnapshot, SoldEvent
from partnerkit.standing import Valuation, compute_standing, history, point_changes
from tests.unit.core.builders import D, a_ledger, a_managed_snapshot, a_sold_event, shipped

RULES = shipped()
AS_OF = D(2024, 3, 31)


def exact(events: list[SoldEvent], credit: str = "sourced") -> Decimal:
    """The exact rational sum of the events' points, rounded once to the Decimal context."""
    total = Fraction(0)
    for e in events:
        rate = RULES.rate(credit, RULES.market_of(e.country, e.close_date), e.close_date)
        local = RULES.currency_rule(e.currency, e.close_date).local_per_100
        total += Fraction(e.amount) * Fraction(rate.points_per_100) / Fraction(local)
    return Decimal(total.numerator) / Decimal(total.denominator)


# Amounts in currencies whose points are repeating decimals: adding the rounded points of each
# currency gives a different last digit than rounding the exact sum once.
MIXED = [a_sold_event(client_id="mix", currency=c, amount=a, country="PT")
         for c, a in (("EUR", "1"), ("JPY", "7"), ("COP", "13"), ("INR", "1"), ("BRL", "3"))]


def test_a_clients_points_over_several_currencies_are_the_exact_sum_rounded_once() -> None:
    s = compute_standing(a_ledger(*MIXED), AS_OF, RULES)
    assert s.per_client.loc[0, "sourced_exact"] == exact(MIXED)
    assert s.sourced_points == exact(MIXED)


def test_rounding_each_currency_apart_would_differ_in_the_last_digit() -> None:
    # Guards the test above: it can only fail if the engine rounded per combination again.
    v = Valuation(a_ledger(*MIXED), RULES)
    per_combo = sum((c.points(int(u)) for c, u in zip(
        v.combos, v.status_sums(AS_OF)["counted"], strict=True)), Decimal(0))
    assert per_combo != exact(MIXED)
    assert abs(per_combo - exact(MIXED)) < Decimal("1E-24")


def test_amounts_whose_sums_pass_the_int64_range_stay_exact() -> None:
    huge = [a_sold_event(amount="9999999999999", event_id=f"h{i}") for i in range(100)]
    s = compute_standing(a_ledger(*huge, a_managed_snapshot(amount="9999999999999")), AS_OF,
                         RULES)
    expected = Decimal("9999999999999") * 100 * 5 / 100
    assert s.sourced_points == expected
    assert s.per_client.loc[0, "sourced"] == expected
    managed_rate = RULES.rate("managed", "standard", D(2024, 3, 1)).points_per_100
    assert s.managed_points == Decimal("9999999999999") * managed_rate / 100
    h = history(a_ledger(*huge), AS_OF, RULES, months=2)
    assert h.loc[h["is_as_of"], "sourced"].item() == expected


def test_a_typo_date_centuries_away_changes_nothing_else() -> None:
    typo = a_managed_snapshot(client_id="later", month=D(2250, 1, 1))
    events = [a_sold_event(client_id="a"), a_managed_snapshot(client_id="b")]
    with_typo = compute_standing(a_ledger(*events, typo), AS_OF, RULES)
    without = compute_standing(a_ledger(*events), AS_OF, RULES)
    assert (with_typo.sold_points, with_typo.managed_points) == (
        without.sold_points, without.managed_points)
    assert history(a_ledger(*events, typo), AS_OF, RULES, months=3)["total"].tolist() == (
        history(a_ledger(*events), AS_OF, RULES, months=3)["total"].tolist())


BOOK: list[SoldEvent | ManagedSnapshot] = [
    *(a_sold_event(client_id=f"c{i % 7}", close_date=D(2023, 1 + i % 12, 1 + i % 27),
                   deal_type="sourced" if i % 3 else "assisted",
                   currency=("USD", "EUR", "BRL", "JPY")[i % 4],
                   country=("US", "PT", "BR", "JP", "IN")[i % 5],
                   first_sold=D(2021, 5, 1) if i % 4 == 1 else None,
                   amount=str(100 + 37 * i)) for i in range(60)),
    *(a_managed_snapshot(client_id=f"c{i % 5}", month=D(2024, 1 + i % 3, 1),
                         other_partners=i % 3, amount=str(500 + i)) for i in range(15)),
]


def figures(as_of: dt.date) -> tuple[object, ...]:
    ledger = a_ledger(*BOOK)
    s = compute_standing(ledger, as_of, RULES)
    h = history(ledger, as_of, RULES, months=6)
    c = point_changes(ledger, D(2023, 6, 30), as_of, RULES)
    return (s.sourced_points, s.assisted_points, s.managed_points, s.expired_points,
            dict(s.expiring), s.per_client.to_dict("records"), h.to_dict("records"),
            c.to_dict("records"))


@pytest.mark.parametrize("as_of", [D(2023, 12, 31), D(2024, 2, 10), D(2024, 6, 30)])
def test_hashed_tables_give_the_same_figures_as_dense_ones(
        as_of: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    dense = figures(as_of)
    monkeypatch.setattr(standing_module, "_PREFER_DENSE", False)
    assert figures(as_of) == dense


def test_the_standing_on_many_dates_reuses_one_valuation() -> None:
    v = Valuation(a_ledger(*BOOK), RULES)
    for day in (D(2023, 3, 31), D(2023, 9, 30), D(2024, 3, 31)):
        assert compute_standing(v, day).total_points == compute_standing(
            a_ledger(*BOOK), day, RULES).total_points


def test_a_rule_code_that_only_a_few_rows_of_a_big_ledger_have_is_counted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 140,001 rows: the engine numbers the codes of a sample of rows first (every 2nd row here)
    # and must still find the one Brazilian row at an odd position.
    common = a_ledger(a_sold_event(amount="1")).frame
    rare = a_ledger(a_sold_event(client_id="br", amount="100", currency="BRL", country="BR")).frame
    frame = pd.concat([common, rare, common.iloc[[0] * 139_999]], ignore_index=True)
    frame["event_id"] = [f"e{i}" for i in range(len(frame))]
    ledger = Ledger.from_frame(frame)
    s = compute_standing(ledger, AS_OF, RULES)
    brazil = compute_standing(a_ledger(a_sold_event(client_id="br", amount="100", currency="BRL",
                                                    country="BR")), AS_OF, RULES).sourced_points
    assert s.per_client.set_index("client_id").loc["br", "sourced_exact"] == brazil
    monkeypatch.setattr(standing_module, "_PREFER_DENSE", False)
    assert compute_standing(ledger, AS_OF, RULES).sourced_points == s.sourced_points

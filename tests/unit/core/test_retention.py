"""Customer dollar retention, C$R (issue 18; program-rules.md §1, §8; F2): hand-computed ledgers,
the gross/net policy row, currency conversion, split credit, Elite's retention gate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.ledger import ManagedSnapshot
from partnerkit.retention import customer_dollar_retention
from partnerkit.rules import RulesError
from partnerkit.tiers import evaluate_tier
from tests.unit.core.builders import D, a_ledger, a_managed_snapshot, points, rules_with, shipped


def snap(client: str, year: int, month: int, amount: object, **kw: object) -> ManagedSnapshot:
    return a_managed_snapshot(client_id=client, client_name=client.title(),
                              month=D(year, month, 1), amount=amount, **kw)


def a_book_with_churn_downgrade_expansion_and_a_newcomer() -> list[ManagedSnapshot]:
    """January 2024 -> January 2025: A churns (1,000 -> gone), B downgrades (2,000 -> 1,500),
    C expands (1,000 -> 1,600), D appears only in 2025 (5,000). February 2025 has snapshots but
    nobody was managed in February 2024."""
    return [snap("a", 2024, 1, 1000), snap("b", 2024, 1, 2000), snap("c", 2024, 1, 1000),
            snap("b", 2025, 1, 1500), snap("c", 2025, 1, 1600), snap("d", 2025, 1, 5000),
            snap("d", 2025, 2, 5000)]


def month_of(result: object, label: str) -> object:
    return next(m for m in result.months if m.label == label)  # type: ignore[attr-defined]


def test_gross_retention_counts_churn_and_downgrades_and_caps_expansion() -> None:
    ledger = a_ledger(*a_book_with_churn_downgrade_expansion_and_a_newcomer())
    r = customer_dollar_retention(ledger, D(2025, 2, 10), shipped())
    jan = month_of(r, "2025-01")
    # (0 + 1,500 + min(1,600, 1,000)) / (1,000 + 2,000 + 1,000); D (new in 2025) does not count
    assert jan.value == Decimal(2500) / Decimal(4000)
    assert (jan.base_clients, jan.churned, jan.downgraded, jan.expanded) == (3, 1, 1, 1)
    assert jan.base_usd == 4000 and jan.kept_usd == 2500


def test_a_month_with_no_clients_twelve_months_earlier_has_no_value() -> None:
    ledger = a_ledger(*a_book_with_churn_downgrade_expansion_and_a_newcomer())
    r = customer_dollar_retention(ledger, D(2025, 2, 10), shipped())
    feb = month_of(r, "2025-02")
    assert feb.value is None and feb.status == "no_base"
    dec = month_of(r, "2024-12")
    assert dec.value is None and dec.status == "not_recorded"
    # The average is over the months with a value only: January alone.
    assert r.average_12m == Decimal("0.625")


def test_the_json_lists_the_last_twelve_months_ending_with_the_as_of_month() -> None:
    ledger = a_ledger(*a_book_with_churn_downgrade_expansion_and_a_newcomer())
    out = customer_dollar_retention(ledger, D(2025, 2, 10), shipped()).as_json()
    months = [m["month"] for m in out["monthly"]]  # type: ignore[index]
    assert months[0] == "2024-03" and months[-1] == "2025-02" and len(months) == 12
    assert out["average_12m"] == 0.625
    assert out["monthly"][-1]["value"] is None  # type: ignore[index]


def test_net_policy_counts_expansion() -> None:
    rules = rules_with("""
        [[policy]]
        key = "customer_retention_expansion"
        value = "net"
        effective_from = 2016-01-01
        """)
    ledger = a_ledger(*a_book_with_churn_downgrade_expansion_and_a_newcomer())
    r = customer_dollar_retention(ledger, D(2025, 1, 31), rules)
    assert r.expansion == "net"
    assert month_of(r, "2025-01").value == Decimal(3100) / Decimal(4000)


def test_the_average_is_the_mean_of_the_monthly_values_not_a_ratio_of_sums() -> None:
    ledger = a_ledger(snap("a", 2024, 1, 1000), snap("a", 2025, 1, 500),
                      snap("b", 2024, 2, 3000), snap("b", 2025, 2, 3000))
    r = customer_dollar_retention(ledger, D(2025, 2, 28), shipped())
    assert [m.value for m in r.months if m.value is not None] == [Decimal("0.5"), Decimal(1)]
    assert r.average_12m == Decimal("0.75")  # a ratio of sums would be 3,500 / 4,000


def test_no_month_with_a_value_gives_no_average_not_zero() -> None:
    r = customer_dollar_retention(a_ledger(snap("a", 2025, 1, 1000)), D(2025, 1, 31), shipped())
    assert r.average_12m is None
    assert r.as_json()["average_12m"] is None
    assert r.explanation[0].id == "retention.average_none"


def test_sharing_a_client_with_other_partners_does_not_change_retention() -> None:
    alone = a_ledger(snap("a", 2024, 1, 1000), snap("a", 2025, 1, 700),
                     snap("b", 2024, 1, 1000), snap("b", 2025, 1, 1000))
    shared = a_ledger(snap("a", 2024, 1, 1000, other_partners=2),
                      snap("a", 2025, 1, 700, other_partners=1),
                      snap("b", 2024, 1, 1000, other_partners=3),
                      snap("b", 2025, 1, 1000))
    on = D(2025, 1, 31)
    assert (customer_dollar_retention(shared, on, shipped()).average_12m
            == customer_dollar_retention(alone, on, shipped()).average_12m == Decimal("0.85"))


def test_clients_are_added_up_at_the_program_amounts_of_the_month() -> None:
    # EUR counted 75 per US$100 until 2025-07-14 and 88 from 2025-07-15. August 2025 compares
    # both months at August's 88: the EUR client's unchanged 880 EUR is US$1,000 then and now,
    # so the program table's change does not look like churn.
    ledger = a_ledger(snap("eu", 2024, 8, 880, currency="EUR", country="PT"),
                      snap("eu", 2025, 8, 880, currency="EUR", country="PT"),
                      snap("us", 2024, 8, 1000), snap("us", 2025, 8, 500))
    r = customer_dollar_retention(ledger, D(2025, 8, 31), shipped())
    aug = month_of(r, "2025-08")
    assert aug.base_usd == 2000 and aug.kept_usd == 1500
    assert aug.value == Decimal("0.75")
    assert any(ref.key == "EUR" and ref.effective_from == D(2025, 7, 15) for ref in r.refs)


def test_which_clients_explain_a_month() -> None:
    ledger = a_ledger(*a_book_with_churn_downgrade_expansion_and_a_newcomer())
    r = customer_dollar_retention(ledger, D(2025, 1, 31), shipped())
    clients = r.clients(D(2025, 1, 1))
    assert list(clients["client_id"]) == ["a", "b", "c"]  # most MRR lost first
    assert list(clients["change"]) == ["churned", "downgraded", "expanded"]
    assert clients.loc[2, "kept_usd"] == 1000 and clients.loc[2, "now_usd"] == 1600
    ids = [m.id for m in r.explanation]
    assert "retention.client_churned" in ids and "retention.policy_gross" in ids
    assert "D" not in set(clients["client_name"])


@st.composite
def books(draw: st.DrawFn) -> list[ManagedSnapshot]:
    out = []
    for client in draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, unique=True)):
        for month in draw(st.lists(st.integers(0, 24), max_size=8, unique=True)):
            out.append(snap(client, 2024 + month // 12, month % 12 + 1,
                            draw(st.decimals(0, 100_000, places=2)),
                            currency=draw(st.sampled_from(["USD", "EUR", "JPY", "BRL"])),
                            other_partners=draw(st.integers(0, 3))))
    return out


@given(books())
@settings(max_examples=60, deadline=None, database=None)
def test_gross_retention_is_never_above_one(book: list[ManagedSnapshot]) -> None:
    r = customer_dollar_retention(a_ledger(*book), D(2026, 1, 20), shipped())
    for m in r.months:
        assert m.value is None or Decimal(0) <= m.value <= 1
    assert r.average_12m is None or r.average_12m <= 1


def test_a_retention_policy_that_is_not_gross_or_net_is_refused() -> None:
    with pytest.raises(RulesError, match="customer_retention_expansion: 'half'"):
        rules_with("""
            [[policy]]
            key = "customer_retention_expansion"
            value = "half"
            effective_from = 2016-01-01
            """)
    with pytest.raises(RulesError, match="at least 1 month"):
        rules_with("""
            [[policy]]
            key = "customer_retention_lookback_months"
            value = 0
            effective_from = 2016-01-01
            """)
    with pytest.raises(RulesError, match="not a fraction from 0 to 1"):
        rules_with("""
            [[policy]]
            key = "customer_retention_min"
            value = { Elite = "85" }
            effective_from = 2016-01-01
            """)


# -- Elite's retention gate -----------------------------------------------------------------------
ELITE_POINTS = points(sourced=4000, managed=2000)
ON = dt.date(2025, 1, 31)


def retention_of(kept: int) -> object:
    """A 12-month average of kept/1,000 (one month with a value)."""
    ledger = a_ledger(snap("a", 2024, 1, 1000), snap("a", 2025, 1, kept))
    return customer_dollar_retention(ledger, ON, shipped())


def test_elite_needs_the_retention_minimum_when_retention_is_known() -> None:
    met = evaluate_tier(ELITE_POINTS, ON, shipped(), retention=retention_of(900))  # type: ignore[arg-type]
    assert met.tier == "Elite"
    req = next(r for r in met.requirements["Elite"] if r.name == "retention")
    assert (req.required, req.actual, req.met) == (Decimal("0.85"), Decimal("0.9"), True)
    assert req.ref is not None and req.ref.provenance == "hubspot"
    short = evaluate_tier(ELITE_POINTS, ON, shipped(), retention=retention_of(800))  # type: ignore[arg-type]
    assert short.tier == "Diamond"
    assert "short by 5 points" in next(r for r in short.requirements["Elite"]
                                       if r.name == "retention").describe()
    assert not any("retention" in line and "not checked" in line for line in short.explanation)


def test_elite_is_not_met_when_no_month_has_a_retention_value() -> None:
    none = customer_dollar_retention(a_ledger(snap("a", 2025, 1, 1000)), ON, shipped())
    perf = evaluate_tier(ELITE_POINTS, ON, shipped(), retention=none)
    assert perf.tier == "Diamond"
    req = next(r for r in perf.requirements["Elite"] if r.name == "retention")
    assert req.actual is None and "not recorded" in req.describe()


def test_without_a_ledger_retention_is_noted_as_not_checked() -> None:
    perf = evaluate_tier(ELITE_POINTS, ON, shipped())
    assert perf.tier == "Elite"  # typed points (the calculator): no figure to check
    assert not any(r.name == "retention" for r in perf.requirements["Elite"])
    assert any("retention minimum 85 %" in line and "not checked" in line
               for line in perf.explanation)
    assert any("by invitation" in line and "100 certifications" in line
               for line in perf.explanation)


def an_elite_points_book(*, lost_client: bool) -> list[object]:
    """Elite's points on 2025-01-31 (sourced US$39,000 at 5 = 1,950; managed US$200,000 = 2,000);
    with `lost_client`, a US$100,000 client managed in January 2024 is gone a year later."""
    from tests.unit.core.builders import a_sold_event

    events: list[object] = [a_sold_event(close_date=D(2024, 6, 1), amount="39000")]
    events += [snap("big", 2024 + m // 12, m % 12 + 1, 200_000) for m in range(13)]
    if lost_client:
        events.append(snap("lost", 2024, 1, 100_000))
    return events


def test_the_credited_tier_is_not_upgraded_to_elite_without_the_retention() -> None:
    from partnerkit.tiers import credited_tier

    ok = credited_tier(a_ledger(*an_elite_points_book(lost_client=False)), shipped(), "Diamond",
                       D(2024, 1, 1), D(2025, 1, 31))
    assert ok.tier == "Elite" and ok.performance.tier == "Elite"
    churned = credited_tier(a_ledger(*an_elite_points_book(lost_client=True)), shipped(),
                            "Diamond", D(2024, 1, 1), D(2025, 1, 31))
    assert churned.tier == "Diamond" and churned.performance.tier == "Diamond"
    req = next(r for r in churned.performance.requirements["Elite"] if r.name == "retention")
    assert req.actual == Decimal(2) / Decimal(3) and not req.met


@given(books())
@settings(max_examples=60, deadline=None, database=None)
def test_each_month_is_the_naive_per_client_computation(book: list[ManagedSnapshot]) -> None:
    from fractions import Fraction

    rules = shipped()
    r = customer_dollar_retention(a_ledger(*book), D(2025, 12, 5), rules)
    for m in r.months:
        def usd(month: dt.date, m: object = m) -> dict[str, Fraction]:
            out: dict[str, Fraction] = {}
            for s in book:
                if s.month == month:
                    local = rules.currency_rule(s.currency, m.month).local_per_100  # type: ignore[attr-defined]
                    out[s.client_id] = out.get(s.client_id, Fraction(0)) + (
                        Fraction(s.amount) * 100 / Fraction(local))
            return out
        base, now = usd(m.base_month), usd(m.month)
        den = sum(base.values(), Fraction(0))
        if not now and not any(s.month == m.month for s in book):
            assert m.status == "not_recorded" and m.value is None
        elif den == 0:
            assert m.value is None
        else:
            num = sum((min(now.get(c, Fraction(0)), b) for c, b in base.items()), Fraction(0))
            assert m.exact == num / den

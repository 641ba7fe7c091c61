"""Property-based invariants of the points engine (hypothesis): linearity, split shares, growth
markets, expiry, and the vectorised standing against a naive per-event Decimal computation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.ledger import ManagedSnapshot, SoldEvent
from partnerkit.points import estimate_points
from partnerkit.rules import Rulebook
from partnerkit.standing import compute_standing
from tests.unit.core.builders import D, a_ledger, shipped

RULES = shipped()
FAST = settings(max_examples=40, deadline=None, database=None)
TINY = Decimal("1E-15")

CURRENCIES = ["USD", "EUR", "GBP", "BRL", "JPY", "AUD", "INR"]
COUNTRIES = ["US", "PT", "GB", "BR", "IN", "JP", "VN", "MX"]
dates = st.dates(min_value=D(2016, 1, 1), max_value=D(2026, 12, 31))
amounts = st.decimals(min_value=0, max_value=1_000_000, places=4, allow_nan=False,
                      allow_infinity=False)


@st.composite
def sold_events(draw: st.DrawFn, client_ids: st.SearchStrategy[str]) -> SoldEvent:
    close = draw(dates)
    first = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=900)))
    first_sold = None if first is None else max(close - dt.timedelta(days=first), D(2016, 1, 1))
    return SoldEvent(client_id=draw(client_ids), close_date=close,
                     deal_type=draw(st.sampled_from(["sourced", "assisted"])),
                     amount=draw(amounts), currency=draw(st.sampled_from(CURRENCIES)),
                     country=draw(st.sampled_from(COUNTRIES)), first_sold=first_sold)


@st.composite
def managed_snapshots(draw: st.DrawFn, client_ids: st.SearchStrategy[str]) -> ManagedSnapshot:
    return ManagedSnapshot(client_id=draw(client_ids), month=draw(dates).replace(day=1),
                           amount=draw(amounts), currency=draw(st.sampled_from(CURRENCIES)),
                           country=draw(st.sampled_from(COUNTRIES)),
                           other_partners=draw(st.integers(min_value=0, max_value=4)))


clients = st.sampled_from(["a", "b", "c", "d", "e"])
ledgers = st.lists(st.one_of(sold_events(clients), managed_snapshots(clients)), max_size=40)


# --- a naive reference: one event at a time, Decimal, straight from the rule rows ----------------

def _in_force(row: object, on: dt.date) -> bool:
    start, end = row.effective_from, row.effective_to  # type: ignore[attr-defined]
    return bool(start <= on and (end is None or on <= end))


def _anniversary(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def naive_points(rules: Rulebook, credit: str, on: dt.date, amount: Decimal, currency: str,
                 country: str, first_sold: dt.date | None = None, partners: int = 1) -> Decimal:
    growth = any(g.country == country and g.growth and _in_force(g, on)
                 for g in rules.growth_markets)
    market = "growth" if growth else "standard"
    deciding = first_sold if credit == "sourced" and first_sold and first_sold < on else on
    (rate,) = [r.points_per_100 for r in rules.rates
               if r.credit == credit and r.market == market and _in_force(r, deciding)]
    (local,) = [c.local_per_100 for c in rules.currencies_
                if c.currency == currency and _in_force(c, on)]
    return amount / local * rate / partners


def naive_standing(events: list[SoldEvent | ManagedSnapshot], as_of: dt.date
                   ) -> dict[str, Decimal]:
    out = {"sourced": Decimal(0), "assisted": Decimal(0), "managed": Decimal(0),
           "expired": Decimal(0)}
    months = [e.month for e in events if isinstance(e, ManagedSnapshot) and e.month <= as_of]
    latest = max(months, default=None)
    for e in events:
        if isinstance(e, SoldEvent):
            p = naive_points(RULES, e.deal_type, e.close_date, e.amount, e.currency, e.country,
                             e.first_sold)
            if _anniversary(e.close_date) <= as_of:
                out["expired"] += p
            elif e.close_date <= as_of:
                out[e.deal_type] += p
        elif e.month == latest:
            out["managed"] += naive_points(RULES, "managed", e.month, e.amount, e.currency,
                                           e.country, partners=e.other_partners + 1)
    return out


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TINY


# --- properties ----------------------------------------------------------------------------------

def as_of_near(data: st.DataObject, events: list[SoldEvent | ManagedSnapshot]) -> dt.date:
    """A random date, or (more often) a day around an event's close, anniversary or month."""
    edges = [d for e in events for d in (
        (e.close_date, _anniversary(e.close_date)) if isinstance(e, SoldEvent) else (e.month,))]
    if not edges or data.draw(st.integers(0, 3)) == 0:
        return data.draw(dates)
    return data.draw(st.sampled_from(edges)) + dt.timedelta(days=data.draw(st.integers(-1, 1)))


@FAST
@given(events=ledgers, data=st.data())
def test_the_vectorised_standing_equals_a_naive_per_event_computation(
        events: list[SoldEvent | ManagedSnapshot], data: st.DataObject) -> None:
    as_of = as_of_near(data, events)
    s = compute_standing(a_ledger(*events), as_of, RULES)
    expected = naive_standing(events, as_of)
    assert close(s.sourced_points, expected["sourced"])
    assert close(s.assisted_points, expected["assisted"])
    assert close(s.managed_points, expected["managed"])
    assert close(s.expired_points, expected["expired"])
    assert close(sum(s.per_client["total_exact"], Decimal(0)), s.total_points)


@FAST
@given(events=st.lists(sold_events(clients), max_size=30), data=st.data())
def test_the_standing_never_counts_an_expired_event(events: list[SoldEvent],
                                                   data: st.DataObject) -> None:
    as_of = as_of_near(data, list(events))
    live = [e for e in events if _anniversary(e.close_date) > as_of]
    with_expired = compute_standing(a_ledger(*events), as_of, RULES)
    without = compute_standing(a_ledger(*live), as_of, RULES)
    assert with_expired.sold_points == without.sold_points
    for cid in {e.client_id for e in events}:
        statuses = with_expired.client_events(cid)
        expired = statuses[statuses["status"] == "expired"]
        assert all(d <= as_of for d in expired["expires_on"])
        active = statuses[statuses["status"] == "active"]
        assert all(d > as_of for d in active["expires_on"])


@FAST
@given(amount=amounts, factor=st.integers(min_value=0, max_value=1000), on=dates,
       currency=st.sampled_from(CURRENCIES), country=st.sampled_from(COUNTRIES),
       deal_type=st.sampled_from(["sourced", "assisted"]))
def test_points_scale_linearly_with_the_amount(amount: Decimal, factor: int, on: dt.date,
                                               currency: str, country: str,
                                               deal_type: str) -> None:
    scaled = amount * factor
    if scaled > 10**13:
        return
    one = estimate_points(amount, currency, country, deal_type, on, RULES, manage=True)
    many = estimate_points(scaled, currency, country, deal_type, on, RULES, manage=True)
    assert abs(many.sold_points - one.sold_points * factor) <= TINY * (factor + 1)
    assert abs(many.managed_points - one.managed_points * factor) <= TINY * (factor + 1)


@FAST
@given(amount=amounts, others=st.integers(min_value=0, max_value=100), on=dates,
       currency=st.sampled_from(CURRENCIES), country=st.sampled_from(COUNTRIES))
def test_managed_split_shares_add_up_to_the_whole(amount: Decimal, others: int, on: dt.date,
                                                  currency: str, country: str) -> None:
    whole = estimate_points(amount, currency, country, "sourced", on, RULES, manage=True)
    share = estimate_points(amount, currency, country, "sourced", on, RULES, manage=True,
                            other_partners=others)
    assert abs(share.managed_points * (others + 1) - whole.managed_points) <= TINY * (others + 1)
    assert share.sold_points == whole.sold_points  # the split never touches sold points


@FAST
@given(amount=amounts, on=dates, currency=st.sampled_from(CURRENCIES),
       deal_type=st.sampled_from(["sourced", "assisted"]),
       growth=st.sampled_from(sorted(RULES.growth_countries(D(2024, 1, 1)))),
       standard=st.sampled_from(["US", "PT", "GB", "DE", "JP", "AU", "ZA"]),
       first=st.one_of(st.none(), dates))
def test_a_growth_market_never_earns_less(amount: Decimal, on: dt.date, currency: str,
                                          deal_type: str, growth: str, standard: str,
                                          first: dt.date | None) -> None:
    first_sold = first if first is not None and first <= on else None
    g = estimate_points(amount, currency, growth, deal_type, on, RULES, first_sold, manage=True)
    s = estimate_points(amount, currency, standard, deal_type, on, RULES, first_sold, manage=True)
    assert g.sold_points >= s.sold_points
    assert g.managed_points >= s.managed_points


@FAST
@given(events=ledgers, start=dates, days=st.integers(min_value=0, max_value=400))
def test_sold_points_move_only_by_new_and_lost_points(
        events: list[SoldEvent | ManagedSnapshot], start: dt.date, days: int) -> None:
    from partnerkit.standing import point_changes
    end = start + dt.timedelta(days=days)
    ledger = a_ledger(*events)
    before = compute_standing(ledger, start, RULES)
    after = compute_standing(ledger, end, RULES)
    changes = point_changes(ledger, start, end, RULES)
    net = sum(changes["net"], Decimal(0))
    assert abs((after.total_points - before.total_points) - net) <= TINY * 100


@settings(max_examples=25, deadline=None, database=None)
@given(events=ledgers, as_of=dates)
def test_history_agrees_with_the_standing_at_every_past_month_end(
        events: list[SoldEvent | ManagedSnapshot], as_of: dt.date) -> None:
    from partnerkit.standing import history
    ledger = a_ledger(*events)
    h = history(ledger, as_of, RULES, months=6)
    for row in h[~h["projected"]].itertuples():
        s = compute_standing(ledger, row.month_end, RULES)
        assert (row.sourced_exact, row.assisted_exact, row.managed_exact) == (
            s.sourced_points, s.assisted_points, s.managed_points), row.month_end


TIERS = [None, "Gold", "Platinum", "Diamond"]


@settings(max_examples=20, deadline=None, database=None)
@given(performance=st.lists(st.sampled_from(TIERS), min_size=24, max_size=24),
       credited=st.sampled_from(TIERS), start_month=st.integers(min_value=0, max_value=11))
def test_the_credited_tier_goes_down_only_on_review_dates_and_never_inside_the_hold(
        performance: list[str | None], credited: str | None, start_month: int) -> None:
    from partnerkit.standing import add_months
    from partnerkit.tiers import credited_tier
    from tests.unit.core.builders import a_ledger_performing
    months = {(2023 + (7 + i) // 12, (7 + i) % 12 + 1): t for i, t in enumerate(performance)}
    since = add_months(D(2023, 8, 10), start_month)
    result = credited_tier(a_ledger_performing(months), RULES, credited, since,
                           as_of=D(2025, 7, 20))
    rank = RULES.tier_rank
    held_from = since
    for change in result.changes:
        if rank(change.to_tier) < rank(change.from_tier):
            assert (change.on.month, change.on.day) in ((1, 15), (7, 15)), change
            assert change.on >= add_months(held_from, 6), change
        else:
            nxt = change.on + dt.timedelta(days=1)
            assert nxt.day == 1, change  # upgrades at a month end (monthly refresh)
        held_from = change.on

"""Standing at a date (F2.2-F2.7; program-rules.md §5): active, expired, managed, per client,
expiring, history with projection, new and lost points, explanations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from partnerkit.standing import add_months, compute_standing, history, point_changes
from tests.unit.core.builders import D, a_ledger, a_managed_snapshot, a_sold_event, shipped

RULES = shipped()


def standing(*events: object, as_of: dt.date):  # type: ignore[no-untyped-def]
    return compute_standing(a_ledger(*events), as_of, RULES)  # type: ignore[arg-type]


# --- sold points live 12 months to the day ------------------------------------------------------

def test_a_sold_event_counts_the_day_before_its_first_anniversary() -> None:
    s = standing(a_sold_event(close_date=D(2024, 3, 15)), as_of=D(2025, 3, 14))
    assert (s.sourced_points, s.expired_points) == (50, 0)


def test_a_sold_event_expires_on_its_first_anniversary() -> None:
    s = standing(a_sold_event(close_date=D(2024, 3, 15)), as_of=D(2025, 3, 15))
    assert (s.sourced_points, s.expired_points) == (0, 50)


def test_a_sold_event_counts_from_its_close_date() -> None:
    event = a_sold_event(close_date=D(2024, 3, 15))
    assert standing(event, as_of=D(2024, 3, 14)).sold_points == 0
    assert standing(event, as_of=D(2024, 3, 15)).sold_points == 50


def test_a_future_event_is_neither_active_nor_expired() -> None:
    s = standing(a_sold_event(close_date=D(2024, 12, 1)), as_of=D(2024, 11, 30))
    assert (s.sold_points, s.expired_points, s.expiring[90]) == (0, 0, 0)


def test_a_leap_day_close_expires_on_february_28_of_the_next_year() -> None:
    event = a_sold_event(close_date=D(2024, 2, 29))
    assert standing(event, as_of=D(2025, 2, 27)).sold_points == 50
    assert standing(event, as_of=D(2025, 2, 28)).sold_points == 0
    events = standing(event, as_of=D(2025, 1, 1)).client_events("acme")
    assert events.loc[0, "expires_on"] == D(2025, 2, 28)


@pytest.mark.parametrize(("close", "expires"), [
    (D(2024, 1, 31), D(2025, 1, 31)), (D(2023, 3, 31), D(2024, 3, 31)),
    (D(2023, 2, 28), D(2024, 2, 28)), (D(2024, 12, 31), D(2025, 12, 31)),
])
def test_a_month_end_close_expires_on_the_same_day_a_year_later(close: D, expires: D) -> None:
    event = a_sold_event(close_date=close)
    assert standing(event, as_of=expires - dt.timedelta(days=1)).sold_points > 0
    assert standing(event, as_of=expires).sold_points == 0


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2024, 2, 29), 12, D(2025, 2, 28)), (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2023, 1, 31), 1, D(2023, 2, 28)), (D(2024, 8, 31), -2, D(2024, 6, 30)),
    (D(2024, 7, 15), -5, D(2024, 2, 15)), (D(2024, 12, 15), 1, D(2025, 1, 15)),
])
def test_adding_months_clamps_to_the_last_day_of_the_month(day: D, months: int,
                                                          expected: D) -> None:
    assert add_months(day, months) == expected


def test_sourced_and_assisted_points_are_kept_apart() -> None:
    s = standing(a_sold_event(deal_type="sourced"), a_sold_event(deal_type="assisted"),
                 as_of=D(2024, 4, 1))
    assert (s.sourced_points, s.assisted_points, s.sold_points) == (50, 30, 80)


def test_an_upsell_in_the_ledger_is_valued_by_its_product_lines_first_sale() -> None:
    s = standing(a_sold_event(close_date=D(2024, 5, 1), first_sold=D(2023, 6, 1)),
                 a_sold_event(client_id="new", close_date=D(2024, 5, 1), first_sold=D(2024, 3, 1)),
                 as_of=D(2024, 5, 2))
    assert s.sourced_points == 30 + 50


def test_currency_amounts_in_the_ledger_follow_the_close_date() -> None:
    s = standing(a_sold_event(currency="EUR", amount="750", close_date=D(2025, 7, 14)),
                 a_sold_event(currency="EUR", amount="880", close_date=D(2025, 7, 15),
                              client_id="b"),
                 as_of=D(2025, 7, 16))
    assert s.sourced_points == 100


# --- managed points: the latest month's snapshot -------------------------------------------------

def test_managed_points_come_from_the_latest_months_snapshot() -> None:
    ledger = (a_managed_snapshot(month=D(2024, 9, 1), amount="1000"),
              a_managed_snapshot(month=D(2024, 10, 1), amount="2000"))
    assert standing(*ledger, as_of=D(2024, 9, 30)).managed_points == 10
    s = standing(*ledger, as_of=D(2024, 10, 1))
    assert (s.managed_points, s.managed_month) == (20, D(2024, 10, 1))


def test_a_client_missing_from_the_latest_month_no_longer_earns_managed_points() -> None:
    s = standing(a_managed_snapshot(client_id="a", month=D(2024, 9, 1)),
                 a_managed_snapshot(client_id="b", month=D(2024, 9, 1)),
                 a_managed_snapshot(client_id="a", month=D(2024, 10, 1)), as_of=D(2024, 10, 15))
    assert s.managed_points == 10
    assert set(s.per_client.loc[s.per_client["managed"] > 0, "client_id"]) == {"a"}


def test_managed_points_are_split_among_managing_partners() -> None:
    s = standing(a_managed_snapshot(other_partners=1), a_managed_snapshot(client_id="b",
                 other_partners=3, amount="2000"), as_of=D(2024, 3, 31))
    assert s.managed_points == 5 + 5


def test_managed_points_never_expire_while_the_client_is_serviced() -> None:
    s = standing(a_managed_snapshot(month=D(2026, 11, 1)), as_of=D(2026, 11, 28))
    assert (s.managed_points, s.expired_points) == (10, 0)


def test_no_snapshot_yet_means_no_managed_points() -> None:
    s = standing(a_managed_snapshot(month=D(2024, 10, 1)), as_of=D(2024, 9, 30))
    assert (s.managed_points, s.managed_month) == (0, None)


def test_an_empty_ledger_stands_at_zero() -> None:
    s = standing(as_of=D(2024, 1, 1))
    assert (s.sold_points, s.managed_points, s.total_points, s.expired_points) == (0, 0, 0, 0)
    assert s.per_client.empty
    assert history(a_ledger(), D(2024, 1, 15), RULES, months=2)["total"].tolist() == [0] * 6


# --- per client (F2.6) ----------------------------------------------------------------------------

def test_the_per_client_breakdown_sums_to_the_standing() -> None:
    s = standing(a_sold_event(client_id="a", client_name="Alpha"),
                 a_sold_event(client_id="a", client_name="Alpha", deal_type="assisted"),
                 a_managed_snapshot(client_id="b", client_name="Beta", country="BR"),
                 a_sold_event(client_id="c", client_name="Gamma", deal_type="assisted",
                              close_date=D(2022, 1, 1)),
                 as_of=D(2024, 3, 31))
    pc = s.per_client.set_index("client_id")
    assert list(s.per_client.columns) == [
        "client_id", "client_name", "sourced", "assisted", "sold", "managed", "total", "deal_type",
        "market", "country", "sourced_exact", "assisted_exact", "sold_exact", "managed_exact",
        "total_exact"]
    assert pc.loc["a", ["sourced_exact", "assisted_exact", "sold_exact", "managed_exact",
                        "total_exact"]].tolist() == [
        50, 30, 80, 0, 80]
    assert pc.loc["b", ["managed", "total"]].tolist() == [20, 20]
    assert pc.loc["c", "total"] == 0
    assert sum(pc["total"]) == s.total_points
    assert pc["client_name"].to_dict() == {"a": "Alpha", "b": "Beta", "c": "Gamma"}


def test_clients_are_classified_by_deal_type_and_market() -> None:
    s = standing(a_sold_event(client_id="a"), a_sold_event(client_id="a", deal_type="assisted"),
                 a_sold_event(client_id="b", deal_type="assisted", country="IN"),
                 a_managed_snapshot(client_id="c", country="PT"), as_of=D(2024, 3, 31))
    pc = s.per_client.set_index("client_id")
    assert pc["deal_type"].to_dict() == {"a": "sourced", "b": "assisted", "c": "managed-only"}
    assert pc["market"].to_dict() == {"a": "standard", "b": "growth", "c": "standard"}
    assert pc["country"].to_dict() == {"a": "US", "b": "IN", "c": "PT"}


def test_clients_are_listed_by_total_points_highest_first() -> None:
    s = standing(a_sold_event(client_id="small", amount="100"),
                 a_sold_event(client_id="big", amount="5000"),
                 a_sold_event(client_id="mid", amount="1000"), as_of=D(2024, 3, 31))
    assert s.per_client["client_id"].tolist() == ["big", "mid", "small"]


def test_client_events_list_every_row_with_points_and_status() -> None:
    s = standing(a_sold_event(close_date=D(2023, 1, 10), event_id="old"),
                 a_sold_event(close_date=D(2024, 3, 15), event_id="live"),
                 a_sold_event(close_date=D(2024, 12, 1), event_id="later"),
                 a_managed_snapshot(month=D(2024, 8, 1), event_id="aug"),
                 a_managed_snapshot(month=D(2024, 9, 1), event_id="sep"),
                 a_sold_event(client_id="other", event_id="not-mine"),
                 as_of=D(2024, 9, 20))
    ev = s.client_events("acme").set_index("event_id")
    assert ev["status"].to_dict() == {"later": "not yet", "sep": "active", "aug": "past month",
                                      "live": "active", "old": "expired"}
    assert ev.loc["old", "points"] == 30 and ev.loc["live", "points"] == 50
    assert ev.loc["live", "expires_on"] == D(2025, 3, 15)
    assert ev.loc["sep", "expires_on"] is None
    assert (ev.loc["old", "rate"], ev.loc["live", "rate"]) == (3, 5)
    assert list(ev.index) == ["later", "sep", "aug", "live", "old"]  # newest first


# --- expiring soon (F2.4) -------------------------------------------------------------------------

def test_points_expiring_within_30_60_and_90_days_are_cumulative() -> None:
    as_of = D(2025, 1, 1)
    s = standing(a_sold_event(client_id="a", close_date=D(2024, 1, 31), amount="100"),  # in 30
                 a_sold_event(client_id="b", close_date=D(2024, 2, 1), amount="200"),   # 31 days
                 a_sold_event(client_id="c", close_date=D(2024, 3, 1), amount="400"),   # 59 days
                 a_sold_event(client_id="d", close_date=D(2024, 3, 31), amount="800"),  # 89 days
                 a_sold_event(client_id="e", close_date=D(2024, 6, 1), amount="1600"),  # later
                 a_managed_snapshot(month=D(2024, 12, 1)), as_of=as_of)
    assert s.expiring == {30: Decimal(3), 60: Decimal(3 + 6 + 20), 90: Decimal(3 + 6 + 20 + 40)}


def test_a_point_expiring_exactly_30_days_ahead_is_in_the_30_day_window() -> None:
    s = standing(a_sold_event(close_date=D(2024, 1, 30)), as_of=D(2024, 12, 31))
    assert s.expiring[30] == 30
    s = standing(a_sold_event(close_date=D(2024, 1, 31)), as_of=D(2024, 12, 31))
    assert (s.expiring[30], s.expiring[60]) == (0, 30)


# --- history and projection (F2.7) ----------------------------------------------------------------

def test_history_lists_past_month_ends_today_and_a_3_month_projection() -> None:
    h = history(a_ledger(a_sold_event(close_date=D(2024, 1, 10))), D(2024, 10, 15), RULES, months=3)
    assert h["month_end"].tolist() == [D(2024, 7, 31), D(2024, 8, 31), D(2024, 9, 30),
                                       D(2024, 10, 15), D(2024, 10, 31), D(2024, 11, 30),
                                       D(2024, 12, 31)]
    assert h["projected"].tolist() == [False] * 4 + [True] * 3
    assert h["is_as_of"].tolist() == [False, False, False, True, False, False, False]


def test_history_on_a_month_end_does_not_repeat_that_month_end() -> None:
    h = history(a_ledger(a_sold_event()), D(2024, 10, 31), RULES, months=2)
    assert h["month_end"].tolist() == [D(2024, 8, 31), D(2024, 9, 30), D(2024, 10, 31),
                                       D(2024, 11, 30), D(2024, 12, 31), D(2025, 1, 31)]


def test_the_projection_drops_sold_points_as_they_expire_and_keeps_managed_points() -> None:
    ledger = a_ledger(a_sold_event(close_date=D(2023, 11, 20), amount="1000"),
                      a_sold_event(client_id="b", close_date=D(2023, 12, 5), amount="2000"),
                      a_managed_snapshot(client_id="m", month=D(2024, 10, 1), amount="500"))
    h = history(ledger, D(2024, 10, 15), RULES, months=1).set_index("month_end")
    assert h.loc[D(2024, 10, 15), ["sold", "managed"]].tolist() == [30 + 60, 5]
    assert h.loc[D(2024, 10, 31), ["sold", "managed"]].tolist() == [90, 5]
    assert h.loc[D(2024, 11, 30), ["sold", "managed"]].tolist() == [60, 5]   # first expired 11-20
    assert h.loc[D(2024, 12, 31), ["sold", "managed", "total"]].tolist() == [0, 5, 5]
    assert h["projected"].sum() == 3


def test_the_projection_ignores_deals_dated_after_today() -> None:
    ledger = a_ledger(a_sold_event(close_date=D(2024, 11, 5)))
    h = history(ledger, D(2024, 10, 15), RULES, months=1)
    assert h["sold"].tolist() == [0, 0, 0, 0, 0]


def test_past_month_ends_use_that_months_managed_snapshot() -> None:
    ledger = a_ledger(a_managed_snapshot(month=D(2024, 8, 1), amount="1000"),
                      a_managed_snapshot(month=D(2024, 9, 1), amount="3000"),
                      a_sold_event(close_date=D(2023, 9, 15)))
    h = history(ledger, D(2024, 10, 5), RULES, months=3).set_index("month_end")
    assert h.loc[D(2024, 8, 31), ["sold", "managed"]].tolist() == [30, 10]
    assert h.loc[D(2024, 9, 30), ["sold", "managed"]].tolist() == [0, 30]  # expired 2024-09-15


def test_history_agrees_with_the_standing_at_every_past_month_end() -> None:
    ledger = a_ledger(*(a_sold_event(client_id=f"c{i}", close_date=D(2023, 1 + i, 28 - i),
                                     deal_type="sourced" if i % 2 else "assisted",
                                     amount=str(100 * (i + 1)), country="BR" if i % 3 else "US")
                        for i in range(12)),
                      *(a_managed_snapshot(month=D(2024, m, 1), amount=str(100 * m))
                        for m in range(1, 11)))
    h = history(ledger, D(2024, 10, 15), RULES, months=12)
    for row in h[~h["projected"]].itertuples():
        s = compute_standing(ledger, row.month_end, RULES)
        assert (row.sourced, row.assisted, row.managed) == (
            s.sourced_points, s.assisted_points, s.managed_points), row.month_end


# --- new and lost points (tier point changes) -----------------------------------------------------

def test_point_changes_show_new_and_lost_points_per_client() -> None:
    ledger = a_ledger(a_sold_event(client_id="won", client_name="Won", close_date=D(2024, 10, 3)),
                      a_sold_event(client_id="lapsed", close_date=D(2023, 10, 10)),
                      a_sold_event(client_id="outside", close_date=D(2023, 12, 10)),
                      a_managed_snapshot(client_id="grew", month=D(2024, 9, 1), amount="1000"),
                      a_managed_snapshot(client_id="grew", month=D(2024, 10, 1), amount="3000"),
                      a_managed_snapshot(client_id="left", month=D(2024, 9, 1), amount="500"))
    pc = point_changes(ledger, D(2024, 9, 30), D(2024, 10, 31), RULES).set_index("client_id")
    assert list(pc.columns) == ["client_name", "new_sold", "lost_sold", "new_managed",
                                "lost_managed", "net"]
    assert pc.loc["won", ["new_sold", "lost_sold", "net"]].tolist() == [50, 0, 50]
    assert pc.loc["won", "client_name"] == "Won"
    assert pc.loc["lapsed", ["new_sold", "lost_sold", "net"]].tolist() == [0, 30, -30]
    assert pc.loc["grew", ["new_managed", "lost_managed", "net"]].tolist() == [20, 0, 20]
    assert pc.loc["left", ["new_managed", "lost_managed", "net"]].tolist() == [0, 5, -5]
    assert "outside" not in pc.index


def test_point_changes_include_the_end_date_and_exclude_the_start_date() -> None:
    ledger = a_ledger(a_sold_event(client_id="start", close_date=D(2024, 9, 30)),
                      a_sold_event(client_id="end", close_date=D(2024, 10, 31)))
    pc = point_changes(ledger, D(2024, 9, 30), D(2024, 10, 31), RULES)
    assert pc["client_id"].tolist() == ["end"]


def test_point_changes_refuse_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="before the start date"):
        point_changes(a_ledger(), D(2024, 10, 1), D(2024, 9, 1), RULES)


# --- explanations ---------------------------------------------------------------------------------

def test_the_standing_explanation_names_the_figures_the_rules_and_their_provenance() -> None:
    s = standing(a_sold_event(country="BR", currency="EUR", amount="750"),
                 a_managed_snapshot(month=D(2024, 3, 1)), as_of=D(2024, 3, 31))
    text = "\n".join(s.explanation)
    assert "standing on 2024-03-31" in text
    assert "sourced 100.00 + assisted 0.00 = sold 100.00" in text
    assert "managed 10.00" in text and "month 2024-03-01" in text
    assert "rule rates sourced/growth (from 2024-02-27; HubSpot; program-rules.toml)" in text
    assert "rule currencies EUR (from 2016-01-01 to 2025-07-14; HubSpot" in text
    assert "growth_markets Latin America/BR (from 2016-01-01; partnerkit estimate" in text
    versions = [r.version for r in s.rules_used]
    assert "rates:managed/standard@2022-07-18..open" in versions


def test_the_standing_frame_keeps_exact_decimals_beside_float_columns() -> None:
    s = standing(a_sold_event(currency="EUR", amount="1"), as_of=D(2024, 3, 31))
    assert s.sourced_points == Decimal(5) / Decimal(75)
    assert isinstance(s.per_client.loc[0, "sourced_exact"], Decimal)
    assert s.per_client["sourced"].dtype == "float64"
    assert s.per_client.loc[0, "sourced"] == float(s.sourced_points)
    assert isinstance(s.client_events("acme").loc[0, "points"], Decimal)
    assert isinstance(s.per_client, pd.DataFrame)


# --- the sold-point lifetime is a policy row with its own dates ---------------------------------

SIX_MONTHS_FROM_JUNE_2024 = """
    [[policy]]
    key = "sold_point_lifetime_months"
    value = 6
    effective_from = 2024-06-01
"""


def test_a_shorter_lifetime_applies_to_deals_closed_from_its_effective_date() -> None:
    from tests.unit.core.builders import rules_with
    rules = rules_with(SIX_MONTHS_FROM_JUNE_2024)
    ledger = a_ledger(a_sold_event(close_date=D(2024, 5, 31), event_id="before"),
                      a_sold_event(close_date=D(2024, 6, 1), event_id="after"))
    ev = compute_standing(ledger, D(2024, 7, 1), rules).client_events("acme").set_index("event_id")
    assert ev["expires_on"].to_dict() == {"before": D(2025, 5, 31), "after": D(2024, 12, 1)}
    s = compute_standing(ledger, D(2024, 12, 1), rules)
    assert (s.sold_points, s.expired_points) == (50, 50)


def test_the_explanation_states_the_sold_point_lifetime_from_the_rules() -> None:
    from tests.unit.core.builders import rules_with
    ledger = a_ledger(a_sold_event())
    shipped_text = "\n".join(compute_standing(ledger, D(2024, 4, 1), RULES).explanation)
    assert "sold 50.00 (sold deals closed in the last 12 months)" in shipped_text
    assert "rule policy sold_point_lifetime_months (from 2016-01-01; derived by partnerkit" in (
        shipped_text)
    six = "\n".join(compute_standing(ledger, D(2024, 7, 1), rules_with(SIX_MONTHS_FROM_JUNE_2024))
                    .explanation)
    assert "(sold deals closed in the last 6 months)" in six
    assert "sold_point_lifetime_months (from 2024-06-01; your rules file; my-rules.toml)" in six


def test_a_month_without_any_snapshot_carries_the_latest_managed_points_in_history_too() -> None:
    ledger = a_ledger(a_managed_snapshot(month=D(2024, 5, 1), amount="500"),
                      a_managed_snapshot(month=D(2024, 8, 1), amount="1000"),
                      a_managed_snapshot(month=D(2024, 10, 1), amount="2000"))
    h = history(ledger, D(2024, 10, 15), RULES, months=4)
    assert h["managed"].tolist() == [5, 5, 10, 10, 20, 20, 20, 20]
    for row in h[~h["projected"]].itertuples():
        assert row.managed == compute_standing(ledger, row.month_end, RULES).managed_points

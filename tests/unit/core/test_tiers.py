"""Tiers (F2.1-F2.5; program-rules.md §1, §6, §7): performance, gaps, Get to, keep minimum, and the
credited tier through reviews (hold, keep-if-met, best-in-window, certification, upgrades)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from partnerkit.ledger import Ledger
from partnerkit.tiers import (
    credited_tier,
    evaluate_tier,
    next_review,
    reach_gold_deadline,
    review_dates_between,
)
from tests.unit.core.builders import (
    D,
    a_ledger,
    a_ledger_performing,
    a_managed_snapshot,
    a_sold_event,
    every_month,
    points,
    rules_with,
    shipped,
)

RULES = shipped()


def tier_on(on: dt.date, **pts: object) -> str | None:
    return evaluate_tier(points(**pts), on, RULES).tier


# --- performance: the highest tier whose every requirement holds ----------------------------------

def test_meeting_every_gold_requirement_performs_at_gold() -> None:
    assert tier_on(D(2024, 6, 1), sourced=63, managed=60) == "Gold"


def test_missing_any_one_requirement_means_not_that_tier() -> None:
    on = D(2024, 6, 1)
    assert tier_on(on, sourced=62, managed=200) is None        # sold minimum
    assert tier_on(on, sourced=200, managed=59) is None        # managed minimum
    assert tier_on(on, sourced=63, managed=59.99) is None      # managed, by a fraction
    assert tier_on(on, sourced=113, managed=199) == "Gold"     # Platinum's managed minimum


@pytest.mark.parametrize(("pts", "tier"), [
    ({"sourced": 113, "managed": 200}, "Platinum"),
    ({"sourced": 300, "managed": 500}, "Diamond"),
    ({"sourced": 1950, "managed": 1700}, "Elite"),
    ({"sourced": 0, "managed": 0}, None),
])
def test_the_highest_tier_met_is_the_performance_tier(pts: dict[str, int],
                                                      tier: str | None) -> None:
    assert tier_on(D(2024, 6, 1), **pts) == tier


def test_an_expired_certification_means_no_tier_at_all() -> None:
    perf = evaluate_tier(points(sourced=400, managed=600), D(2024, 6, 1), RULES,
                         certified_until=D(2024, 5, 31))
    assert perf.tier is None and perf.tier_label == "Untiered"
    assert not perf.certified
    assert perf.binding_requirement is not None
    assert perf.binding_requirement.name == "certification"


def test_a_certification_valid_through_the_day_counts_that_day() -> None:
    perf = evaluate_tier(points(sourced=400, managed=600), D(2024, 6, 1), RULES,
                         certified_until=D(2024, 6, 1))
    assert perf.tier == "Diamond"


def test_before_2025_07_15_assisted_points_count_toward_the_sold_minimum() -> None:
    assert tier_on(D(2025, 7, 14), assisted=200, managed=100) == "Gold"


def test_from_2025_07_15_the_sold_minimum_counts_only_sourced_points() -> None:
    assert tier_on(D(2025, 7, 15), assisted=200, managed=100) is None
    assert tier_on(D(2025, 7, 15), sourced=63, assisted=137, managed=100) == "Gold"


def test_assisted_points_still_count_toward_the_total_after_2025_07_15() -> None:
    assert tier_on(D(2025, 8, 1), sourced=63, assisted=6, managed=60) == "Gold"
    assert tier_on(D(2025, 8, 1), sourced=63, assisted=5, managed=60) is None


def test_the_total_minimum_rises_by_5_percent_on_2025_07_15() -> None:
    assert tier_on(D(2025, 7, 14), sourced=66, managed=60) == "Gold"  # 126 >= 123
    assert tier_on(D(2025, 7, 15), sourced=66, managed=60) is None    # 126 < 129


def test_until_2026_01_14_there_is_a_managed_minimum() -> None:
    assert tier_on(D(2026, 1, 14), sourced=100, managed=50) is None


def test_from_2026_01_15_there_is_no_managed_minimum() -> None:
    assert tier_on(D(2026, 1, 15), sourced=100, managed=50) == "Gold"
    assert tier_on(D(2026, 1, 15), sourced=129) == "Gold"
    names = {r.name for r in evaluate_tier(points(), D(2026, 1, 15), RULES).gap_to("Gold")}
    assert names == {"total", "sourced", "certification"}


def test_a_users_own_thresholds_decide_the_tier_from_their_date() -> None:
    rules = rules_with("""
        [[tiers]]
        tier = "Gold"
        total_min = "150"
        sold_min = "70"
        sold_min_counts = "sourced"
        effective_from = 2026-01-15
    """)
    assert evaluate_tier(points(sourced=140), D(2026, 2, 1), RULES).tier == "Gold"
    assert evaluate_tier(points(sourced=140), D(2026, 2, 1), rules).tier is None
    reqs = evaluate_tier(points(sourced=140), D(2026, 2, 1), rules).gap_to("Gold")
    assert reqs[0].ref is not None and reqs[0].ref.provenance == "user"


# --- gaps, Get to, keep minimum, binding requirement ----------------------------------------------

def test_the_gap_to_the_next_tier_is_listed_per_requirement() -> None:
    perf = evaluate_tier(points(sourced=100, assisted=20, managed=150), D(2024, 6, 1), RULES)
    assert (perf.tier, perf.next_tier) == ("Gold", "Platinum")
    gaps = {r.name: (r.required, r.actual, r.gap, r.met) for r in perf.gap_to("Platinum")}
    assert gaps["total"] == (313, 270, 43, False)
    assert gaps["sold"] == (113, 120, 0, True)
    assert gaps["managed"] == (200, 150, 50, False)
    assert gaps["certification"][3] is True


def test_get_to_any_chosen_tier_shows_every_requirement_gap() -> None:
    perf = evaluate_tier(points(sourced=100, managed=150), D(2026, 2, 1), RULES)
    gaps = {r.name: r.gap for r in perf.gap_to("diamond")}
    assert gaps == {"total": 590, "sourced": 200, "certification": 0}


def test_get_to_an_unknown_tier_names_the_ladder() -> None:
    perf = evaluate_tier(points(), D(2026, 2, 1), RULES)
    with pytest.raises(ValueError, match="Gold, Platinum, Diamond, Elite"):
        perf.gap_to("Silver")


def test_the_keep_minimum_is_the_requirements_of_the_current_tier() -> None:
    perf = evaluate_tier(points(sourced=150, managed=250), D(2024, 6, 1), RULES)
    assert perf.tier == "Platinum"
    assert {(r.name, r.required) for r in perf.keep_minimum if r.required is not None} == {
        ("total", 313), ("sold", 113), ("managed", 200)}
    assert evaluate_tier(points(), D(2024, 6, 1), RULES).keep_minimum == []


def test_the_binding_requirement_is_the_one_furthest_from_met() -> None:
    perf = evaluate_tier(points(sourced=100, managed=150), D(2024, 6, 1), RULES)
    binding = perf.binding_requirement
    assert binding is not None
    assert (binding.tier, binding.name, binding.gap) == ("Platinum", "total", 63)


def test_at_the_top_of_the_ladder_there_is_no_next_tier() -> None:
    perf = evaluate_tier(points(sourced=5000, managed=5000), D(2024, 6, 1), RULES)
    assert (perf.tier, perf.next_tier, perf.binding_requirement) == ("Elite", None, None)


def test_the_tiers_met_list_every_tier_reached() -> None:
    perf = evaluate_tier(points(sourced=350, managed=600), D(2024, 6, 1), RULES)
    assert perf.tiers_met == ["Gold", "Platinum", "Diamond"]


def test_the_tier_explanation_says_derived_thresholds_and_the_elite_invitation() -> None:
    perf = evaluate_tier(points(sourced=100, managed=50), D(2024, 6, 1), RULES)
    text = "\n".join(perf.explanation)
    assert "performance on 2024-06-01: Untiered" in text
    assert "Gold managed minimum 60 (derived by partnerkit): you have 50, short by 10" in text
    assert "Gold sold minimum 63 (derived by partnerkit): you have 100, met" in text
    assert "Elite is by invitation" in text and "not checked by partnerkit" in text
    assert "certification valid (no certification date given: assumed valid)" in text


def test_performance_can_be_evaluated_from_a_ledger_standing() -> None:
    from partnerkit.standing import compute_standing
    ledger = a_ledger(a_sold_event(amount="1300"), a_managed_snapshot(amount="6000"))
    s = compute_standing(ledger, D(2024, 3, 31), RULES)
    assert evaluate_tier(s, D(2024, 3, 31), RULES).tier == "Gold"


# --- reviews: dates -------------------------------------------------------------------------------

def test_reviews_fall_on_january_15_and_july_15() -> None:
    assert review_dates_between(RULES, D(2024, 1, 14), D(2025, 7, 15)) == [
        D(2024, 1, 15), D(2024, 7, 15), D(2025, 1, 15), D(2025, 7, 15)]
    assert review_dates_between(RULES, D(2024, 1, 15), D(2024, 7, 14)) == []


@pytest.mark.parametrize(("after", "expected"), [
    (D(2024, 1, 14), D(2024, 1, 15)), (D(2024, 1, 15), D(2024, 7, 15)),
    (D(2024, 7, 16), D(2025, 1, 15)), (D(2024, 12, 31), D(2025, 1, 15)),
])
def test_the_next_review_is_the_next_january_or_july_15(after: D, expected: D) -> None:
    assert next_review(RULES, after) == expected


def test_a_partner_must_reach_gold_within_24_months_of_joining() -> None:
    assert reach_gold_deadline(D(2024, 2, 29), RULES) == D(2026, 2, 28)


# --- credited tier through reviews ----------------------------------------------------------------

DIAMOND_UNTIL_JAN_2024 = every_month((2023, 8), (2024, 1), "Diamond")


def test_hubspots_example_credited_diamond_meeting_only_gold_moves_to_platinum() -> None:
    # Credited Diamond; only Gold on July 15; the best tier met since February 15 was Platinum.
    months = {**DIAMOND_UNTIL_JAN_2024, (2024, 2): "Gold", (2024, 3): "Platinum",
              **every_month((2024, 4), (2024, 7), "Gold")}
    c = credited_tier(a_ledger_performing(months), RULES, "Diamond", D(2023, 7, 16),
                      as_of=D(2024, 7, 20))
    assert (c.tier, c.since) == ("Platinum", D(2024, 7, 15))
    (change,) = c.changes
    assert (change.on, change.from_tier, change.to_tier) == (D(2024, 7, 15), "Diamond", "Platinum")
    assert "best tier met was Platinum" in change.reason
    assert "from 2024-02-15 to 2024-07-15" in change.reason


def test_meeting_the_credited_tier_for_one_month_of_the_window_keeps_it() -> None:
    months = {**DIAMOND_UNTIL_JAN_2024, **every_month((2024, 2), (2024, 7), "Gold"),
              (2024, 4): "Diamond"}
    c = credited_tier(a_ledger_performing(months), RULES, "Diamond", D(2023, 7, 16),
                      as_of=D(2024, 7, 20))
    assert (c.tier, c.changes) == ("Diamond", [])
    assert any("keeps Diamond: met it in 1 of" in line for line in c.explanation)


def test_the_window_starts_on_february_15_so_january_does_not_count() -> None:
    months = {**DIAMOND_UNTIL_JAN_2024, **every_month((2024, 2), (2024, 7), "Gold")}
    c = credited_tier(a_ledger_performing(months), RULES, "Diamond", D(2023, 7, 16),
                      as_of=D(2024, 7, 15))
    assert c.tier == "Gold"


def test_meeting_the_tier_only_on_the_review_date_itself_keeps_it() -> None:
    months = {**DIAMOND_UNTIL_JAN_2024, **every_month((2024, 2), (2024, 6), "Gold"),
              (2024, 7): "Diamond"}
    c = credited_tier(a_ledger_performing(months), RULES, "Diamond", D(2023, 7, 16),
                      as_of=D(2024, 7, 15))
    assert c.tier == "Diamond"


def test_tiers_go_down_only_on_review_dates() -> None:
    months = {**DIAMOND_UNTIL_JAN_2024, **every_month((2024, 2), (2024, 7), None)}
    ledger = a_ledger_performing(months)
    assert credited_tier(ledger, RULES, "Diamond", D(2023, 7, 16), as_of=D(2024, 7, 14)).tier == (
        "Diamond")
    c = credited_tier(ledger, RULES, "Diamond", D(2023, 7, 16), as_of=D(2024, 7, 15))
    assert c.tier == "Untiered"


def test_a_tier_is_held_for_6_months_after_it_is_earned() -> None:
    months = every_month((2024, 2), (2024, 7), "Gold")
    c = credited_tier(a_ledger_performing(months), RULES, "Diamond", D(2024, 3, 1),
                      as_of=D(2024, 8, 1))
    assert (c.tier, c.held_until) == ("Diamond", D(2024, 9, 1))
    assert any("held until 2024-09-01" in line for line in c.explanation)


def test_the_hold_ends_6_months_to_the_day_after_earning() -> None:
    months = every_month((2024, 1), (2024, 7), "Gold")
    c = credited_tier(a_ledger_performing(months), RULES, "Diamond", D(2024, 1, 15),
                      as_of=D(2024, 7, 15))
    assert c.tier == "Gold"


def test_an_expired_certification_on_a_review_date_means_a_tier_down() -> None:
    months = {**every_month((2023, 8), (2024, 7), "Platinum")}
    c = credited_tier(a_ledger_performing(months), RULES, "Platinum", D(2023, 7, 16),
                      as_of=D(2024, 7, 15), certified_until=D(2024, 7, 1))
    assert c.tier == "Gold"
    assert "certification expired on 2024-07-01" in c.changes[-1].reason


def test_a_certification_valid_on_the_review_date_keeps_the_tier() -> None:
    months = {**every_month((2023, 8), (2024, 7), "Platinum")}
    c = credited_tier(a_ledger_performing(months), RULES, "Platinum", D(2023, 7, 16),
                      as_of=D(2024, 7, 15), certified_until=D(2024, 7, 15))
    assert c.tier == "Platinum"


def test_an_upgrade_is_credited_at_the_month_end_performance_first_meets_it() -> None:
    months = {**every_month((2023, 8), (2024, 2), "Gold"), (2024, 3): "Platinum",
              (2024, 4): "Platinum", (2024, 5): "Diamond"}
    c = credited_tier(a_ledger_performing(months), RULES, "Gold", D(2023, 9, 1),
                      as_of=D(2024, 6, 10))
    assert [(x.on, x.to_tier) for x in c.changes] == [(D(2024, 3, 31), "Platinum"),
                                                        (D(2024, 5, 31), "Diamond")]
    assert (c.tier, c.since) == ("Diamond", D(2024, 5, 31))


def test_a_partner_with_no_credited_tier_is_upgraded_from_untiered() -> None:
    months = every_month((2023, 8), (2023, 10), "Gold")
    c = credited_tier(a_ledger_performing(months), RULES, None, D(2023, 8, 1),
                      as_of=D(2023, 10, 31))
    assert c.changes[0].from_tier == "Untiered" and c.tier == "Gold"
    assert c.since == D(2023, 8, 31)


def test_no_upgrade_without_a_valid_certification() -> None:
    months = every_month((2023, 8), (2023, 10), "Gold")
    c = credited_tier(a_ledger_performing(months), RULES, None, D(2023, 8, 1),
                      as_of=D(2023, 10, 31), certified_until=D(2023, 7, 31))
    assert c.tier == "Untiered"


def test_an_upgraded_tier_is_held_through_the_next_review() -> None:
    months = {**every_month((2023, 8), (2023, 11), "Gold"), (2023, 12): "Diamond",
              **every_month((2024, 1), (2024, 7), "Gold")}
    c = credited_tier(a_ledger_performing(months), RULES, "Gold", D(2023, 8, 1),
                      as_of=D(2024, 7, 20))
    # Diamond earned 2023-12-31 is held past the 2024-01-15 review; July reviews the window.
    assert [(x.on, x.to_tier) for x in c.changes] == [(D(2023, 12, 31), "Diamond"),
                                                        (D(2024, 7, 15), "Gold")]


def test_the_next_review_outcome_assumes_nothing_changes() -> None:
    months = {**DIAMOND_UNTIL_JAN_2024, **every_month((2024, 2), (2024, 6), "Gold")}
    c = credited_tier(a_ledger_performing(months), RULES, "Diamond", D(2023, 7, 16),
                      as_of=D(2024, 6, 20))
    assert (c.tier, c.next_review, c.next_review_tier) == ("Diamond", D(2024, 7, 15), "Gold")
    assert "moves to Gold" in c.next_review_outcome


def test_the_next_review_outcome_counts_sold_points_that_will_have_expired() -> None:
    months = every_month((2023, 8), (2024, 7), "Platinum")
    c = credited_tier(a_ledger_performing(months), RULES, "Platinum", D(2023, 7, 16),
                      as_of=D(2024, 7, 20))
    # The 420 sold points expire 2024-08-01 and managed points stay: nothing is met from August.
    assert c.tier == "Platinum"
    assert (c.next_review, c.next_review_tier) == (D(2025, 1, 15), "Untiered")


def test_the_next_review_outcome_ignores_deals_dated_after_as_of() -> None:
    months = every_month((2023, 8), (2024, 7), "Platinum")
    base = a_ledger_performing(months)
    # A big deal already in the ledger but closing after as_of would make Platinum if counted.
    future = a_ledger(a_sold_event(client_id="future", close_date=D(2024, 9, 1), amount="20000"))
    both = Ledger.from_frame(pd.concat([base.frame, future.frame], ignore_index=True))
    c = credited_tier(both, RULES, "Platinum", D(2023, 7, 16), as_of=D(2024, 7, 20))
    assert c.next_review_tier == "Untiered"


def test_the_credited_tier_refuses_an_as_of_before_credited_since() -> None:
    with pytest.raises(ValueError, match="before the credited-since date"):
        credited_tier(a_ledger(), RULES, "Gold", D(2024, 6, 1), as_of=D(2024, 5, 1))


def test_an_unknown_credited_tier_names_the_ladder() -> None:
    with pytest.raises(ValueError, match="Untiered, Gold, Platinum, Diamond, Elite"):
        credited_tier(a_ledger(), RULES, "Silver", D(2024, 1, 1), as_of=D(2024, 5, 1))


def test_a_user_policy_can_shorten_the_hold() -> None:
    rules = rules_with("""
        [[policy]]
        key = "tier_hold_months"
        value = 3
        effective_from = 2016-01-01
    """)
    months = every_month((2024, 2), (2024, 7), "Gold")
    ledger = a_ledger_performing(months)
    shipped_hold = credited_tier(ledger, RULES, "Diamond", D(2024, 3, 1), as_of=D(2024, 8, 1))
    user_hold = credited_tier(ledger, rules, "Diamond", D(2024, 3, 1), as_of=D(2024, 8, 1))
    assert (shipped_hold.tier, user_hold.tier) == ("Diamond", "Gold")


def test_dates_before_the_first_point_thresholds_use_the_first_thresholds() -> None:
    assert [t.total_min for t in RULES.tier_ladder(D(2021, 6, 30))] == [123, 313, 800, 3650]
    assert tier_on(D(2021, 6, 30), sourced=63, managed=60) == "Gold"


def test_a_tier_credited_before_the_points_model_can_be_followed_through_reviews() -> None:
    months = every_month((2021, 6), (2022, 7), "Gold")
    c = credited_tier(a_ledger_performing(months), RULES, "Gold", D(2021, 6, 1),
                      as_of=D(2022, 1, 20))
    assert c.tier == "Untiered"  # the sold base only starts in August 2023
    assert [x.on for x in c.changes] == [D(2022, 1, 15)]

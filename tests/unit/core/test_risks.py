"""Tier risks (issue 12; F2.1-F2.7): each kind on a hand-made ledger, soonest first, the JSON
contract, and the property that a risk's projected figure is `history()`'s on that date."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from partnerkit.risks import Risk, tier_risks
from partnerkit.standing import history
from partnerkit.tier_history import TierRecord, credited_on
from tests.unit.core.builders import (
    D,
    a_ledger,
    a_ledger_performing,
    a_managed_snapshot,
    a_sold_event,
    a_steady_sold_base,
    every_month,
    shipped,
)

RULES = shipped()
FAR = D(2030, 1, 1)  # a certification valid well beyond every test date


def risks(ledger, as_of, records, certified_until=FAR, joined_on=None) -> list[Risk]:
    cr = credited_on(ledger, RULES, records, as_of, certified_until)
    return tier_risks(ledger, RULES, as_of, cr, certified_until, joined_on)


def kinds(found: list[Risk]) -> list[str]:
    return [r.kind for r in found]


def diamond_until_the_base_expires():
    """Diamond-level managed points every month with the 420-point sold base (expires
    2024-08-01): the projection falls below Diamond once the base expires."""
    return a_ledger_performing(every_month((2023, 8), (2024, 6), "Diamond"))


def test_points_falling_below_the_credited_tiers_minimum_give_a_dated_below_minimum_risk():
    ledger = diamond_until_the_base_expires()
    found = [r for r in risks(ledger, D(2024, 6, 20), [TierRecord(D(2024, 1, 31), "Diamond")])
             if r.kind == "below_minimum"]
    assert len(found) == 1
    r = found[0]
    assert (r.date, r.tier) == (D(2024, 8, 31), "Diamond")
    assert r.requirement in ("total", "sold", "sourced", "managed")
    assert r.shortfall == r.required - r.projected > 0


@pytest.mark.parametrize("as_of", [D(2024, 5, 10), D(2024, 6, 20), D(2024, 7, 31)])
def test_a_risks_projected_figure_is_historys_projected_figure_on_that_date(as_of):
    ledger = diamond_until_the_base_expires()
    found = [r for r in risks(ledger, as_of, [TierRecord(D(2024, 1, 31), "Diamond")])
             if r.kind == "below_minimum"]
    assert found, "the base expires within the horizon"
    table = history(ledger, as_of, RULES, months=0, projection_months=6).set_index("month_end")
    for r in found:
        assert table.loc[r.date, f"{r.requirement}_exact"] == r.projected
        assert bool(table.loc[r.date, "projected"]) or r.date == as_of


def test_points_already_below_the_minimum_are_a_risk_dated_today():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 6), "Gold"))
    found = risks(ledger, D(2024, 6, 20), [TierRecord(D(2024, 5, 31), "Diamond")])
    below = [r for r in found if r.kind == "below_minimum"]
    assert below[0].date == D(2024, 6, 20) and below[0].tier == "Diamond"
    assert below[0].message.id == "risk.below_minimum_now"


def test_a_review_that_would_move_the_tier_down_is_a_review_downgrade_risk():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 6), "Gold"))
    found = risks(ledger, D(2024, 6, 20), [TierRecord(D(2023, 12, 31), "Diamond")])
    review = [r for r in found if r.kind == "review_downgrade"]
    assert len(review) == 1
    r = review[0]
    assert (r.date, r.tier, r.requirement) == (D(2024, 7, 15), "Diamond", "review")
    assert (r.required, r.projected, r.shortfall) == (Decimal(1), Decimal(0), Decimal(1))
    assert r.message.args["to_tier"] == "Gold"


def test_a_tier_held_through_the_next_review_has_no_review_risk():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 6), "Gold"))
    found = risks(ledger, D(2024, 6, 20), [TierRecord(D(2024, 5, 31), "Diamond")])
    assert "review_downgrade" not in kinds(found)


def test_a_certification_expiring_before_the_next_review_is_a_risk_on_its_expiry_date():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 6), "Gold"))
    found = risks(ledger, D(2024, 6, 1), [TierRecord(D(2024, 1, 31), "Gold")],
                  certified_until=D(2024, 7, 5))
    cert = [r for r in found if r.kind == "certification_expires"]
    assert [(r.date, r.tier, r.requirement) for r in cert] == [(D(2024, 7, 5), "Gold",
                                                                "certification")]
    assert "review_downgrade" in kinds(found)  # the review after it moves the tier down


def test_a_certification_valid_well_past_the_review_is_no_risk():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 6), "Gold"))
    found = risks(ledger, D(2024, 6, 1), [TierRecord(D(2024, 1, 31), "Gold")],
                  certified_until=D(2025, 3, 1))
    assert "certification_expires" not in kinds(found)


def test_sold_points_expiring_within_30_days_that_drop_the_tier_are_a_risk_on_that_day():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 7), "Gold"))
    found = risks(ledger, D(2024, 7, 10), [TierRecord(D(2024, 1, 31), "Gold")])
    expiring = [r for r in found if r.kind == "points_expiring"]
    assert [(r.date, r.tier) for r in expiring] == [(D(2024, 8, 1), "Gold")]
    assert expiring[0].message.args["points"] == Decimal(420)


def test_sold_points_expiring_later_than_30_days_are_not_a_points_expiring_risk():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 6), "Gold"))
    found = risks(ledger, D(2024, 6, 20), [TierRecord(D(2024, 1, 31), "Gold")])
    assert "points_expiring" not in kinds(found)
    assert "below_minimum" in kinds(found)


def test_a_partner_not_yet_gold_within_24_months_of_joining_has_a_gold_deadline():
    ledger = a_ledger(a_sold_event(close_date=D(2024, 3, 1), amount="1000"))
    found = risks(ledger, D(2024, 6, 1), [], joined_on=D(2023, 2, 10))
    gold = [r for r in found if r.kind == "gold_deadline"]
    assert [(r.date, r.tier) for r in gold] == [(D(2025, 2, 10), "Gold")]
    assert gold[0].shortfall > 0


def test_a_partner_that_joined_long_ago_has_no_gold_deadline():
    ledger = a_ledger(a_sold_event(close_date=D(2024, 3, 1), amount="1000"))
    assert "gold_deadline" not in kinds(risks(ledger, D(2024, 6, 1), [],
                                              joined_on=D(2019, 2, 10)))


def test_nothing_at_risk_is_an_empty_list():
    ledger = a_ledger(
        a_sold_event(client_id="new", close_date=D(2024, 6, 1), amount="14000"),
        *(a_managed_snapshot(client_id="m", month=D(2024, m, 1), amount=6_000)
          for m in range(1, 7)))
    assert risks(ledger, D(2024, 6, 15), [TierRecord(D(2024, 6, 1), "Gold")]) == []


def test_risks_come_soonest_first_with_the_json_contract():
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 7), "Gold"))
    found = risks(ledger, D(2024, 7, 10), [TierRecord(D(2023, 1, 31), "Platinum")],
                  certified_until=D(2024, 7, 12))
    assert [r.date for r in found] == sorted(r.date for r in found)
    assert len(found) >= 3
    for r in found:
        item = json.loads(json.dumps(r.as_json()))
        assert set(item) == {"kind", "date", "tier", "requirement", "required", "projected",
                             "shortfall", "message"}
        assert dt.date.fromisoformat(item["date"]) == r.date
        assert item["requirement"] in ("total", "sourced", "sold", "managed", "certification",
                                       "review")
        for key in ("required", "projected", "shortfall"):
            assert item[key] is None or isinstance(item[key], (int, float))
        assert item["message"] and "{" not in item["message"]


def test_the_steady_base_is_what_expires():
    # guards the builders the tests above rely on: 420 sold points until 2024-08-01
    base = a_steady_sold_base()
    assert base.close_date == D(2023, 8, 1)

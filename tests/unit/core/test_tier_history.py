"""The credited tier over time from recorded history (issue 12; F2.1): the latest record on or
before the date, then the reviews; "not recorded" before the first record, never a held tier."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from partnerkit.messages import ENGLISH
from partnerkit.tier_history import (
    TierRecord,
    credited_on,
    latest_record,
    month_over_month,
)
from tests.unit.core.builders import D, a_ledger_performing, every_month, shipped

RULES = shipped()
GOLD_ALL_YEAR = every_month((2023, 8), (2024, 12), "Gold")


def test_before_the_first_record_the_credited_tier_is_not_recorded():
    ledger = a_ledger_performing(GOLD_ALL_YEAR)
    cr = credited_on(ledger, RULES, [TierRecord(D(2024, 7, 2), "Gold")], D(2024, 6, 30))
    assert (cr.tier, cr.basis, cr.since, cr.detail) == (None, "not recorded", None, None)
    assert cr.message.english() == "not recorded before 2024-07-02"


def test_with_no_history_at_all_the_credited_tier_is_not_recorded():
    cr = credited_on(a_ledger_performing(GOLD_ALL_YEAR), RULES, [], D(2024, 6, 30))
    assert (cr.tier, cr.basis) == (None, "not recorded")


def test_on_and_after_the_record_the_recorded_tier_is_the_answer():
    ledger = a_ledger_performing(GOLD_ALL_YEAR)
    cr = credited_on(ledger, RULES, [TierRecord(D(2024, 7, 2), "Gold")], D(2024, 7, 2))
    assert (cr.tier, cr.basis, cr.since) == ("Gold", "recorded", D(2024, 7, 2))


def test_the_latest_record_on_or_before_the_date_is_the_start():
    history = [TierRecord(D(2024, 1, 2), "Platinum"), TierRecord(D(2023, 2, 1), "Gold")]
    assert latest_record(history, D(2024, 1, 1)) == TierRecord(D(2023, 2, 1), "Gold")
    assert latest_record(history, D(2024, 1, 2)) == TierRecord(D(2024, 1, 2), "Platinum")
    assert latest_record(history, D(2023, 1, 31)) is None


def test_a_review_after_the_record_that_moves_the_tier_makes_it_computed():
    ledger = a_ledger_performing(GOLD_ALL_YEAR)
    cr = credited_on(ledger, RULES, [TierRecord(D(2023, 12, 31), "Diamond")], D(2024, 8, 1))
    assert (cr.tier, cr.basis) == ("Gold", "computed")
    assert cr.decided_by is not None and cr.decided_by.on == D(2024, 7, 15)
    assert cr.message.args["recorded_tier"] == "Diamond"


def test_two_records_on_one_day_are_refused():
    with pytest.raises(ValueError, match="two credited-tier records"):
        latest_record([TierRecord(D(2024, 1, 2), "Gold"), TierRecord(D(2024, 1, 2), "Platinum")],
                      D(2024, 2, 1))


def test_the_promotion_month_says_up_from_and_never_unchanged():
    ledger = a_ledger_performing(GOLD_ALL_YEAR)
    history = [TierRecord(D(2023, 6, 1), "Gold"), TierRecord(D(2024, 7, 2), "Platinum")]
    june = credited_on(ledger, RULES, history, D(2024, 6, 30))
    july = credited_on(ledger, RULES, history, D(2024, 7, 31))
    said = month_over_month(june, july, RULES)
    assert said.id == "credited.up_from" and said.args["previous"] == "Gold"
    same = month_over_month(july, credited_on(ledger, RULES, history, D(2024, 8, 31)), RULES)
    assert same.id == "credited.unchanged"


def test_the_first_recorded_month_is_not_compared_with_an_unrecorded_one():
    ledger = a_ledger_performing(GOLD_ALL_YEAR)
    history = [TierRecord(D(2024, 7, 2), "Platinum")]
    june = credited_on(ledger, RULES, history, D(2024, 6, 30))
    july = credited_on(ledger, RULES, history, D(2024, 7, 31))
    assert month_over_month(june, july, RULES).id == "credited.first_recorded"
    assert month_over_month(june, june, RULES).english() == "not recorded before 2024-07-02"


def test_every_message_id_of_the_risks_and_history_has_an_english_template():
    root = Path(__file__).resolve().parents[3] / "partnerkit"
    ids = set()
    for name in ("risks.py", "tier_history.py"):
        ids |= set(re.findall(r'msg\(\s*"([a-z_.]+)"', (root / name).read_text()))
        ids |= set(re.findall(r'"((?:risk|credited)\.[a-z_]+)"', (root / name).read_text()))
    assert ids and not ids - set(ENGLISH)


def test_no_upgrade_is_simulated_before_a_later_record_that_says_when_the_tier_went_up():
    # Diamond is met every month, but HubSpot recorded the upgrade only on 2024-07-02.
    ledger = a_ledger_performing(every_month((2023, 8), (2024, 12), "Diamond"))
    history = [TierRecord(D(2023, 12, 31), "Platinum"), TierRecord(D(2024, 7, 2), "Diamond")]
    june = credited_on(ledger, RULES, history, D(2024, 6, 30))
    assert (june.tier, june.basis) == ("Platinum", "recorded")
    only_first = credited_on(ledger, RULES, history[:1], D(2024, 6, 30))
    assert (only_first.tier, only_first.basis) == ("Diamond", "computed")  # after the last record

"""Rules as data (issue 2 §2; program-rules.md): loading, validation, overrides, dates."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from partnerkit.explain import PROVENANCES
from partnerkit.rules import RulesError, UnknownCurrencyError, parse_rules
from partnerkit.rules_io import RULES_ENV, load_rules
from tests.unit.core.builders import D, rules_with, shipped

SHIPPED_TEXT = resources.files("partnerkit.data").joinpath("program-rules.toml").read_text("utf-8")


def full_file_with(extra: str = "", replace: tuple[str, str] | None = None) -> str:
    text = SHIPPED_TEXT
    if replace is not None:
        assert replace[0] in text, "the test's edit must apply to the shipped file"
        text = text.replace(replace[0], replace[1], 1)
    return text + "\n" + textwrap.dedent(extra)


def problems_of(text: str, *, partial: bool = False, source: str = "bad.toml") -> list[str]:
    with pytest.raises(RulesError) as err:
        parse_rules(textwrap.dedent(text), source, partial=partial)
    return err.value.problems


def merge_problems(text: str) -> list[str]:
    with pytest.raises(RulesError) as err:
        rules_with(text)
    return err.value.problems


# --- the shipped file -----------------------------------------------------------------------------

def test_the_shipped_rules_load_with_the_ladder_gold_to_elite() -> None:
    rules = shipped()
    assert rules.tier_names == ("Gold", "Platinum", "Diamond", "Elite")
    assert rules.untiered == "Untiered"


def test_every_shipped_row_has_a_known_provenance() -> None:
    assert {v.provenance for v in shipped().versions()} <= set(PROVENANCES) - {"user"}


SOLD_2022 = {"Gold": ("123", "63", "sold", "60"), "Platinum": ("313", "113", "sold", "200"),
             "Diamond": ("800", "300", "sold", "500"), "Elite": ("3650", "1950", "sold", "1700")}
SOURCED_2025 = {"Gold": ("129", "63", "sourced", "60"),
                "Platinum": ("328", "113", "sourced", "200"),
                "Diamond": ("840", "300", "sourced", "500"),
                "Elite": ("3833", "1950", "sourced", "1700")}
NO_MANAGED_2026 = {t: (total, sold, counts, None)
                   for t, (total, sold, counts, _) in SOURCED_2025.items()}


@pytest.mark.parametrize(("on", "expected"), [
    (D(2022, 7, 18), SOLD_2022), (D(2025, 7, 14), SOLD_2022), (D(2025, 7, 15), SOURCED_2025),
    (D(2026, 1, 14), SOURCED_2025), (D(2026, 1, 15), NO_MANAGED_2026),
])
def test_the_shipped_tier_thresholds_are_those_of_program_rules_section_6(
        on: D, expected: dict[str, tuple[str, str, str, str | None]]) -> None:
    ladder = {t.tier: t for t in shipped().tier_ladder(on)}
    for tier, (total, sold, counts, managed) in expected.items():
        t = ladder[tier]
        assert (t.total_min, t.sold_min) == (Decimal(total), Decimal(sold))
        assert t.sold_min_counts == counts
        assert t.managed_min == (None if managed is None else Decimal(managed))
        assert t.provenance == "derived"


def test_elite_is_marked_invitation_only_with_its_other_gates() -> None:
    elite = shipped().tier_ladder(D(2026, 1, 15))[-1]
    assert elite.invitation_only
    assert any("100 certifications" in r for r in elite.other_requirements)
    # Retention is checked (issue 18): a HubSpot policy row, not a text partnerkit cannot check.
    assert not any("retention" in r for r in elite.other_requirements)
    row = shipped().policy_rule("customer_retention_min", D(2026, 1, 15))
    assert row.value == {"Elite": "0.85"} and row.provenance == "hubspot"
    gross = shipped().policy_rule("customer_retention_expansion", D(2026, 1, 15))
    assert gross.value == "gross" and gross.provenance == "derived"


def test_the_shipped_policy_encodes_section_5_and_7() -> None:
    p = shipped().policy_on(D(2026, 1, 1))
    assert p.sold_point_lifetime_months == 12
    assert p.review_dates == ((1, 15), (7, 15))
    assert p.review_window_months == 5
    assert p.tier_hold_months == 6
    assert p.keep_if_met_months == 1
    assert p.downgrade_to == "best_in_window"
    assert p.certification_required is True
    assert p.certification_lapse_effect == "down_one_tier"
    assert p.upgrade_policy == "monthly_refresh"
    assert p.refs["upgrade_policy"].provenance == "estimate"
    assert p.reach_gold_within_months == 24
    assert p.projection_months == 3
    assert (p.renewal_lookahead_days, p.renewal_decision_days_before) == (120, 45)


@pytest.mark.parametrize(("score", "band"), [(0, "Low"), (3, "Low"), (4, "Medium"), (6, "Medium"),
                                             (7, "High"), (10, "High")])
def test_engagement_scores_fall_in_hubspots_bands(score: int, band: str) -> None:
    assert shipped().policy_on(D(2026, 1, 1)).engagement_band(score) == band


def test_sourced_rates_are_resolved_by_the_product_lines_first_sale_date() -> None:
    rules = shipped()
    assert rules.rate("sourced", "standard", D(2024, 6, 1), D(2024, 1, 1)).points_per_100 == 3
    assert rules.rate("sourced", "standard", D(2024, 6, 1), D(2024, 3, 1)).points_per_100 == 5
    assert rules.rate("sourced", "standard", D(2024, 6, 1)).points_per_100 == 5


def test_assisted_and_managed_rates_ignore_the_first_sale_date() -> None:
    rules = shipped()
    assert rules.rate("assisted", "growth", D(2024, 6, 1), D(2020, 1, 1)).points_per_100 == 6
    assert rules.rate("managed", "growth", D(2024, 6, 1), D(2020, 1, 1)).points_per_100 == 2


def test_a_rate_for_an_unknown_credit_type_or_market_is_refused() -> None:
    with pytest.raises(ValueError, match="sourced, assisted, managed"):
        shipped().rate("referral", "standard", D(2024, 6, 1))
    with pytest.raises(ValueError, match="standard, growth"):
        shipped().rate("sourced", "emerging", D(2024, 6, 1))


def test_a_currency_without_a_row_raises_an_error_listing_the_supported_currencies() -> None:
    with pytest.raises(UnknownCurrencyError) as err:
        shipped().currency_rule("PLN", D(2025, 8, 1))
    assert "PLN" in str(err.value)
    assert ", ".join(shipped().currencies(D(2025, 8, 1))) in str(err.value)


def test_the_supported_currencies_include_hubspots_and_our_estimates() -> None:
    assert set(shipped().currencies(D(2025, 8, 1))) == {
        "USD", "AUD", "CAD", "COP", "EUR", "GBP", "JPY", "SGD", "ZAR",
        "BRL", "MXN", "INR", "CHF", "SEK", "NOK", "DKK", "NZD", "HKD"}


def test_a_deal_closed_before_the_first_rules_row_uses_the_earliest_rules() -> None:
    # A partner's history may start before 2016; the program's oldest rows apply then.
    rules = shipped()
    assert rules.rate("sourced", "standard", D(2015, 6, 1)).points_per_100 == 3
    assert rules.currency_rule("EUR", D(2015, 6, 1)).local_per_100 == 75
    assert rules.market_of("BR", D(2015, 6, 1)) == "growth"
    assert rules.rate("sourced", "standard", D(2024, 6, 1), D(2014, 2, 1)).points_per_100 == 3


# --- validation: every problem, with file, table and key -----------------------------------------

def test_a_file_that_is_not_toml_is_reported_with_its_name() -> None:
    (problem,) = problems_of("[[rates]\ncredit = ", source="mine.toml")
    assert problem.startswith("mine.toml: not valid TOML")


def test_every_problem_is_reported_not_just_the_first() -> None:
    found = problems_of("""
        [[rates]]
        credit = "sourced"
        market = "standard"
        points_per_100 = "-5"
        effective_from = 2026-01-01

        [[currencies]]
        currency = "EURO"
        local_per_100 = "88"
        effective_from = 2026-01-01

        [[growth_markets]]
        region = "Nowhere"
        countries = ["XX"]
        effective_from = 2026-01-01
    """, partial=True, source="mine.toml")
    assert found == [
        "mine.toml: [[rates]] #1, key 'points_per_100': -5 is negative",
        "mine.toml: [[currencies]] #1, key 'currency': 'EURO' is not an ISO 4217 code "
        "(three capital letters)",
        "mine.toml: [[growth_markets]] #1, key 'countries': 'XX' is not an ISO 3166-1 alpha-2 "
        "country code",
    ]


@pytest.mark.parametrize(("row", "key", "fragment"), [
    ('credit = "referral"\nmarket = "standard"\npoints_per_100 = "5"', "credit", "'referral'"),
    ('credit = "sourced"\nmarket = "emerging"\npoints_per_100 = "5"', "market", "'emerging'"),
    ('credit = "sourced"\nmarket = "standard"\npoints_per_100 = "five"', "points_per_100",
     "not a number"),
    ('credit = "sourced"\nmarket = "standard"\npoints_per_100 = "nan"', "points_per_100",
     "not a finite number"),
    ('credit = "sourced"\nmarket = "standard"', "points_per_100", "is required"),
    ('credit = "sourced"\nmarket = "standard"\npoints_per_100 = "5"\nprovenance = "rumour"',
     "provenance", "'rumour'"),
])
def test_a_bad_rate_row_is_reported_with_its_row_and_key(row: str, key: str, fragment: str) -> None:
    (problem,) = problems_of(f"[[rates]]\n{row}\neffective_from = 2026-01-01\n", partial=True,
                             source="mine.toml")
    assert problem.startswith(f"mine.toml: [[rates]] #1, key '{key}':")
    assert fragment in problem


def test_a_bad_date_is_reported_with_the_expected_format() -> None:
    (problem,) = problems_of("""
        [[currencies]]
        currency = "EUR"
        local_per_100 = "88"
        effective_from = "15/07/2025"
    """, partial=True)
    assert "[[currencies]] #1, key 'effective_from'" in problem
    assert "2025-07-15" in problem


def test_a_row_ending_before_it_starts_is_reported() -> None:
    (problem,) = problems_of("""
        [[currencies]]
        currency = "EUR"
        local_per_100 = "88"
        effective_from = 2025-07-15
        effective_to = 2025-07-14
    """, partial=True)
    assert "key 'effective_to'" in problem and "before effective_from" in problem


def test_a_zero_currency_amount_is_refused() -> None:
    (problem,) = problems_of("""
        [[currencies]]
        currency = "EUR"
        local_per_100 = "0"
        effective_from = 2025-07-15
    """, partial=True)
    assert "key 'local_per_100': must be more than zero" in problem


def test_an_unknown_table_is_reported() -> None:
    (problem,) = problems_of('[bonuses]\nx = 1\n', partial=True)
    assert "[bonuses]" in problem and "unknown table" in problem


def test_an_unknown_tier_name_in_a_complete_file_is_reported() -> None:
    found = problems_of(full_file_with("""
        [[tiers]]
        tier = "Silver"
        total_min = "50"
        sold_min = "20"
        effective_from = 2027-01-01
    """))
    assert any("[[tiers]]" in p and "key 'tier'" in p and "'Silver'" in p for p in found)


def test_an_unknown_tier_name_in_an_override_is_reported() -> None:
    found = merge_problems("""
        [[tiers]]
        tier = "Silver"
        total_min = "50"
        sold_min = "20"
        effective_from = 2027-01-01
    """)
    assert any("'Silver' is not a tier of the ladder" in p and "my-rules.toml" in p for p in found)


def test_overlapping_ranges_are_reported_with_both_rows() -> None:
    found = problems_of(full_file_with("""
        [[currencies]]
        currency = "EUR"
        local_per_100 = "80"
        effective_from = 2025-01-01
        effective_to = 2025-12-31
    """), source="full.toml")
    assert any(p.startswith("currencies EUR:") and "overlaps" in p and "2025-01-01..2025-12-31" in p
               and "full.toml" in p for p in found)


def test_a_gap_between_ranges_is_reported() -> None:
    found = problems_of(full_file_with(replace=(
        'currency = "GBP"\nlocal_per_100 = "74.00"\neffective_from = 2025-07-15',
        'currency = "GBP"\nlocal_per_100 = "74.00"\neffective_from = 2025-07-20')))
    assert any(p.startswith("currencies GBP: gap between") and "2025-07-20..open" in p
               for p in found)


def test_a_gap_in_the_tier_timeline_is_reported() -> None:
    found = problems_of(full_file_with(replace=(
        'tier = "Gold"\ntotal_min = "129"\nsold_min = "63"\nsold_min_counts = "sourced"\n'
        'effective_from = 2026-01-15',
        'tier = "Gold"\ntotal_min = "129"\nsold_min = "63"\nsold_min_counts = "sourced"\n'
        'effective_from = 2026-02-01')))
    assert any(p.startswith("tiers Gold: gap between") for p in found)


def test_thresholds_that_do_not_rise_up_the_ladder_are_reported() -> None:
    found = merge_problems("""
        [[tiers]]
        tier = "Gold"
        total_min = "400"
        sold_min = "63"
        sold_min_counts = "sourced"
        effective_from = 2026-01-15
    """)
    assert found == ["tiers on 2026-01-15: Platinum total_min 328 is not above Gold total_min 400 "
                     "(program-rules.toml)"]


def test_a_negative_threshold_is_reported() -> None:
    (problem,) = problems_of("""
        [[tiers]]
        tier = "Gold"
        total_min = "-1"
        sold_min = "63"
        effective_from = 2026-01-15
    """, partial=True)
    assert "[[tiers]] #1, key 'total_min': -1 is negative" in problem


def test_a_complete_file_needs_a_ladder() -> None:
    found = problems_of('[meta]\nname = "x"\n')
    assert any("[ladder], key 'tiers'" in p for p in found)


# --- overrides ------------------------------------------------------------------------------------

GOLD_2026 = """
    [[tiers]]
    tier = "Gold"
    total_min = "150"
    sold_min = "70"
    sold_min_counts = "sourced"
    effective_from = 2026-01-15
    note = "from our HubSpot dashboard"
"""


def test_a_users_real_gold_thresholds_from_2026_01_15_replace_only_that_range() -> None:
    rules = rules_with(GOLD_2026)
    before = rules.tier_ladder(D(2026, 1, 14))[0]
    after = rules.tier_ladder(D(2026, 1, 15))[0]
    assert (before.tier, before.total_min, before.provenance) == ("Gold", 129, "derived")
    assert (after.tier, after.total_min, after.sold_min) == ("Gold", 150, 70)
    assert (after.provenance, after.source, after.note) == ("user", "my-rules.toml",
                                                           "from our HubSpot dashboard")
    assert rules.tier_ladder(D(2026, 1, 15))[1].total_min == 328  # Platinum untouched
    assert rules.tier_ladder(D(2023, 1, 1))[0].total_min == 123  # history untouched


def test_an_override_in_the_middle_of_a_shipped_row_splits_it_around_the_users_dates() -> None:
    rules = rules_with("""
        [[currencies]]
        currency = "EUR"
        local_per_100 = "80"
        effective_from = 2025-01-01
        effective_to = 2025-03-31
    """)
    got = [rules.currency_rule("EUR", d).local_per_100
           for d in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 3, 31), D(2025, 4, 1), D(2025, 7, 15))]
    assert got == [75, 80, 80, 75, 88]


def test_an_override_can_add_a_currency_hubspot_does_not_list() -> None:
    rules = rules_with("""
        [[currencies]]
        currency = "PLN"
        local_per_100 = "380"
        effective_from = 2016-01-01
        provenance = "estimate"
    """)
    assert rules.currency_rule("PLN", D(2025, 8, 1)).local_per_100 == 380
    assert "PLN" in rules.currencies(D(2025, 8, 1))


def test_an_override_can_remove_a_growth_market_from_a_date() -> None:
    rules = rules_with("""
        [[growth_markets]]
        region = "Latin America"
        countries = ["BR"]
        growth = false
        effective_from = 2026-01-01
    """)
    assert rules.market_of("BR", D(2025, 12, 31)) == "growth"
    assert rules.market_of("BR", D(2026, 1, 1)) == "standard"
    assert rules.market_of("MX", D(2026, 1, 1)) == "growth"


def test_an_override_can_change_a_policy() -> None:
    rules = rules_with("""
        [[policy]]
        key = "tier_hold_months"
        value = 3
        effective_from = 2016-01-01
    """)
    assert rules.policy_on(D(2026, 1, 1)).tier_hold_months == 3
    assert rules.policy_on(D(2026, 1, 1)).refs["tier_hold_months"].provenance == "user"


def test_partnerkit_rules_env_names_the_override_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env-rules.toml"
    path.write_text(textwrap.dedent(GOLD_2026), "utf-8")
    monkeypatch.setenv(RULES_ENV, str(path))
    rules = load_rules()
    assert rules.tier_ladder(D(2026, 2, 1))[0].total_min == 150
    assert "env-rules.toml" in rules.sources


def test_a_path_given_to_load_rules_wins_over_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "env.toml"
    env_file.write_text("[[rates]]\ncredit = 'sourced'\n", "utf-8")  # broken: must not be read
    monkeypatch.setenv(RULES_ENV, str(env_file))
    mine = tmp_path / "mine.toml"
    mine.write_text(textwrap.dedent(GOLD_2026), "utf-8")
    assert load_rules(mine).tier_ladder(D(2026, 2, 1))[0].total_min == 150


def test_without_an_override_load_rules_returns_the_shipped_rules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RULES_ENV, raising=False)
    assert load_rules().tier_ladder(D(2026, 2, 1))[0].total_min == 129


def test_an_edited_override_file_is_read_again(tmp_path: Path) -> None:
    import os
    path = tmp_path / "mine.toml"
    path.write_text(textwrap.dedent(GOLD_2026), "utf-8")
    assert load_rules(path).tier_ladder(D(2026, 2, 1))[0].total_min == 150
    path.write_text(textwrap.dedent(GOLD_2026).replace('"150"', '"160"'), "utf-8")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert load_rules(path).tier_ladder(D(2026, 2, 1))[0].total_min == 160


def test_a_missing_override_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="rules file not found"):
        load_rules(tmp_path / "nope.toml")


def test_an_override_file_that_is_not_utf8_is_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[meta]\nname = "Ol\xe1"\n'.encode("latin-1"))
    with pytest.raises(RulesError, match="UTF-8"):
        load_rules(path)


def test_a_broken_override_never_half_loads(tmp_path: Path) -> None:
    path = tmp_path / "half.toml"
    path.write_text(textwrap.dedent(GOLD_2026) + textwrap.dedent("""
        [[currencies]]
        currency = "EUR"
        local_per_100 = "-1"
        effective_from = 2025-07-15
    """), "utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(path)
    assert err.value.problems == [
        "half.toml: [[currencies]] #1, key 'local_per_100': -1 is negative"]
    # Nothing of the good Gold row leaked into the rules in use.
    assert load_rules().tier_ladder(D(2026, 2, 1))[0].total_min == 129
    assert shipped().tier_ladder(D(2026, 2, 1))[0].total_min == 129


def test_a_rules_error_message_lists_every_problem_on_its_own_line() -> None:
    err = RulesError(["a.toml: one", "a.toml: two"])
    assert str(err) == "2 problem(s) in the rules:\n  a.toml: one\n  a.toml: two"


def test_an_unknown_currency_on_an_old_date_still_lists_the_supported_ones() -> None:
    with pytest.raises(UnknownCurrencyError, match="supported: AUD, BRL"):
        shipped().currency_rule("PLN", D(2015, 6, 1))


def test_a_well_formed_but_unknown_currency_code_is_reported() -> None:
    (problem,) = problems_of("""
        [[currencies]]
        currency = "EUD"
        local_per_100 = "88"
        effective_from = 2025-07-15
    """, partial=True, source="mine.toml")
    assert problem == "mine.toml: [[currencies]] #1, key 'currency': 'EUD' is not an ISO 4217 " \
                      "currency code"


def test_every_shipped_currency_is_an_iso_4217_code() -> None:
    from partnerkit.money import ISO_4217
    assert {c.currency for c in shipped().currencies_} <= ISO_4217


# --- structure and policy values: reported, never a crash or a silent drop ---------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("ladder = 5\n", "[ladder], key 'ladder': must be a table ([ladder])"),
    ('[ladder]\ntiers = "Gold"\n', "[ladder], key 'tiers': must be a list of tier names"),
    ('[[tiers]]\ntier = "Gold"\ntotal_min = "150"\nsold_min = "70"\nother_requirements = 5\n'
     "effective_from = 2026-01-15\n",
     "[[tiers]] #1, key 'other_requirements': must be a list of texts"),
    ('[[tiers]]\nname = "Gold"\ntotal_min = "150"\nsold_min = "70"\n'
     "effective_from = 2026-01-15\n", "[[tiers]] #1, key 'name': unknown key"),
    ('[[tiers]]\ntier = "Gold"\ntotal_min = "150"\nsold_min = "70"\nmanaged_minimum = "80"\n'
     "effective_from = 2026-01-15\n", "[[tiers]] #1, key 'managed_minimum': unknown key"),
    ('[[policy]]\nkey = "sold_point_lifetime_months"\nvalue = "twelve"\n'
     "effective_from = 2016-01-01\n",
     "[[policy]] #1, key 'value': sold_point_lifetime_months: 'twelve' is not a whole number"),
    ('[[policy]]\nkey = "tier_hold_months"\nvalue = -1\neffective_from = 2016-01-01\n',
     "tier_hold_months: -1 is not a whole number >= 0"),
    ('[[policy]]\nkey = "review_dates"\nvalue = 5\neffective_from = 2016-01-01\n',
     "review_dates: must be a list of month-day dates"),
    ('[[policy]]\nkey = "review_dates"\nvalue = ["01-15", "07-32"]\neffective_from = 2016-01-01\n',
     "review_dates: '07-32' is not a month-day date"),
    ('[[policy]]\nkey = "certification_required"\nvalue = "yes"\neffective_from = 2016-01-01\n',
     "certification_required: must be true or false"),
    ('[[policy]]\nkey = "engagement_bands"\nvalue = { Low = [0] }\neffective_from = 2016-01-01\n',
     "engagement_bands: must be a table of band = [lowest, highest] scores"),
    ('[[policy]]\nkey = "upgrade_policy"\nvalue = 1\neffective_from = 2016-01-01\n',
     "upgrade_policy: 1 is not text"),
])
def test_a_malformed_override_is_reported_with_its_location(text: str, expected: str) -> None:
    found = problems_of(text, partial=True, source="mine.toml")
    assert any(p.startswith("mine.toml: ") and expected in p for p in found), found


def test_an_override_tier_row_without_a_tier_name_is_reported_not_dropped() -> None:
    (problem,) = problems_of("""
        [[tiers]]
        tier = ""
        total_min = "150"
        sold_min = "70"
        effective_from = 2026-01-15
    """, partial=True, source="mine.toml")
    assert problem == "mine.toml: [[tiers]] #1, key 'tier': is required (a tier name of the ladder)"

"""Points per deal (program-rules.md §2, §3, §5; F3.1/F3.2): worked examples and edge dates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from partnerkit.money import MoneyError
from partnerkit.points import currency_to_points, estimate_points, points_to_currency
from partnerkit.rules import UnknownCurrencyError
from tests.unit.core.builders import D, shipped

RULES = shipped()


def sold(amount: object = "1000", currency: str = "USD", country: str = "US",
         deal_type: str = "sourced", on: object = D(2024, 3, 15), first_sold: object = None
         ) -> Decimal:
    return estimate_points(amount, currency, country, deal_type, on, RULES,
                           first_sold=first_sold).sold_points


def managed(amount: object = "1000", currency: str = "USD", country: str = "US",
            on: object = D(2024, 3, 15), other_partners: int = 0) -> Decimal:
    return estimate_points(amount, currency, country, "assisted", on, RULES, manage=True,
                           other_partners=other_partners).managed_points


# --- §5 worked examples (HubSpot's own) ---------------------------------------------------------

def test_a_us_1000_managed_client_is_worth_10_managed_points() -> None:
    assert managed("1000", on=D(2024, 3, 15)) == 10


def test_marketing_hub_pro_sold_for_1000_in_october_2021_is_30_sold_points() -> None:
    assert sold("1000", on=D(2021, 10, 15)) == 30


def test_sales_hub_pro_cross_sold_for_1000_in_march_2024_sourced_standard_is_50_points() -> None:
    assert sold("1000", on=D(2024, 3, 15), first_sold=D(2024, 3, 15)) == 50
    assert sold("1000", on=D(2024, 3, 15)) == 50


def test_an_upsell_on_a_line_first_sold_before_the_cutover_keeps_3_points() -> None:
    assert sold("1000", on=D(2024, 6, 1), first_sold=D(2024, 2, 26)) == 30


def test_an_upsell_on_a_line_first_sold_before_the_cutover_keeps_6_in_growth_markets() -> None:
    assert sold("1000", country="BR", on=D(2024, 6, 1), first_sold=D(2023, 1, 10)) == 60


def test_an_upsell_on_a_line_first_sold_on_the_cutover_day_earns_the_new_rate() -> None:
    assert sold("1000", on=D(2024, 6, 1), first_sold=D(2024, 2, 27)) == 50


def test_two_managing_partners_get_5_managed_points_each_from_a_1000_client() -> None:
    assert managed("1000", other_partners=1) == 5


def test_three_managing_partners_split_the_managed_credit_in_thirds() -> None:
    share = managed("900", other_partners=2)
    assert share == 3
    assert share * 3 == managed("900")


@pytest.mark.parametrize("deal_type", ["sourced", "assisted"])
@pytest.mark.parametrize("on", [D(2021, 10, 15), D(2023, 5, 1), D(2024, 3, 15), D(2026, 2, 1)])
def test_a_growth_market_client_doubles_sold_points_for_every_credit_type(deal_type: str,
                                                                           on: D) -> None:
    assert sold(country="IN", deal_type=deal_type, on=on) == 2 * sold(
        country="US", deal_type=deal_type, on=on)


@pytest.mark.parametrize("on", [D(2021, 10, 15), D(2023, 5, 1), D(2024, 3, 15), D(2026, 2, 1)])
def test_a_growth_market_client_doubles_managed_points(on: D) -> None:
    assert managed(country="VN", on=on) == 2 * managed(country="US", on=on) == 20


def test_assisted_deals_stay_at_3_points_after_2024() -> None:
    assert sold(deal_type="assisted", on=D(2024, 3, 15)) == 30
    assert sold(deal_type="assisted", on=D(2026, 11, 1)) == 30


def test_assisted_deals_stay_at_6_points_in_growth_markets_after_2024() -> None:
    assert sold(deal_type="assisted", country="MX", on=D(2025, 1, 1)) == 60


def test_the_market_is_decided_by_the_clients_country_not_the_currency() -> None:
    assert sold(currency="USD", country="BR") == 100
    assert sold(currency="BRL", amount="5550", country="US") == 50


# --- edge dates ---------------------------------------------------------------------------------

def test_the_day_before_2022_07_18_uses_the_derived_2022_rates_applied_to_earlier_sales() -> None:
    e = estimate_points("1000", "USD", "US", "sourced", D(2022, 7, 17), RULES)
    assert e.sold_points == 30
    assert [r.provenance for r in e.rules_used if r.table == "rates"] == ["derived"]


def test_from_2022_07_18_hubspots_published_rates_apply() -> None:
    e = estimate_points("1000", "USD", "US", "sourced", D(2022, 7, 18), RULES)
    assert e.sold_points == 30
    rate = next(r for r in e.rules_used if r.table == "rates")
    assert (rate.provenance, rate.effective_from) == ("hubspot", D(2022, 7, 18))


def test_a_new_line_sourced_on_2024_02_26_earns_3_and_on_2024_02_27_earns_5() -> None:
    assert sold(on=D(2024, 2, 26)) == 30
    assert sold(on=D(2024, 2, 27)) == 50


def test_growth_market_sourced_rate_goes_from_6_to_10_on_2024_02_27() -> None:
    assert sold(country="PH", on=D(2024, 2, 26)) == 60
    assert sold(country="PH", on=D(2024, 2, 27)) == 100


@pytest.mark.parametrize(("currency", "before", "after"), [
    ("EUR", "75", "88"), ("GBP", "62.50", "74.00"), ("AUD", "105", "154"),
    ("JPY", "12000", "14400"), ("SGD", "140", "129"), ("ZAR", "1545", "1768"),
    ("COP", "300300", "408000"),
])
def test_the_currency_table_changes_between_2025_07_14_and_2025_07_15(
        currency: str, before: str, after: str) -> None:
    assert RULES.currency_rule(currency, D(2025, 7, 14)).local_per_100 == Decimal(before)
    assert RULES.currency_rule(currency, D(2025, 7, 15)).local_per_100 == Decimal(after)
    assert sold(before, currency=currency, on=D(2025, 7, 14)) == 5
    assert sold(after, currency=currency, on=D(2025, 7, 15)) == 5


@pytest.mark.parametrize("currency", ["USD", "CAD"])
def test_usd_and_cad_amounts_do_not_change_in_2025(currency: str) -> None:
    assert (RULES.currency_rule(currency, D(2025, 7, 14)).local_per_100
            == RULES.currency_rule(currency, D(2025, 7, 15)).local_per_100)


def test_750_eur_counts_as_us_1000_under_the_old_table() -> None:
    assert sold("750", currency="EUR", on=D(2024, 3, 15)) == 50


@pytest.mark.parametrize(("currency", "amount"), [
    ("BRL", "555"), ("MXN", "1870"), ("INR", "8590"), ("CHF", "80"), ("SEK", "960"),
    ("NOK", "1010"), ("DKK", "640"), ("NZD", "167"), ("HKD", "785"),
])
def test_currencies_hubspot_does_not_list_have_an_estimated_row_marked_as_an_estimate(
        currency: str, amount: str) -> None:
    rule = RULES.currency_rule(currency, D(2025, 9, 1))
    assert (rule.local_per_100, rule.provenance) == (Decimal(amount), "estimate")
    e = estimate_points(amount, currency, "US", "sourced", D(2025, 9, 1), RULES)
    assert e.sold_points == 5
    assert any(currency in note and "estimate" in note for note in e.estimates)


def test_a_currency_with_no_row_is_an_error_naming_the_supported_ones_never_1_to_1() -> None:
    with pytest.raises(UnknownCurrencyError) as err:
        sold("1000", currency="PLN")
    message = str(err.value)
    assert "PLN" in message
    for supported in ("USD", "EUR", "GBP", "BRL"):
        assert supported in message


def test_fractional_points_are_the_exact_rational_rounded_once() -> None:
    # 1 EUR / 75 EUR per US$100 x 5 points = 1/15, rounded once (not 1/75 rounded, then x 5).
    assert sold("1", currency="EUR", on=D(2024, 3, 15)) == Decimal(1) / Decimal(15)


# --- growth markets (§4) -------------------------------------------------------------------------

@pytest.mark.parametrize("country", ["IN", "CN", "MN", "KR", "BD", "BN", "KH", "HK", "ID", "LA",
                                     "MY", "MV", "MM", "NP", "PK", "PH", "LK", "SG", "TW", "TH",
                                     "TL", "VN"])
def test_hubspots_listed_asian_growth_markets_are_growth_markets(country: str) -> None:
    rule = RULES.growth_rule(country, D(2024, 1, 1))
    assert rule is not None and rule.provenance == "hubspot"


@pytest.mark.parametrize("country", ["MX", "BR", "AR", "CL", "CO", "PE", "DO", "CU", "PR"])
def test_latin_america_is_expanded_as_an_estimate(country: str) -> None:
    rule = RULES.growth_rule(country, D(2024, 1, 1))
    assert rule is not None and rule.provenance == "estimate"


@pytest.mark.parametrize("country", ["US", "PT", "GB", "DE", "JP", "AU", "CA", "ES"])
def test_other_countries_are_standard_markets(country: str) -> None:
    assert RULES.market_of(country, D(2024, 1, 1)) == "standard"


# --- conversion (F3.2) ---------------------------------------------------------------------------

def test_50_sourced_points_in_2024_take_1000_usd_of_new_mrr() -> None:
    c = points_to_currency("50", "10", "USD", "US", "sourced", D(2024, 3, 15), RULES)
    assert (c.sold_value, c.managed_value) == (1000, 1000)


def test_converting_points_to_currency_honours_the_managed_split() -> None:
    c = points_to_currency("0", "5", "USD", "US", "sourced", D(2024, 3, 15), RULES,
                           other_partners=1)
    assert c.managed_value == 1000


def test_currency_to_points_and_back_is_the_identity_to_the_cent() -> None:
    there = currency_to_points("1234.5", "987", "EUR", "BR", "assisted", D(2025, 8, 1), RULES)
    # Points typed back in are limited to 4 decimals; the value comes back within a cent.
    back = points_to_currency(there.sold_points.quantize(Decimal("1E-4")),
                              there.managed_points.quantize(Decimal("1E-4")), "EUR", "BR",
                              "assisted", D(2025, 8, 1), RULES)
    assert abs(back.sold_value - Decimal("1234.5")) < Decimal("0.01")
    assert abs(back.managed_value - Decimal("987")) < Decimal("0.01")


# --- explanations ---------------------------------------------------------------------------------

def test_the_explanation_names_the_currency_amount_market_rate_and_split() -> None:
    e = estimate_points("750", "EUR", "PT", "sourced", D(2024, 3, 15), RULES, manage=True,
                        other_partners=1)
    text = "\n".join(e.explanation)
    assert "75 EUR per US$100" in text
    assert "standard market" in text
    assert "sourced rate 5 points per US$100" in text
    assert "in force 2024-02-27" in text
    assert "split among 2 partners" in text
    assert "total 55 points" in text


def test_the_explanation_says_when_the_first_sale_decided_the_rate() -> None:
    e = estimate_points("1000", "USD", "US", "sourced", D(2024, 6, 1), RULES,
                        first_sold=D(2023, 5, 2))
    assert any("first sale on 2023-05-02" in line for line in e.explanation)


def test_the_rules_used_carry_their_version_and_provenance() -> None:
    e = estimate_points("1000", "USD", "BR", "sourced", D(2024, 3, 15), RULES, manage=True)
    versions = {r.version for r in e.rules_used}
    assert "rates:sourced/growth@2024-02-27..open" in versions
    assert "currencies:USD@2016-01-01..open" in versions
    assert any(v.startswith("growth_markets:Latin America/BR@") for v in versions)
    assert any("Latin America" in note and "estimate" in note for note in e.estimates)


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["-1", "NaN", "inf", "abc", "", "1e30", "1.00001"])
def test_bad_amounts_are_refused_with_a_plain_message_naming_the_field(amount: str) -> None:
    with pytest.raises(MoneyError, match="amount"):
        sold(amount)


def test_an_amount_typed_with_a_decimal_comma_is_read() -> None:
    assert sold("1000,50") == sold("1000.50")


def test_an_unknown_country_is_refused_naming_the_format() -> None:
    with pytest.raises(ValueError, match="ISO 3166"):
        sold(country="XX")


def test_an_unknown_deal_type_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="sourced, assisted"):
        sold(deal_type="referral")


def test_a_first_sale_after_the_deal_date_is_refused() -> None:
    with pytest.raises(ValueError, match="first sold"):
        sold(on=D(2024, 3, 1), first_sold=D(2024, 4, 1))


@pytest.mark.parametrize("others", [-1, 101])
def test_an_impossible_number_of_other_partners_is_refused(others: int) -> None:
    with pytest.raises(ValueError, match="other partners"):
        managed(other_partners=others)

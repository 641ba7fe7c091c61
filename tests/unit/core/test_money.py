"""Exact money input (money.py) and ISO country codes (countries.py): the same plain errors for
the CLI and the CSV import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from partnerkit.countries import normalise_country
from partnerkit.money import MoneyError, from_units, parse_amount, parse_currency, to_units


@pytest.mark.parametrize(("typed", "expected"), [
    ("1000", "1000"), (" 1000.5 ", "1000.5"), ("1_000", "1000"), ("0", "0"), ("1E+3", "1000"),
    ("1000,50", "1000.50"), ("12,5", "12.5"), ("1.000,50", "1000.50"), ("1,000.50", "1000.50"),
    ("1,000,000", "1000000"), ("1.234.567,8", "1234567.8"), (1000, "1000"), (0.1, "0.1"),
    (Decimal("99.9999"), "99.9999"),
])
def test_amounts_are_read_exactly(typed: object, expected: str) -> None:
    assert parse_amount(typed) == Decimal(expected)


def test_a_lone_comma_before_three_digits_is_refused_as_ambiguous_never_read_as_one() -> None:
    with pytest.raises(MoneyError) as err:
        parse_amount("1,000")
    assert str(err.value) == ("amount: '1,000' is ambiguous (thousands or decimal comma?); "
                              "write it as 1000 or 1.000")


@pytest.mark.parametrize("typed", ["1,2,3", "1.2.3,4", "1,000.000,5", "12..5", "1000.000,5"])
def test_malformed_separators_are_refused(typed: str) -> None:
    with pytest.raises(MoneyError, match="amount"):
        parse_amount(typed)


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "a number is required"), ("  ", "a number is required"), (None, "expected a number"),
    (True, "expected a number"), ("abc", "not a number"), ("nan", "not a finite number"),
    ("-Infinity", "not a finite number"), ("-0.01", "negative"),
    ("10000000000001", "too large"), ("0.00001", "more than 4 decimal places"),
])
def test_bad_amounts_say_what_is_wrong(typed: object, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason):
        parse_amount(typed, "sold value")


def test_zero_can_be_refused_where_an_amount_is_required() -> None:
    with pytest.raises(MoneyError, match="more than zero"):
        parse_amount("0", allow_zero=False)


def test_amounts_round_trip_through_exact_integer_units() -> None:
    assert to_units(Decimal("1234.5678")) == 12_345_678
    assert from_units(12_345_678) == Decimal("1234.5678")


@pytest.mark.parametrize(("typed", "code"), [("eur", "EUR"), (" USD ", "USD")])
def test_currency_codes_are_normalised(typed: str, code: str) -> None:
    assert parse_currency(typed) == code


@pytest.mark.parametrize("typed", ["EURO", "E", "US$", "", 978])
def test_a_currency_that_is_not_an_iso_code_is_refused(typed: object) -> None:
    with pytest.raises(MoneyError, match="ISO 4217"):
        parse_currency(typed)


def test_country_codes_are_iso_3166_alpha_2() -> None:
    assert normalise_country(" pt ") == "PT"
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        normalise_country("UK")

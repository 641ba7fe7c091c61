"""The points calculator component (F3, issue 5): validation as you type, country and currency
lists, language switch, estimate notes, "What does it take?", and errors that never leave a blank
or stale widget."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal

import ipywidgets as widgets
import pytest

from partnerkit.tiers import Points
from partnerkit.ui.calculator import PointsCalculator, default_as_of
from partnerkit.ui.calculator.fields import parse_localised_amount
from partnerkit.ui.i18n import translator

ON = dt.date(2024, 3, 15)


def build(code: str = "en", **kwargs) -> PointsCalculator:
    return PointsCalculator(locale=code, on=ON, **kwargs)


def with_valid_deal(calc: PointsCalculator, amount: str = "1000") -> PointsCalculator:
    calc.points.amount.widget.value = amount
    assert calc.points.result is not None
    return calc


def figure_text(html: str, css: str) -> str:
    m = re.search(
        rf'class="pk-figure {css}[^"]*">.*?<div class="pk-figure-value"[^>]*>([^<]*)<', html
    )
    assert m, html
    return m.group(1)


def test_the_component_is_a_vbox_the_dashboard_can_embed():
    calc = build()
    assert isinstance(calc, widgets.VBox)
    assert calc.widget is calc
    assert [calc.tabs.get_title(i) for i in range(3)] == [
        "Points",
        "Currency",
        "What does it take?",
    ]


def test_defaults_are_a_us_client_in_dollars_on_the_given_date():
    calc = build()
    p = calc.points
    assert p.country.code() == "US"
    assert p.currency.widget.value == "USD"
    assert p.date.widget.value == ON
    assert p.deal_type.value == "sourced"
    assert p.manage.value is False
    assert p.result is None  # nothing typed yet
    assert figure_text(p.figures.value, "pk-total") == "—"


def test_the_default_date_comes_from_partnerkit_as_of(monkeypatch):
    monkeypatch.setenv("PARTNERKIT_AS_OF", "2021-10-15")
    assert default_as_of() == dt.date(2021, 10, 15)
    assert PointsCalculator().points.date.widget.value == dt.date(2021, 10, 15)
    monkeypatch.setenv("PARTNERKIT_AS_OF", "not a date")
    assert default_as_of() == dt.date.today()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a number"),
        ("   ", "Enter a number"),
        ("-5", "negative"),
        ("abc", "Not a number"),
        ("12abc", "Not a number"),
        ("1e20", "too large"),
        ("99999999999999", "too large"),
        ("1.12345", "4 decimal places"),
        ("nan", "Not a number"),
    ],
)
def test_a_bad_amount_shows_a_message_by_the_field_and_no_stale_result(typed, message):
    calc = with_valid_deal(build())
    p = calc.points
    p.amount.widget.value = typed
    assert message in p.amount.message.text
    assert message in p.amount.message.widget.value  # visible, not just stored
    assert p.result is None
    for css in ("pk-total", "pk-sold", "pk-managed"):
        assert figure_text(p.figures.value, css) == "—"
    assert p.how.value == ""
    p.amount.widget.value = "1000"
    assert p.amount.message.text == ""
    assert p.result.total_points == 50


def test_amount_messages_are_in_the_chosen_language():
    calc = build("pt_BR")
    calc.points.amount.widget.value = "abc"
    assert calc.points.amount.message.text.startswith("Não é um número")
    calc.set_locale("pt_PT")
    assert calc.points.amount.message.text.startswith("Não é um número: escreva")


@pytest.mark.parametrize(
    ("code", "typed", "value"),
    [
        ("en", "1,000.50", Decimal("1000.50")),
        ("en", "1000.5", Decimal("1000.5")),
        ("en", "1000,50", Decimal("1000.50")),
        ("pt_BR", "1.000,50", Decimal("1000.50")),
        ("pt_BR", "1.000", Decimal("1000")),
        ("pt_BR", "1000,5", Decimal("1000.5")),
        ("pt_PT", "1 000,50", Decimal("1000.50")),
        ("pt_PT", "1\u00a0000,50", Decimal("1000.50")),
        ("pt_PT", "1000.50", Decimal("1000.50")),
        ("pt_PT", "1.234,5", Decimal("1234.5")),
        ("pt_PT", "1.000", Decimal("1000")),
        ("pt_BR", "1.000.000,25", Decimal("1000000.25")),
        ("pt_BR", "1,000", Decimal("1")),
        ("en", "1,000", Decimal("1000")),
        ("en", "1.000", Decimal("1")),
        ("en", "1,5", Decimal("1.5")),
        ("en", "1 234.5", Decimal("1234.5")),
    ],
)
def test_amounts_are_read_in_the_users_number_format(code, typed, value):
    assert parse_localised_amount(typed, translator(code, "calculator")) == value


@pytest.mark.parametrize("typed", ["1.2.3,4", "1,2,3", "12..5", "1.000,000.5"])
def test_a_number_with_muddled_separators_is_refused_not_guessed(typed):
    with pytest.raises(ValueError, match="Não é um número"):
        parse_localised_amount(typed, translator("pt_PT", "calculator"))
    with pytest.raises(ValueError, match="Not a number"):
        parse_localised_amount(typed, translator("en", "calculator"))


def test_the_same_text_is_reread_in_the_new_language_after_a_switch():
    calc = build("pt_BR")
    calc.points.amount.widget.value = "1.234,5"
    assert calc.points.result.sold_points == Decimal("61.725")
    calc.set_locale("pt_PT")
    assert calc.points.result.sold_points == Decimal("61.725")
    calc.set_locale("en")
    assert calc.points.result.sold_points == Decimal("61.725")


def test_a_brazilian_thousands_separator_is_not_read_as_a_decimal_point():
    calc = build("pt_BR")
    calc.points.amount.widget.value = "1.000"
    assert calc.points.result.sold_points == 50


def test_an_unknown_country_shows_a_message_and_no_result():
    calc = with_valid_deal(build())
    calc.points.country.widget.value = "Atlantis"
    assert "Atlantis" in calc.points.country.message.text
    assert calc.points.result is None


@pytest.mark.parametrize("typed", ["BR", "br", "Brazil", "brasil", "Brasil (BR) · growth market"])
def test_a_country_can_be_typed_as_a_code_a_name_or_picked_from_the_list(typed):
    calc = with_valid_deal(build())
    calc.points.country.widget.value = typed
    assert calc.points.country.code() == "BR"
    assert calc.points.result is not None
    assert calc.points.result.market == "growth"


def test_growth_markets_are_marked_and_names_are_localised():
    calc = build("pt_BR")
    options = calc.points.country.widget.options
    assert "Brasil (BR) · mercado em crescimento" in options
    assert "Estados Unidos (US)" in options
    assert "Alemanha (DE)" in options
    calc.set_locale("en")
    assert "Brazil (BR) · growth market" in calc.points.country.widget.options
    assert "Germany (DE)" in calc.points.country.widget.options


def test_the_currency_follows_the_country_and_can_be_changed():
    calc = with_valid_deal(build())
    p = calc.points
    p.country.widget.value = p.country.label_of("PT")
    assert p.currency.widget.value == "EUR"
    assert p.result.currency == "EUR"
    p.currency.widget.value = "USD"
    assert p.result.currency == "USD"
    assert p.result.sold_points == 50


def test_only_currencies_the_rules_support_on_the_date_are_offered():
    calc = build()
    offered = [v for _label, v in calc.points.currency.widget.options]
    assert offered == calc.get_rules().currencies(ON)
    assert "BRL" in offered and "ARS" not in offered


def test_a_country_whose_currency_has_no_program_amount_names_the_supported_ones():
    calc = with_valid_deal(build())
    p = calc.points
    p.country.widget.value = p.country.label_of("AR")
    assert p.result is None
    message = p.currency.message.text
    assert "ARS" in message and "USD" in message and "EUR" in message
    p.currency.widget.value = "USD"
    assert p.result.sold_points == 100  # Argentina is a growth market (estimate)
    assert "estimate" in p.note.value


def test_the_other_partners_field_shows_only_when_you_manage_the_client():
    calc = with_valid_deal(build())
    p = calc.points
    assert p.others.box.layout.display == "none"
    p.manage.value = True
    assert p.others.box.layout.display is None
    assert p.result.managed_points == 10
    p.others.widget.value = 3
    assert p.result.managed_points == Decimal("2.5")
    p.others.widget.value = -1
    assert "0 or more" in p.others.message.text
    assert p.result is None
    p.manage.value = False
    assert p.result.managed_points == 0  # the hidden field no longer matters


def test_a_first_sale_after_the_deal_date_is_refused():
    calc = with_valid_deal(build())
    calc.points.first_sold.widget.value = dt.date(2025, 1, 1)
    assert "first sold after" in calc.points.first_sold.message.text
    assert calc.points.result is None


def test_a_missing_date_asks_for_one():
    calc = with_valid_deal(build())
    calc.points.date.widget.value = None
    assert "decides which rules apply" in calc.points.date.message.text
    assert calc.points.result is None


def test_changing_the_date_changes_the_rules_used():
    calc = with_valid_deal(build())
    assert calc.points.result.sold_points == 50
    calc.points.date.widget.value = dt.date(2021, 10, 15)
    assert calc.points.result.sold_points == 30


def test_the_explanation_names_rate_currency_amount_growth_multiplier_and_split():
    calc = with_valid_deal(build())
    p = calc.points
    p.country.widget.value = "IN"
    p.currency.widget.value = "USD"
    p.manage.value = True
    p.others.widget.value = 1
    how = p.how.value
    assert "$100.00 counts as US$100" in how
    assert "India: growth market" in how
    assert "10 sold points per US$100" in how
    assert "10 instead of 5" in how
    assert "split among 2 partners" in how
    for line in p.result.explanation:  # the core's step-by-step lines, escaped
        assert line.replace(">", "&gt;") in how


def test_an_estimated_currency_amount_is_flagged_and_hubspot_figures_are_not():
    calc = with_valid_deal(build())
    assert calc.points.note.value == ""  # USD, US, HubSpot's own rates
    calc.points.currency.widget.value = "BRL"
    note = calc.points.note.value
    assert "BRL" in note and "estimate" in note and "555" in note


def test_switching_language_relabels_everything_and_formats_numbers():
    calc = with_valid_deal(build(), "1234.5")
    calc.points.manage.value = True
    calc.set_locale("pt_BR")
    p = calc.points
    assert calc.language.value == "pt_BR"
    assert p.manage.description == "Você também vai gerenciar este cliente?"
    assert calc.tabs.get_title(0) == "Pontos"
    assert figure_text(p.figures.value, "pk-sold") == "61,7"
    assert "Pontos totais" in p.figures.value
    assert "Pontos gerenciados" in p.figures.value  # the glossary's word (docs/glossary.md)
    calc.language.value = "pt_PT"  # the picker in the component
    assert calc.t.code == "pt_PT"
    assert p.manage.description == "Vai também gerir este cliente?"
    assert "Pontos geridos" in p.figures.value
    assert p.result.sold_points == Decimal("61.725")  # values untouched by the switch
    calc.set_locale("en")
    assert figure_text(p.figures.value, "pk-sold") == "61.7"


def test_an_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="pt_BR"):
        build().set_locale("fr")


def test_currency_tab_switches_between_points_and_values():
    calc = build()
    c = calc.currency
    assert c.sold_points.box.layout.display is None
    assert c.sold_value.box.layout.display == "none"
    c.sold_points.widget.value = "50"
    assert c.result.sold_value == 1000
    c.method.value = "to_points"
    assert c.sold_points.box.layout.display == "none"
    assert c.sold_value.box.layout.display is None
    assert c.result is not None and c.result.total_points == 0  # nothing typed: zero
    c.sold_value.widget.value = "2000"
    assert c.result.sold_points == 100
    c.sold_value.widget.value = "-3"
    assert "negative" in c.sold_value.message.text
    assert c.result is None
    assert figure_text(c.figures.value, "pk-sold") == "—"


def test_what_does_it_take_gives_the_mrr_that_closes_each_gap_from_zero():
    calc = build()
    g = calc.target
    assert g.tier.value == "Gold"
    rows = {r["requirement"]: r for r in g.gaps}
    # Gold (2022 derived thresholds): total 123, sold 63, managed 60; sourced 5, assisted 3 and
    # managed 1 point per US$100 on 2024-03-15.
    assert rows["total"]["gap"] == 123
    assert rows["total"]["sourced"] == Decimal("2460")
    assert rows["total"]["assisted"] == Decimal("4100")
    assert rows["total"]["managed"] == Decimal("12300")
    assert rows["sold"]["managed"] is None  # managed points don't count toward the sold minimum
    assert rows["managed"]["sourced"] is None and rows["managed"]["managed"] == 6000
    assert "US$2,460.00" in g.table.value or "$2,460.00" in g.table.value
    assert "derived" in g.note.value


def test_what_does_it_take_uses_the_standing_passed_by_the_dashboard():
    standing = Points(
        sourced_points=Decimal(60), assisted_points=Decimal(0), managed_points=Decimal(60)
    )
    calc = build(standing=standing)
    g = calc.target
    assert g.tier.value == "Gold"  # the next tier up: nothing met yet
    assert g.sourced.widget.value == "60.00"
    rows = {r["requirement"]: r for r in g.gaps}
    assert rows["total"]["gap"] == 3
    assert rows["sold"]["sourced"] == Decimal("60")  # 3 points at 5 per US$100
    assert rows["managed"]["met"] is True
    calc.set_standing(Points(Decimal(200), Decimal(0), Decimal(100)))
    assert g.tier.value == "Platinum"  # Gold met: the target moves to the next tier
    g.tier.value = "Gold"
    assert "already meet every points requirement of Gold" in g.table.value
    g.tier.value = "Platinum"
    rows = {r["requirement"]: r for r in g.gaps}
    assert rows["managed"]["gap"] == 100


def test_a_standing_with_long_decimals_is_shown_rounded_but_used_exactly():
    class Standing:  # what compute_standing gives: exact, often non-terminating Decimals
        as_of = dt.date(2024, 6, 30)
        sourced_points = Decimal(1000) / Decimal(555) * 10
        assisted_points = Decimal(0)
        managed_points = Decimal("60")

    calc = build("pt_BR", standing=Standing())
    g = calc.target
    assert g.sourced.widget.value == "18.02"
    assert g.sourced.message.text == ""
    assert g.date.widget.value == dt.date(2024, 6, 30)
    rows = {r["requirement"]: r for r in g.gaps}
    exact_gap = Decimal(123) - (Standing.sourced_points + 60)
    assert abs(rows["total"]["gap"] - exact_gap) < Decimal("1e-20")  # not the rounded 44.98
    # 44.98198... sourced points at 5 per US$100 (rounded up to 4 places): US$899.64
    assert rows["total"]["sourced"] == Decimal("44.9820") / 5 * 100
    g.sourced.widget.value = "20"  # typed by the user: used as typed
    rows = {r["requirement"]: r for r in g.gaps}
    assert rows["total"]["gap"] == Decimal(43)


def test_what_does_it_take_in_the_clients_currency_and_language():
    calc = build("pt_BR")
    g = calc.target
    g.country.widget.value = g.country.label_of("PT")
    assert g.currency.widget.value == "EUR"
    rows = {r["requirement"]: r for r in g.gaps}
    assert rows["total"]["sourced"] == Decimal("1845")  # 123 / 5 x 75 EUR
    assert "€\u00a01.845,00" in g.table.value
    assert "MRR gerenciado" in g.table.value


def test_broken_rules_show_a_plain_message_instead_of_a_blank_widget(tmp_path, monkeypatch):
    bad = tmp_path / "rules.toml"
    bad.write_text("[[currencies]]\ncurrency = 'XXX'\n", encoding="utf-8")
    monkeypatch.setenv("PARTNERKIT_RULES", str(bad))
    calc = PointsCalculator(on=ON)
    assert "could not be loaded" in calc.message.text
    assert "rules" in calc.message.widget.value
    calc.points.amount.widget.value = "1000"
    assert calc.points.result is None


def test_an_unexpected_error_goes_to_the_message_area_and_the_log(caplog):
    class NotARulebook:
        def __getattr__(self, name):
            raise RuntimeError(f"no {name} here")

    with caplog.at_level(logging.ERROR, logger="partnerkit"):
        calc = PointsCalculator(rules=NotARulebook(), on=ON)
    assert "Something went wrong" in calc.message.text
    assert "no growth_countries here" in calc.message.text
    assert any("failed" in r.getMessage() for r in caplog.records)
    calc.points.amount.widget.value = "1000"  # still no exception escapes
    assert calc.points.result is None


def test_no_amount_error_is_shown_before_anything_is_typed():
    """Issue 11: the calculator opened for the first time shows no red error."""
    calc = build()
    assert calc.points.amount.message.text == ""
    calc.points.amount.widget.value = "12"
    calc.points.amount.widget.value = ""
    assert "Enter a number" in calc.points.amount.message.text


def test_the_deal_date_is_written_in_the_chosen_language_beside_the_date_input():
    """Issue 13: the native input shows the browser's format, the echo the page's language."""
    calc = build()
    p = calc.points
    p.date.widget.value = dt.date(2026, 12, 2)
    assert p.date.echo.value == "Dec 2, 2026"
    calc.set_locale("pt_PT")
    assert p.date.echo.value == "02/12/2026"
    calc.set_locale("pt_BR")
    assert p.date.echo.value == "2 de dez. de 2026"
    p.first_sold.widget.value = dt.date(2024, 1, 31)
    assert p.first_sold.echo.value == "31 de jan. de 2024"

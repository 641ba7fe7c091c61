"""The shared i18n layer (issue 5; used by F1-F3 UIs and the F5 report): languages, catalogues,
fallbacks, locale formats and the missing-translation check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from partnerkit.ui import i18n
from partnerkit.ui.i18n import LANGUAGES, Translator, missing_translations, translator

UI_DIR = Path(i18n.__file__).parent


def write_po(root: Path, code: str, domain: str, body: str, plural: str | None = None) -> None:
    folder = root / code / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    if plural:
        header += f'"Plural-Forms: {plural}\\n"\n'
    (folder / f"{domain}.po").write_text(header + "\n" + body, encoding="utf-8")


@pytest.fixture
def tmp_locale(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._translator.cache_clear()
    yield tmp_path
    i18n._translator.cache_clear()


def test_the_three_languages_are_offered_with_their_own_names():
    assert LANGUAGES == {
        "en": "English",
        "pt_PT": "Português (Portugal)",
        "pt_BR": "Português (Brasil)",
    }


def test_an_unknown_language_is_a_value_error_that_lists_the_languages():
    with pytest.raises(ValueError, match=r"'fr'.*en \(English\).*pt_PT.*pt_BR"):
        translator("fr", domain="calculator")


def test_a_translator_is_cached_per_language_and_domain():
    a = translator("pt_BR", domain="calculator")
    assert a is translator("pt_BR", domain="calculator")
    assert a is translator("pt-br", domain="calculator")
    assert a is not translator("pt_PT", domain="calculator")
    assert a is not translator("pt_BR", domain="dashboard")
    assert isinstance(a, Translator)
    assert a.code == "pt_BR"
    assert str(a.locale) == "pt_BR"


def test_english_returns_the_msgid_itself():
    t = translator("en", domain="calculator")
    assert t("Will you also manage this client?") == "Will you also manage this client?"


def test_a_msgid_missing_from_the_catalogue_falls_back_to_the_english_text():
    t = translator("pt_PT", domain="calculator")
    assert t("A sentence nobody translated") == "A sentence nobody translated"
    assert translator("pt_BR", domain="no-such-domain")("Clients") == "Clients"


def test_european_and_brazilian_portuguese_really_differ():
    pt, br = translator("pt_PT", "calculator"), translator("pt_BR", "calculator")
    assert "gerir" in pt("Will you also manage this client?")
    assert "gerenciar" in br("Will you also manage this client?")
    assert "Ficheiro" in pt("Rules file") and "Arquivo" in br("Rules file")
    assert "equipa" in pt("Your team's current standing")
    assert "equipe" in br("Your team's current standing")
    assert "registo" in pt("HubSpot's own record decides")
    assert "registro" in br("HubSpot's own record decides")
    assert "utilizador" in pt("Rules changed by the user")
    assert "usuário" in br("Rules changed by the user")


def test_fields_are_formatted_into_the_translation():
    t = translator("en", domain="calculator")
    assert t("{a} and {b}", a=1, b="x") == "1 and x"


def test_fuzzy_and_empty_entries_fall_back_and_count_as_missing(tmp_locale, tmp_path):
    write_po(
        tmp_locale,
        "pt_PT",
        "demo",
        '#, fuzzy\nmsgid "Hello"\nmsgstr "Olá"\n\nmsgid "Bye"\nmsgstr ""\n\n'
        'msgid "Thanks"\nmsgstr "Obrigado"\n',
    )
    t = translator("pt_PT", domain="demo")
    assert t("Hello") == "Hello"
    assert t("Bye") == "Bye"
    assert t("Thanks") == "Obrigado"
    src = tmp_path / "demo_src.py"
    src.write_text('t("Hello")\n_("Bye")\nt("Thanks")\nt.n("{n} file", "{n} files", 3)\n')
    assert missing_translations("demo", "pt_PT", [src]) == ["Hello", "Bye", "{n} file"]
    assert missing_translations("demo", "en", [src]) == []


def test_plural_forms_follow_each_variant(tmp_locale):
    for code, rule in (
        ("pt_PT", "nplurals=2; plural=(n != 1);"),
        ("pt_BR", "nplurals=2; plural=(n > 1);"),
    ):
        write_po(
            tmp_locale,
            code,
            "demo",
            'msgid "{n} client"\nmsgid_plural "{n} clients"\n'
            'msgstr[0] "{n} cliente"\nmsgstr[1] "{n} clientes"\n',
            plural=rule,
        )
    pt, br = translator("pt_PT", "demo"), translator("pt_BR", "demo")
    assert pt.n("{n} client", "{n} clients", 1) == "{n} cliente"
    assert pt.n("{n} client", "{n} clients", 0) == "{n} clientes"  # pt-PT: 0 is plural
    assert br.n("{n} client", "{n} clients", 0) == "{n} cliente"  # pt-BR: 0 is singular
    assert br.n("{n} client", "{n} clients", 5).format(n=5) == "5 clientes"
    assert br.n("{n} client", "{n} clients", Decimal("2.5")) == "{n} clientes"
    en = translator("en", "demo")
    assert en.n("{n} client", "{n} clients", 1) == "{n} client"
    assert en.n("{n} client", "{n} clients", 0) == "{n} clients"


def test_a_plural_missing_its_header_uses_the_classic_portuguese_rule(tmp_locale):
    write_po(
        tmp_locale,
        "pt_BR",
        "demo",
        'msgid "{n} point"\nmsgid_plural "{n} points"\n'
        'msgstr[0] "{n} ponto"\nmsgstr[1] "{n} pontos"\n',
    )
    br = translator("pt_BR", "demo")
    assert br.n("{n} point", "{n} points", 1) == "{n} ponto"
    assert br.n("{n} point", "{n} points", 7) == "{n} pontos"


@pytest.mark.parametrize(
    ("code", "decimal", "points", "money_usd", "money_eur", "date", "percent"),
    [
        ("en", "1,234.57", "12.3", "$1,000.00", "€75.00", "Mar 1, 2024", "50%"),
        ("pt_PT", "1\xa0234,57", "12,3", "1\xa0000,00\xa0US$", "75,00\xa0€", "01/03/2024", "50%"),
        ("pt_BR", "1.234,57", "12,3", "US$\xa01.000,00", "€\xa075,00", "1 de mar. de 2024", "50%"),
    ],
)
def test_numbers_money_and_dates_are_formatted_for_the_locale(
    code, decimal, points, money_usd, money_eur, date, percent
):
    t = translator(code, domain="calculator")
    assert t.decimal(Decimal("1234.565")) == decimal  # half-up, not banker's rounding
    assert t.points(Decimal("12.25")) == points
    assert t.money(Decimal("1000"), "USD") == money_usd
    assert t.money(Decimal("75"), "EUR") == money_eur
    assert t.date(dt.date(2024, 3, 1)) == date
    assert t.percent(Decimal("0.5")) == percent


def test_money_uses_the_currency_s_own_decimals():
    assert translator("en").money(Decimal("12000.4"), "JPY") == "¥12,000"
    assert translator("pt_BR").money(Decimal("555.555"), "BRL") == "R$\xa0555,56"


def test_country_names_are_localised():
    assert translator("en").country("br") == "Brazil"
    assert translator("pt_PT").country("US") == "Estados Unidos"
    assert translator("pt_BR").country("DE") == "Alemanha"


def test_the_calculator_domain_has_no_missing_translations_in_either_portuguese():
    sources = sorted((UI_DIR / "calculator").glob("*.py"))
    assert sources, "calculator sources not found"
    for code in ("pt_PT", "pt_BR"):
        assert missing_translations("calculator", code, sources) == [], code

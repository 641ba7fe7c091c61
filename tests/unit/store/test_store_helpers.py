"""Issue 3 pure helpers: encodings, formula neutralising, value parsers, names, URLs."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from partnerkit.rules_io import load_rules
from partnerkit.store.engine import normalise_url
from partnerkit.store.exporter import neutralise
from partnerkit.store.importer import (
    FORMATS,
    Ctx,
    ImportFileError,
    decode_text,
    p_bool,
    p_country,
    p_currency,
    p_past_month,
    p_product,
    unneutralise,
    validate,
)
from partnerkit.store.names import COMPANY_POOLS, company_name

CTX = Ctx(today=dt.date(2026, 11, 15), rules=load_rules())


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "=cmd|' /C calc'!A0"])
def test_formula_looking_text_gets_an_apostrophe_and_comes_back_on_import(text):
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("value", ["Padaria", "'quoted'", "", 5, -3, None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_a_utf8_bom_is_dropped_and_other_encodings_are_refused_with_advice():
    assert decode_text("\ufeffName\nSão".encode(), "f.csv") == "Name\nSão"
    with pytest.raises(ImportFileError, match="CSV UTF-8") as e:
        decode_text("Name\nok\nSão".encode("cp1252"), "f.csv")
    assert e.value.problems[0].line == 3
    with pytest.raises(ImportFileError, match="UTF-16"):
        decode_text("Name".encode("utf-16"), "f.csv")


@pytest.mark.parametrize(("given", "code"), [("pt", "PT"), ("Portugal", "PT"), ("brasil", "BR"),
                                            ("Brazil", "BR"), ("United States", "US"),
                                            ("Japan", "JP"), ("Grécia", "GR")])
def test_countries_are_iso_codes_or_names(given, code):
    assert p_country(given, CTX) == code


def test_unknown_countries_currencies_and_products_say_what_is_accepted():
    with pytest.raises(ValueError, match="ISO code"):
        p_country("Atlantis", CTX)
    with pytest.raises(ValueError, match=r"supported: .*EUR"):
        p_currency("XAF", CTX)
    with pytest.raises(ValueError, match="Marketing Hub"):
        p_product("Quantum Hub", CTX)
    assert p_product("marketing", CTX) == "Marketing Hub"
    assert p_bool("Sim", CTX) is True and p_bool("0", CTX) is False


def test_a_month_in_the_future_cannot_be():
    assert p_past_month("2026-11", CTX) == dt.date(2026, 11, 1)
    with pytest.raises(ValueError, match="future"):
        p_past_month("2026-12", CTX)


def test_validate_reports_every_problem_of_every_row_at_once():
    header = ["Name", "Email"]
    rows = [(2, ["Ana", "ana@x.example"]), (3, ["", "bad"]), (4, ["Rui", "ana@x.example"])]
    with pytest.raises(ImportFileError) as e:
        validate(FORMATS["team"], header, rows, CTX, "team.csv")
    assert [(p.line, p.column) for p in e.value.problems] == [(3, "Name"), (3, "Email"),
                                                              (4, "Email")]
    assert "already on line 2" in e.value.problems[-1].reason


def test_company_names_are_deterministic_and_unique():
    def names(seed: int) -> list[str]:
        rnd, taken = random.Random(seed), set()
        return [company_name(c, rnd, taken)[0] for c in COMPANY_POOLS for _ in range(8)]

    assert names(1) == names(1) and names(1) != names(2)
    assert len(set(names(3))) == len(names(3))


def test_database_urls_accept_paths_and_bare_postgres_urls(tmp_path):
    assert normalise_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"

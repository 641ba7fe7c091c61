"""F5.1/F5.2: report months, locales, parameters and safe report paths (pure, fast)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from partnerkit.reports.params import (
    REPORT_PARAMETERS,
    Month,
    build_parameters,
    check_locale,
    locale_for_country,
    parse_month,
    today,
    unknown_parameters,
)
from partnerkit.reports.paths import report_paths, safe_slug


def test_last_month_is_the_previous_calendar_month():
    assert parse_month("last", today_=dt.date(2026, 11, 1)) == Month(2026, 10)
    assert parse_month("last", today_=dt.date(2026, 11, 30)) == Month(2026, 10)


def test_last_month_in_january_is_december_of_the_year_before():
    assert parse_month("LAST", today_=dt.date(2027, 1, 1)) == Month(2026, 12)


def test_partnerkit_as_of_pins_today_for_last_month(monkeypatch):
    monkeypatch.setenv("PARTNERKIT_AS_OF", "2026-03-01")
    assert today() == dt.date(2026, 3, 1)
    assert str(parse_month("last")) == "2026-02"


def test_a_bad_partnerkit_as_of_is_a_plain_error(monkeypatch):
    monkeypatch.setenv("PARTNERKIT_AS_OF", "yesterday")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        today()


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-10", "October", "", "2026-10-01"])
def test_a_month_that_is_not_yyyy_mm_is_refused_with_the_format(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month(text, today_=dt.date(2026, 11, 28))


def test_the_current_month_is_refused_because_it_has_not_ended():
    with pytest.raises(ValueError, match="has not ended"):
        parse_month("2026-11", today_=dt.date(2026, 11, 28))
    assert parse_month("2026-10", today_=dt.date(2026, 11, 28)) == Month(2026, 10)


def test_a_month_knows_its_first_and_last_day_including_leap_february():
    assert Month(2024, 2).last_day == dt.date(2024, 2, 29)
    assert Month(2026, 2).first_day == dt.date(2026, 2, 1)
    assert Month(2026, 12).next() == Month(2027, 1)


def test_locales_are_normalised_and_unknown_ones_name_the_choices():
    assert check_locale("pt-br") == "pt_BR"
    with pytest.raises(ValueError, match="en, pt_PT, pt_BR"):
        check_locale("fr")


def test_partners_in_brazil_and_portugal_get_portuguese_reports_by_default():
    assert locale_for_country("BR") == "pt_BR"
    assert locale_for_country("pt") == "pt_PT"
    assert locale_for_country("US") == "en"
    assert locale_for_country(None) == "en"


def test_parameters_are_all_strings_with_the_month_end_as_default_as_of():
    p = build_parameters(partner_id="p1", month=Month(2026, 10), db_url="sqlite:///x.db")
    assert set(p) == set(REPORT_PARAMETERS)
    assert all(isinstance(v, str) for v in p.values())
    assert p["as_of"] == "2026-10-31"
    assert p["month"] == "2026-10"


def test_parameters_without_partner_or_database_are_refused():
    with pytest.raises(ValueError, match="partner id"):
        build_parameters(partner_id=" ", month=Month(2026, 10), db_url="sqlite:///x.db")
    with pytest.raises(ValueError, match="database URL"):
        build_parameters(partner_id="p1", month=Month(2026, 10), db_url="")


def test_unknown_parameters_are_the_ones_the_notebook_does_not_declare():
    assert unknown_parameters({"a": 1, "b": 2, "zz": 3}, {"a", "b"}) == ["zz"]
    assert unknown_parameters({"a": 1}, {"a", "b"}) == []


# --------------------------------------------------------------------------- safe slugs


def test_a_clean_partner_id_is_its_own_slug():
    assert safe_slug("acme-lisbon") == "acme-lisbon"
    assert safe_slug("p_01") == "p_01"


@pytest.mark.parametrize(
    "pid",
    [
        "../../etc",
        "../../etc/passwd",
        "/etc/passwd",
        "a/b\\c",
        "nul\x00byte",
        "..",
        ".",
        "",
        "Agência São João ✨",
        "日本のパートナー",
        "CON",
        "index",
        "x" * 500,
    ],
)
def test_no_partner_id_can_escape_the_month_folder(tmp_path: Path, pid: str):
    slug = safe_slug(pid)
    assert slug and len(slug) <= 80
    assert all(c.isascii() and (c.isalnum() or c in "-_") for c in slug)
    assert not slug.startswith((".", "-"))
    paths = report_paths(tmp_path / "reports", Month(2026, 10), pid)
    for f in paths.files.values():
        assert f.parent == (tmp_path / "reports" / "2026-10").resolve()


def test_unicode_names_keep_their_readable_letters():
    assert safe_slug("Agência São João").startswith("agencia-sao-joao-")


def test_different_ids_never_share_a_slug():
    ids = ["../../etc", "etc", "ETC", "a/b", "a-b", "a b", "a\x00b", "ab", "", " "]
    slugs = [safe_slug(i) for i in ids]
    assert len(set(slugs)) == len(slugs)

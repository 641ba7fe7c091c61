"""Issue 15, item 15: one date bound (2000-2100) and one $PARTNERKIT_AS_OF reader for all."""

from __future__ import annotations

import datetime as dt

import pytest

from partnerkit.dates import check_date, parse_date, today
from partnerkit.ui.dashboard.state import default_as_of


@pytest.mark.parametrize("text", ["9999-12-31", "1900-01-01", "1999-12-31", "2101-01-01"])
def test_a_year_typo_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValueError, match=r"--as-of: .* outside the dates partnerkit handles"):
        parse_date(text, "--as-of")


def test_the_first_and_last_days_are_accepted() -> None:
    assert check_date(dt.date(2000, 1, 1)) == dt.date(2000, 1, 1)
    assert parse_date("2100-12-31") == dt.date(2100, 12, 31)


@pytest.mark.parametrize("reader", [today, default_as_of])
def test_every_reader_of_partnerkit_as_of_names_the_variable(
        reader, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_AS_OF", "9999-10-01")
    with pytest.raises(ValueError, match=r"\$PARTNERKIT_AS_OF: 9999-10-01 is outside"):
        reader()
    monkeypatch.setenv("PARTNERKIT_AS_OF", "15/11/2026")
    with pytest.raises(ValueError, match=r"\$PARTNERKIT_AS_OF: '15/11/2026' is not a date"):
        reader()
    monkeypatch.setenv("PARTNERKIT_AS_OF", "2026-11-15")
    assert reader() == dt.date(2026, 11, 15)

"""Issue 15, items 8 and 16: a user's rules file is checked as docs/rules.md promises: overlapping
rows, an empty ladder, absurd numbers and pathological nesting are refused with file/table/key."""

from __future__ import annotations

import datetime as dt

import pytest

from partnerkit.rules import RulesError, parse_rules
from partnerkit.rules_io import load_rules

GOLD = """
[[tiers]]
tier = "Gold"
total_min = "150"
sold_min = "70"
effective_from = {start}
{end}
"""


def test_overlapping_rows_in_a_user_file_are_refused_naming_both() -> None:
    text = (GOLD.format(start="2026-01-15", end="effective_to = 2026-12-31")
            + GOLD.format(start="2026-06-01", end=""))
    with pytest.raises(RulesError) as e:
        parse_rules(text, "my.toml", default_provenance="user", partial=True)
    assert "my.toml: tiers Gold: 2026-01-15..2026-12-31" in str(e.value)
    assert "overlaps 2026-06-01..open" in str(e.value)


def test_consecutive_rows_in_a_user_file_are_accepted() -> None:
    text = (GOLD.format(start="2026-01-15", end="effective_to = 2026-05-31")
            + GOLD.format(start="2026-06-01", end=""))
    book = parse_rules(text, "my.toml", default_provenance="user", partial=True)
    assert len(book.tiers) == 2


def test_an_empty_ladder_in_a_user_file_is_refused() -> None:
    with pytest.raises(RulesError, match="empty ladder"):
        parse_rules("[ladder]\ntiers = []\n", "my.toml", partial=True)


@pytest.mark.parametrize(("value", "needle"), [
    ("1e-28", "decimal places"), ('"1e400"', "more than"), ("1e400", "finite"),
    ('"0.0000001"', "decimal places"), ("5000000000", "more than"),
])
def test_absurd_numbers_are_refused_with_table_and_key(value: str, needle: str) -> None:
    text = (f'[[currencies]]\ncurrency = "EUR"\nlocal_per_100 = {value}\n'
            'effective_from = 2026-01-01\n')
    with pytest.raises(RulesError, match=needle) as e:
        parse_rules(text, "my.toml", partial=True)
    assert "[[currencies]] #1, key 'local_per_100'" in str(e.value)


def test_a_hundred_thousand_deep_array_is_one_clear_problem() -> None:
    text = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"
    with pytest.raises(RulesError, match="nested too deeply"):
        parse_rules(text, "deep.toml", partial=True)


def test_a_rules_path_that_is_a_folder_or_an_endless_device_is_refused(tmp_path, monkeypatch
                                                                       ) -> None:
    with pytest.raises(RulesError, match="is a folder"):
        load_rules(tmp_path)
    monkeypatch.setenv("PARTNERKIT_MAX_FILE_MB", "1")
    with pytest.raises(RulesError, match="file size"):
        load_rules("/dev/zero")


def test_rules_before_the_program_began_show_the_first_currencies_as_points_uses_them() -> None:
    book = load_rules()
    early = dt.date(2001, 1, 1)
    assert book.currencies(early)
    assert all(book.currency_rule(c, early) for c in book.currencies(early))
    assert book.growth_countries(early) == book.growth_countries(book.program_start)

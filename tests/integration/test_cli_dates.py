"""Issue 15, items 12 and 15: dates are bounded to 2000-2100 on every command with a message naming
the option or variable, instead of an OverflowError or minutes of work."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main

LEDGER = Path(__file__).resolve().parents[1] / "data" / "ledger-example.csv"


@pytest.mark.parametrize("argv", [
    ["tier", "--ledger", str(LEDGER), "--as-of", "9999-12-31"],
    ["tier", "--ledger", str(LEDGER), "--as-of", "9999-10-01"],
    ["rules", "--date", "1900-01-01"],
    ["points", "--amount", "100", "--currency", "USD", "--country", "US", "--date", "9999-01-01"],
    ["export", "--partner", "x", "--view", "renewals", "-o", "x.csv", "--as-of", "9999-12-31"],
    ["export", "--partner", "x", "--view", "points", "-o", "x.csv", "--as-of", "9999-12-31"],
])
def test_a_date_outside_2000_to_2100_is_refused_naming_the_option(argv, capsys):
    with pytest.raises(SystemExit) as e:  # argparse refuses it: nothing runs
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "2000-2100" in err and "Traceback" not in err


def test_a_report_month_outside_the_bounds_names_the_option(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERKIT_DB", str(tmp_path / "none.db"))
    assert main(["report", "--partner", "x", "--month", "1999-12"]) == 2
    assert "--month 1999-12" in capsys.readouterr().err


def test_a_bad_partnerkit_as_of_names_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("PARTNERKIT_AS_OF", "15/11/2026")
    assert main(["tier", "--ledger", str(LEDGER)]) == 2
    assert "$PARTNERKIT_AS_OF: '15/11/2026' is not a date" in capsys.readouterr().err
    monkeypatch.setenv("PARTNERKIT_AS_OF", "9999-10-01")
    assert main(["rules"]) == 2
    assert "$PARTNERKIT_AS_OF: 9999-10-01 is outside" in capsys.readouterr().err

"""Issue 16: on a generated 1M-row ledger (several currencies, countries, deal types, managed
snapshots, first-sold dates, quoted names with commas), today's row-by-row reader and the columnar
reader give the same Ledger and the same standing, and for a copy with bad rows spread through it,
the same problems (line, column, reason)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

from partnerkit.ledger import LedgerError, parse_ledger_csv_rows
from partnerkit.ledger_files import read_ledger_file
from partnerkit.rules_io import load_rules
from partnerkit.standing import compute_standing

BENCH = Path(__file__).resolve().parents[2] / "bench"
ROWS = 1_000_000
AS_OF = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def million(tmp_path_factory) -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from ledger_files import ledger_csv
    finally:
        sys.path.remove(str(BENCH))
    return ledger_csv(ROWS, folder=tmp_path_factory.mktemp("ledger"))


def row_by_row(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return parse_ledger_csv_rows(fh, path.name)


@pytest.mark.slow
@pytest.mark.timeout(2400)  # the row-by-row reader takes minutes on a busy machine
def test_a_million_rows_read_to_the_same_ledger_and_standing_both_ways(million):
    new, lines = read_ledger_file(million)
    old = row_by_row(million)
    assert len(new) == ROWS and lines[0] == 2 and lines[-1] == ROWS + 1
    pd.testing.assert_frame_equal(new.frame, old.frame)
    rules = load_rules()
    a, b = compute_standing(new, AS_OF, rules), compute_standing(old, AS_OF, rules)
    assert (a.sold_points, a.managed_points, a.total_points, a.expiring) == (
        b.sold_points, b.managed_points, b.total_points, b.expiring)
    assert int(new.frame["amount_units"].sum()) == int(old.frame["amount_units"].sum())


@pytest.mark.slow
@pytest.mark.timeout(2400)  # the row-by-row reader takes minutes on a busy machine
def test_a_million_rows_with_bad_rows_spread_through_get_the_same_problems(million, tmp_path):
    text = million.read_text(encoding="utf-8").split("\n")
    bad = {17: ("2025-02-30", "date"), 250_003: ("-12", "amount"), 999_998: ("EURO", "currency"),
           500_000: ("gift", "kind")}
    for line, (value, column) in bad.items():
        cells = text[line - 1].split('","')
        index = ["event_id", "kind", "client_id", "client_name", "date", "deal_type", "amount",
                 "currency", "country", "product_line", "first_sold",
                 "other_partners"].index(column)
        cells[index] = value if 0 < index < 11 else cells[index]
        text[line - 1] = '","'.join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(text), encoding="utf-8")
    with pytest.raises(LedgerError) as new:
        read_ledger_file(path)
    with pytest.raises(LedgerError) as old:
        row_by_row(path)
    got = [(p.line, p.column, p.reason) for p in new.value.problems]
    assert got == [(p.line, p.column, p.reason) for p in old.value.problems]
    assert {line for line, _, _ in got} == set(bad)
    assert str(new.value) == str(old.value)  # the row parser's messages, byte for byte

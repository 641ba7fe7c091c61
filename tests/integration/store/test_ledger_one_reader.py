"""Issue 16 / issue 15 items 9-11, 13: `partnerkit tier --ledger` and `partnerkit import --kind
ledger` read a ledger CSV with ONE reader, so they accept and refuse the same files, with the same
problems (line, column, reason), and both stop on a folder, a device and the bounds."""

from __future__ import annotations

import subprocess
import sys

import pytest

from partnerkit.ledger import LedgerError
from partnerkit.ledger_files import read_ledger_file
from partnerkit.store import open_store
from partnerkit.store.importer import ImportFileError, import_file
from tests.integration.conftest import TEST_TODAY
from tests.integration.store.builders import new_partner

HEADER = "event_id,kind,client_id,client_name,date,deal_type,amount,currency,country\n"
FILES = {
    "semicolons (pt-PT Excel)": HEADER.replace(",", ";")
    + "e1;sold;c1;Acme, Lda;2025-03-01;sourced;100,50;EUR;PT\n"
    + "e2;managed;c1;Acme;2025-03;;80;EUR;PT\n",
    "tabs": HEADER.replace(",", "\t") + "e1\tsold\tc1\tAcme\t2025-03-01\tsourced\t100\tEUR\tPT\n",
    "an unclosed quote": HEADER + 'e1,sold,c1,"Acme,2025-03-01,sourced,100,EUR,PT\n'
    + "e2,sold,c2,Beta,2025-03-02,sourced,200,EUR,PT\n",
    "a quote closing on a later line": HEADER + 'e1,sold,c1,"Acme,2025-03-01,sourced,1,EUR,PT\n'
    + 'e2,sold,c2,"Beta",2025-03-02,sourced,200,EUR,PT\n',
    "a cell of 200,000 characters": HEADER + f"e1,sold,c1,{'x' * 200_000},2025-03-01,sourced,1,"
    "EUR,PT\n",
    "short rows and a blank row": HEADER + "e1,sold,c1,Acme,2025-03-01,sourced,100\n,,,,,,,,\n"
    + "e2,sold,c2,Beta,2025-13-01,sourced,100,EUR,PT\n",
    "bad cells": HEADER + "e1,gift,c1,A,2025-03-01,sourced,-5,EURO,XX\n"
    + "e2,sold,,B,01/03/2025,resold,1.00001,EUR,PT\n",
    "CRLF and a byte-order mark": "\ufeff" + (HEADER + "e1,sold,c1,A,2025-03-01,sourced,1,EUR,PT\n"
                                             ).replace("\n", "\r\n"),
}


def tier_verdict(path):
    try:
        ledger, _ = read_ledger_file(path)
    except LedgerError as e:
        return "refused", [(p.line, p.column, p.reason) for p in e.problems]
    return "accepted", len(ledger)


def import_verdict(url, path):
    with open_store(url) as store:
        new_partner(store)
        try:
            result = import_file(store, "p1", "ledger", path, today=TEST_TODAY)
        except ImportFileError as e:
            return "refused", [(p.line, p.column, p.reason) for p in e.problems]
        return "accepted", result.rows


@pytest.mark.parametrize("name", list(FILES))
def test_tier_and_import_give_a_ledger_csv_the_same_verdict_and_problems(name, db_url, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(FILES[name], encoding="utf-8", newline="")
    assert tier_verdict(path) == import_verdict(db_url, path)


def test_a_semicolon_ledger_is_accepted_by_both(db_url, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(FILES["semicolons (pt-PT Excel)"], encoding="utf-8")
    assert tier_verdict(path) == ("accepted", 2) == import_verdict(db_url, path)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "partnerkit", *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("target, says", [
    ("/dev/zero", "not a regular file"), ("FOLDER", "is a folder"), ("MISSING", "not found"),
])
def test_tier_ledger_on_a_device_a_folder_or_nothing_is_one_line_exit_2(target, says, tmp_path):
    target = {"FOLDER": str(tmp_path), "MISSING": str(tmp_path / "nope.csv")}.get(target, target)
    out = run_cli("tier", "--ledger", target, "--as-of", "2025-06-01")
    assert out.returncode == 2
    assert says in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_an_unclosed_quote_and_a_huge_cell_are_one_line_exit_2_on_the_cli(tmp_path):
    for name in ("an unclosed quote", "a cell of 200,000 characters"):
        path = tmp_path / "ledger.csv"
        path.write_text(FILES[name], encoding="utf-8")
        out = run_cli("tier", "--ledger", str(path), "--as-of", "2025-06-01")
        assert out.returncode == 2, out.stderr
        assert "line 2, column 'client_name'" in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
        assert "x" * 100 not in out.stderr  # the data is not printed back


def test_the_row_bound_stops_both_paths_with_the_variable_to_raise_it(db_url, tmp_path,
                                                                       monkeypatch):
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + "e{n},sold,c1,A,2025-03-01,sourced,1,EUR,PT\n" * 20)
    monkeypatch.setenv("PARTNERKIT_MAX_ROWS", "5")
    tier, imported = tier_verdict(path), import_verdict(db_url, path)
    assert tier == imported
    assert "PARTNERKIT_MAX_ROWS" in tier[1][0][2]

"""`partnerkit tier` Program Progress (issue 18): 12-month sourced MRR and customer dollar
retention in the text output and the `--json` contract, from a ledger CSV (a real subprocess)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli_core import run, run_json

LEDGER = """\
event_id,kind,client_id,client_name,date,deal_type,amount,currency,country,product_line,first_sold,other_partners
s1,sold,a,Alfa,2024-03-10,sourced,1000,USD,US,Sales Hub,,
s2,sold,b,Beta,2025-01-20,sourced,750,EUR,PT,Marketing Hub,,
s3,sold,c,Gama,2025-02-01,assisted,300,USD,US,Service Hub,,
m1,managed,a,Alfa,2024-01,,1000,USD,US,,,0
m2,managed,b,Beta,2024-01,,2000,USD,US,,,1
m3,managed,c,Gama,2024-01,,1000,USD,US,,,0
m4,managed,b,Beta,2025-01,,1500,USD,US,,,1
m5,managed,c,Gama,2025-01,,1600,USD,US,,,0
m6,managed,d,Delta,2025-01,,5000,USD,US,,,0
m7,managed,d,Delta,2025-02,,5000,USD,US,,,0
"""


def a_ledger_file(tmp_path: Path) -> str:
    path = tmp_path / "ledger.csv"
    path.write_text(LEDGER, encoding="utf-8")
    return str(path)


def test_tier_json_has_the_12_month_sourced_mrr_and_retention_contract(tmp_path: Path) -> None:
    out = run_json("tier", "--ledger", a_ledger_file(tmp_path), "--as-of", "2025-02-15",
                   "--currency", "EUR")
    # Sourced in (2024-02-15, 2025-02-15]: US$1,000 (= 750 EUR at 75) + 750 EUR (= US$1,000).
    assert out["sourced_mrr_12m"] == {"usd": 2000.0, "currency": "EUR", "amount": 1500.0}
    assert out["assisted_mrr_12m"] == {"usd": 300.0, "currency": "EUR", "amount": 225.0}
    cdr = out["customer_dollar_retention"]
    assert set(cdr) == {"average_12m", "monthly"}
    assert [m["month"] for m in cdr["monthly"]] == [
        "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10",
        "2024-11", "2024-12", "2025-01", "2025-02"]
    # January 2025: (0 + 1,500 + min(1,600, 1,000)) / 4,000; February has no base month.
    assert cdr["monthly"][-2] == {"month": "2025-01", "value": 0.625}
    assert cdr["monthly"][-1] == {"month": "2025-02", "value": None}
    assert cdr["average_12m"] == 0.625
    elite = {g["requirement"]: g for g in out["gaps"]["Elite"]}
    assert elite["retention"]["required"] == 0.85 and elite["retention"]["met"] is False
    assert any("Gross retention" in line for line in out["explanation"])
    assert not any("retention" in line and "not checked" in line for line in out["explanation"])


def test_tier_text_shows_program_progress(tmp_path: Path) -> None:
    done = run("tier", "--ledger", a_ledger_file(tmp_path), "--as-of", "2025-02-15")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "12-month sourced MRR:   US$ 2,000.00\n" in text  # two currencies: shown in US$
    assert "Customer dollar retention, 12-month average (gross): 62.5 %" in text
    assert "2024-03 " in text and " 2025-02  (latest month: not recorded)" in text


def test_a_partner_currency_without_a_program_amount_is_one_clear_error(tmp_path: Path) -> None:
    done = run("tier", "--ledger", a_ledger_file(tmp_path), "--currency", "XAF")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "XAF" in done.stderr and "supported" in done.stderr

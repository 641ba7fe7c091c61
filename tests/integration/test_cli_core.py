"""The core CLI through a real subprocess (issue 2 §4; F3): `points`, `convert`, `tier`, `rules`.

The JSON keys and values are a stable contract; bad input is one line on stderr with exit 2 and
never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from partnerkit.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "tests" / "data" / "ledger-example.csv"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PARTNERKIT_RULES",)}
    environ["PARTNERKIT_AS_OF"] = "2024-10-15"
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "partnerkit", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=REPO, env=environ, timeout=120)


def run_json(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = run(*args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    payload: dict[str, Any] = json.loads(done.stdout)
    return payload


def assert_one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("partnerkit ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert done.stdout == ""


# --- points (F3.1) --------------------------------------------------------------------------------

def test_points_for_a_sales_hub_cross_sell_in_march_2024_is_50_with_its_rules() -> None:
    out = run_json("points", "--amount", "1000", "--currency", "USD", "--country", "US",
                   "--deal-type", "sourced", "--date", "2024-03-15")
    assert (out["sold_points"], out["managed_points"], out["total_points"]) == (50, 0, 50)
    assert out["rules"] == ["currencies:USD@2016-01-01..open",
                            "rates:sourced/standard@2024-02-27..open"]
    assert any("-> 50 sold points" in line for line in out["explanation"])
    assert {"sold_points_exact", "market", "currency", "date", "estimates"} <= set(out)


def test_points_for_marketing_hub_sold_in_october_2021_is_30() -> None:
    out = run_json("points", "--amount", "1000", "--currency", "USD", "--country", "US",
                   "--date", "2021-10-15")
    assert out["sold_points"] == 30
    assert out["rules"][1].startswith("rates:sourced/standard@2016-01-01")


def test_points_with_manage_split_between_two_partners_gives_5_managed_points() -> None:
    out = run_json("points", "--amount", "1000", "--currency", "USD", "--country", "US",
                   "--deal-type", "assisted", "--date", "2024-03-15", "--manage",
                   "--other-partners", "1")
    assert (out["sold_points"], out["managed_points"], out["total_points"]) == (30, 5, 35)
    assert any("split among 2 partners" in line for line in out["explanation"])


def test_points_for_an_upsell_on_an_old_line_in_a_growth_market_keep_6() -> None:
    out = run_json("points", "--amount", "1000", "--currency", "USD", "--country", "BR",
                   "--date", "2024-06-01", "--first-sold", "2023-02-01")
    assert (out["sold_points"], out["market"]) == (60, "growth")
    assert any("estimate" in note for note in out["estimates"])  # Latin America is our estimate


def test_points_without_json_print_a_readable_explanation() -> None:
    done = run("points", "--amount", "750", "--currency", "EUR", "--country", "PT",
               "--date", "2024-03-15")
    assert done.returncode == 0
    assert "Total points:   50" in done.stdout
    assert "How this was computed:" in done.stdout
    assert "75 EUR per US$100" in done.stdout


def test_points_default_to_today() -> None:
    out = run_json("points", "--amount", "1000", "--currency", "EUR", "--country", "PT")
    assert out["date"] == "2024-10-15"  # PARTNERKIT_AS_OF


# --- convert (F3.2) -------------------------------------------------------------------------------

def test_convert_points_to_currency() -> None:
    out = run_json("convert", "--to", "currency", "--sold-points", "50", "--managed-points", "10",
                   "--currency", "EUR", "--country", "PT", "--date", "2025-08-01")
    assert (out["sold_value"], out["managed_value"], out["currency"]) == (880, 880, "EUR")


def test_convert_currency_to_points() -> None:
    out = run_json("convert", "--to", "points", "--sold-value", "880", "--managed-value", "880",
                   "--currency", "EUR", "--country", "PT", "--date", "2025-08-01")
    assert (out["sold_points"], out["managed_points"], out["total_points"]) == (50, 10, 60)


# --- tier (F2) ------------------------------------------------------------------------------------

def test_tier_from_the_example_ledger_reports_standing_tiers_gaps_and_expiring_points() -> None:
    out = run_json("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15",
                   "--credited", "Gold", "--credited-since", "2024-01-31")
    assert (out["sourced_points"], out["assisted_points"], out["sold_points"],
            out["managed_points"], out["total_points"], out["expired_points"]) == (
        95, 60, 155, 60, 215, 30)
    assert out["expiring_points"] == {"30": 0, "60": 30, "90": 30}
    assert (out["performance_tier"], out["next_tier"], out["credited_tier"]) == (
        "Gold", "Platinum", "Gold")
    platinum = {g["requirement"]: g for g in out["gaps"]["Platinum"]}
    assert (platinum["total"]["gap"], platinum["managed"]["gap"], platinum["sold"]["met"]) == (
        98, 140, True)
    assert platinum["total"]["provenance"] == "derived"
    assert out["next_review"] == "2025-01-15"
    assert out["next_review_outcome"].startswith("keeps Gold")
    assert "rates:assisted/growth@2022-07-18..open" in out["rules"]
    assert any("estimate" in line for line in out["explanation"])  # BRL, Latin America


def test_tier_without_a_credited_tier_reports_performance_only() -> None:
    out = run_json("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15")
    assert out["performance_tier"] == "Gold"
    assert (out["credited_tier"], out["tier_changes"], out["next_review"]) == (None, [], None)


def test_tier_with_an_expired_certification_performs_untiered() -> None:
    out = run_json("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15",
                   "--certified-until", "2024-10-01")
    assert out["performance_tier"] == "Untiered"


def test_tier_without_json_prints_a_readable_table() -> None:
    done = run("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15")
    assert done.returncode == 0, done.stderr
    assert "Total points:    215" in done.stdout
    assert "Performance tier: Gold" in done.stdout
    assert "To reach Platinum:" in done.stdout


def test_tier_json_adds_each_explanation_line_as_a_message_id_with_args() -> None:
    out = run_json("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15",
                   "--credited", "Gold", "--credited-since", "2024-01-31", "--locale", "pt_BR")
    messages = out["explanation_messages"]
    assert len(messages) == len(out["explanation"])  # English strings kept, one message each
    assert messages[0] == {"id": "standing.on", "args": {"date": "2024-10-15"}}
    assert out["explanation"][0] == "standing on 2024-10-15"  # --locale leaves JSON English
    assert out["next_review_message"]["id"] == "review.keeps"
    assert {m["id"] for m in messages} >= {"standing.sold", "tier.performance", "credited.since"}


@pytest.mark.parametrize(("locale", "words"), [
    ("pt_PT", ("Pontos totais:", "Nível de desempenho:", "Como foi calculado:",
               "situação em 15/10/2024", "mantém Gold", "Pontos geridos:")),
    ("pt_BR", ("Pontos totais:", "Nível de desempenho:", "Como foi calculado:",
               "situação em 15 de out. de 2024", "mantém Gold", "Pontos gerenciados:")),
])
def test_tier_with_a_portuguese_locale_reads_in_that_language(locale: str,
                                                               words: tuple[str, ...]) -> None:
    done = run("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15", "--credited", "Gold",
               "--credited-since", "2024-01-31", "--locale", locale)
    assert done.returncode == 0, done.stderr
    for word in words:
        assert word in done.stdout
    for english in ("How this was computed", "standing on", "Total points", "keeps Gold",
                    "short by", "sourced", "managed", " rule "):
        assert english not in done.stdout


def test_an_unknown_locale_is_one_line_naming_the_languages() -> None:
    done = run("points", "--amount", "1", "--currency", "USD", "--country", "US",
               "--locale", "fr")
    assert_one_line_error(done, "unknown language 'fr'", "pt_BR")


def test_tier_reads_a_ledger_with_a_byte_order_mark(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    assert run_json("tier", "--ledger", str(bom), "--as-of", "2024-10-15")["total_points"] == 215


def test_a_users_rules_file_changes_the_tier(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('[[tiers]]\ntier = "Gold"\ntotal_min = "250"\nsold_min = "63"\n'
                    'managed_min = "60"\neffective_from = 2024-01-01\neffective_to = 2024-12-31\n',
                    "utf-8")
    # A user row with a higher total than Platinum's would be refused; 250 < 313 is fine.
    out = run_json("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15", "--rules", str(mine))
    assert out["performance_tier"] == "Untiered"
    assert out["gaps"]["Gold"][0]["provenance"] == "user"
    via_env = run_json("tier", "--ledger", str(EXAMPLE), "--as-of", "2024-10-15",
                       env={"PARTNERKIT_RULES": str(mine)})
    assert via_env["performance_tier"] == "Untiered"


# --- rules ----------------------------------------------------------------------------------------

def test_rules_show_the_tables_in_force_on_a_date() -> None:
    before = run_json("rules", "--date", "2025-07-14")
    after = run_json("rules", "--date", "2026-01-15")
    assert before["currencies"]["EUR"] == "75" and after["currencies"]["EUR"] == "88"
    assert before["tiers"][0] == {"tier": "Gold", "total_min": "123", "sold_min": "63",
                                  "sold_min_counts": "sold", "managed_min": "60",
                                  "provenance": "derived"}
    assert after["tiers"][0]["managed_min"] is None
    assert after["tiers"][0]["sold_min_counts"] == "sourced"
    assert "BR" in after["growth_markets"] and "US" not in after["growth_markets"]
    assert after["sources"] == ["program-rules.toml"]


# --- help -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "mentions"), [
    ("points", "--first-sold"), ("convert", "--sold-points"), ("tier", "--credited-since"),
    ("rules", "--date"),
])
def test_every_core_command_has_help(command: str, mentions: str) -> None:
    done = run(command, "--help")
    assert done.returncode == 0
    assert mentions in done.stdout and "--json" in done.stdout


def test_the_top_level_help_lists_the_core_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in ("points", "convert", "tier", "rules"):
        assert command in done.stdout


# --- bad input: one line, exit 2, no traceback ----------------------------------------------------

POINTS = ("points", "--currency", "USD", "--country", "US")


BAD_INPUT = [
    ((*POINTS, "--amount", "-5"), ("amount", "negative")),
    ((*POINTS, "--amount", "NaN"), ("amount", "not a finite number")),
    ((*POINTS, "--amount", "1e20"), ("amount", "too large")),
    ((*POINTS, "--amount", "lots"), ("amount", "not a number")),
    (("points", "--amount", "5", "--currency", "PLN", "--country", "PL"),
     ("PLN", "supported: AUD, BRL, CAD")),
    (("points", "--amount", "5", "--currency", "EURO", "--country", "PT"), ("'EURO'", "ISO 4217")),
    (("points", "--amount", "5", "--currency", "USD", "--country", "XX"), ("'XX'", "ISO 3166")),
    ((*POINTS, "--amount", "5", "--date", "2024-13-01"), ("--date", "YYYY-MM-DD")),
    ((*POINTS, "--amount", "5", "--deal-type", "referral"), ("--deal-type", "sourced", "assisted")),
    ((*POINTS, "--amount", "5", "--other-partners", "two", "--manage"), ("--other-partners",)),
    ((*POINTS, "--amount", "5", "--other-partners", "1"), ("--manage",)),
    ((*POINTS, "--amount", "5", "--other-partners", "-3", "--manage"), ("other partners",)),
    ((*POINTS, "--amount", "5", "--date", "2024-03-01", "--first-sold", "2024-04-01"),
     ("first sold",)),
    (("points", "--amount", "5", "--currency", "USD"), ("--country",)),
    (("tier", "--ledger", str(EXAMPLE), "--credited", "Silver", "--credited-since", "2024-01-01"),
     ("'Silver'", "Gold, Platinum, Diamond, Elite")),
    (("tier", "--ledger", str(EXAMPLE), "--credited", "Gold"), ("--credited-since",)),
    (("tier", "--ledger", str(EXAMPLE), "--credited-since", "2024-06-01"), ("--credited",)),
    (("tier", "--ledger", "no-such-ledger.csv"), ("not found", "no-such-ledger.csv")),
    (("tier",), ("--ledger",)),
    (("convert", "--to", "money", "--currency", "USD", "--country", "US"), ("--to",)),
    (("convert", "--to", "currency", "--sold-value", "5", "--currency", "USD", "--country", "US"),
     ("--sold-points",)),
    (("convert", "--to", "points", "--sold-value", "-1", "--currency", "USD", "--country", "US"),
     ("sold value", "negative")),
]


@pytest.mark.parametrize(("args", "fragments"), [BAD_INPUT[i] for i in (0, 4, 7, 8, 14, 17)])
def test_bad_input_is_one_line_on_stderr_with_exit_status_2(args: tuple[str, ...],
                                                            fragments: tuple[str, ...]) -> None:
    assert_one_line_error(run(*args), *fragments)


@pytest.mark.parametrize(("args", "fragments"), BAD_INPUT)
def test_every_kind_of_bad_input_is_one_plain_line_with_exit_status_2(
        args: tuple[str, ...], fragments: tuple[str, ...], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The same main() as the subprocess tests, in-process so forty cases stay fast.
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("PARTNERKIT_RULES", raising=False)
    monkeypatch.setenv("PARTNERKIT_AS_OF", "2024-10-15")
    try:
        status = main(list(args))
    except SystemExit as exit_:
        status = exit_.code  # argparse's own errors
    captured = capsys.readouterr()
    assert_one_line_error(subprocess.CompletedProcess(args, status, captured.out, captured.err),
                          *fragments)


def test_a_ledger_with_bad_rows_names_their_lines_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,client_id,date,deal_type,amount,currency,country\n"
                   "sold,c1,2024-03-15,sourced,1000,USD,US\n"
                   "sold,c2,2024-03-15,sourced,-1,USD,US\n"
                   "managed,c3,2024-99,,1000,USD,US\n", "utf-8")
    assert_one_line_error(run("tier", "--ledger", str(bad)), "bad.csv", "line 3, column 'amount'",
                          "line 4, column 'date'")


def test_a_broken_rules_file_lists_its_problems_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[[rates]]\ncredit = "sourced"\nmarket = "standard"\n'
                      'points_per_100 = "-5"\neffective_from = 2026-01-01\n', "utf-8")
    done = run(*POINTS, "--amount", "5", "--rules", str(broken))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("partnerkit points: error: 1 problem(s) in the rules")
    assert "broken.toml: [[rates]] #1, key 'points_per_100': -5 is negative" in done.stderr

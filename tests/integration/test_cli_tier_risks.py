"""`partnerkit tier` contract of issue 12: credited_tier_basis and risks in --json, "not recorded"
(exit 0, credited_tier null) before --credited-since, and --partner reading the stored history."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from partnerkit.store.demo import create_demo

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "tests" / "data" / "ledger-example.csv"
TODAY = dt.date(2026, 12, 2)
OLD_KEYS = {"as_of", "sourced_points", "assisted_points", "sold_points", "managed_points",
            "total_points", "expired_points", "expiring_points", "performance_tier", "next_tier",
            "gaps", "credited_tier", "credited_since", "tier_changes", "next_review",
            "next_review_outcome", "rules", "explanation"}
RISK_KEYS = {"kind", "date", "tier", "requirement", "required", "projected", "shortfall",
             "message"}


def tier_json(*args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PARTNERKIT_RULES"}
    env["PARTNERKIT_AS_OF"] = TODAY.isoformat()
    done = subprocess.run([sys.executable, "-m", "partnerkit", "tier", *args, "--json"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out: dict[str, Any] = json.loads(done.stdout)
    return out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(f"sqlite:///{path}", seed=7, today=TODAY)
    return str(path)


def test_the_json_keeps_every_key_and_adds_the_basis_and_the_risks():
    out = tier_json("--ledger", str(EXAMPLE), "--as-of", "2024-10-15", "--credited", "Gold",
                    "--credited-since", "2024-01-31", "--certified-until", "2024-12-01")
    assert OLD_KEYS | {"credited_tier_basis", "risks"} <= set(out)
    assert (out["credited_tier"], out["credited_tier_basis"]) == ("Gold", "recorded")
    assert out["risks"], "the certification lapses before the January review"
    for risk in out["risks"]:
        assert set(risk) == RISK_KEYS
        dt.date.fromisoformat(risk["date"])
    assert [r["date"] for r in out["risks"]] == sorted(r["date"] for r in out["risks"])
    assert "certification_expires" in [r["kind"] for r in out["risks"]]


def test_an_as_of_before_the_credited_since_date_is_not_recorded_and_exits_0():
    out = tier_json("--ledger", str(EXAMPLE), "--as-of", "2024-01-01", "--credited", "Gold",
                    "--credited-since", "2024-06-01")
    assert (out["credited_tier"], out["credited_tier_basis"], out["credited_since"]) == (
        None, "not recorded", None)
    assert out["performance_tier"]
    assert "not recorded before 2024-06-01" in out["explanation"]


def test_a_review_that_moved_the_tier_since_the_record_makes_the_basis_computed():
    out = tier_json("--ledger", str(EXAMPLE), "--as-of", "2024-10-15", "--credited", "Diamond",
                    "--credited-since", "2023-12-31")
    assert out["credited_tier_basis"] == "computed" and out["credited_tier"] != "Diamond"
    assert out["tier_changes"][-1]["date"] == "2024-07-15"


def test_the_demo_paulista_shows_a_below_minimum_risk_dated_in_the_projection(demo_db):
    out = tier_json("--db", demo_db, "--partner", "br-paulista")
    below = [r for r in out["risks"] if r["kind"] == "below_minimum"]
    assert below and below[0]["tier"] == "Diamond" and below[0]["date"] > TODAY.isoformat()
    assert below[0]["shortfall"] == pytest.approx(below[0]["required"] - below[0]["projected"])
    assert out["credited_tier_basis"] == "recorded"


def test_the_demo_northwind_shows_its_certification_expiring(demo_db):
    out = tier_json("--db", demo_db, "--partner", "us-northwind")
    cert = [r for r in out["risks"] if r["kind"] == "certification_expires"]
    assert cert and cert[0]["requirement"] == "certification"


def test_the_partner_history_is_read_like_the_flags(demo_db):
    before = tier_json("--db", demo_db, "--partner", "us-northwind", "--as-of", "2026-06-30")
    assert (before["credited_tier"], before["credited_tier_basis"]) == (None, "not recorded")
    after = tier_json("--db", demo_db, "--partner", "us-northwind", "--as-of", "2026-07-31")
    assert (after["credited_tier"], after["credited_since"]) == ("Platinum", "2026-07-02")

"""F5.1 on both databases: the report notebook runs on the demo book in SQLite and PostgreSQL and
its JSON figures equal the core's for that partner and month."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from partnerkit.reports.runner import ReportJob, run_report

pytestmark = pytest.mark.slow


def test_the_demo_report_matches_the_core_on_each_database(
    demo_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from partnerkit import compute_standing, evaluate_tier, load_rules
    from partnerkit.store import open_store

    monkeypatch.setenv("PARTNERKIT_AS_OF", "2026-11-15")
    with open_store(demo_db_url) as store:
        pid = store.partner_ids()[0]
        partner = store.get_partner(pid)
        ledger = store.load_ledger(pid)
    end = dt.date(2026, 10, 31)
    rules = load_rules()
    s = compute_standing(ledger, end, rules)
    perf = evaluate_tier(s, end, rules, certified_until=partner.certified_until)

    result = run_report(ReportJob(pid, "2026-10", demo_db_url, str(tmp_path), pdf=False))
    data = json.loads(Path(result.files["json"]).read_text())
    assert Decimal(data["total_points"]) == s.total_points
    assert Decimal(data["managed_points"]) == s.managed_points
    assert data["performance_tier"] == perf.tier
    assert data["partner_name"] == partner.name

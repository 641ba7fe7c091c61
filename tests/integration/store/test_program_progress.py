"""`partnerkit tier --partner` Program Progress (issue 18): the demo partners' 12-month sourced
MRR (in the partner's own currency) and C$R, the same figures as the core over the stored ledger."""

from __future__ import annotations

import json

import pytest

from partnerkit.cli import main
from partnerkit.program_progress import program_progress
from partnerkit.store import open_store
from tests.integration.conftest import TEST_TODAY


@pytest.mark.parametrize("partner", ["pt-lusitania", "br-paulista", "us-northwind"])
def test_tier_for_a_stored_partner_gives_the_core_figures_in_its_currency(
        demo_db_url, monkeypatch, capsys, partner):
    monkeypatch.setenv("PARTNERKIT_DB", demo_db_url)
    assert main(["tier", "--partner", partner, "--as-of", TEST_TODAY.isoformat(), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    store = open_store(demo_db_url)
    currency = store.get_partner(partner).currency
    core = program_progress(store.load_ledger(partner), TEST_TODAY, store.rules, currency)
    assert out["sourced_mrr_12m"]["currency"] == currency
    assert out["sourced_mrr_12m"] == core.sourced.as_json()
    assert out["customer_dollar_retention"] == core.retention.as_json()
    assert out["sourced_mrr_12m"]["usd"] > 0
    monthly = out["customer_dollar_retention"]["monthly"]
    assert len(monthly) == 12 and monthly[-1]["month"] == TEST_TODAY.strftime("%Y-%m")
    assert 0 < out["customer_dollar_retention"]["average_12m"] <= 1
    assert main(["tier", "--partner", partner, "--as-of", TEST_TODAY.isoformat()]) == 0
    assert "12-month sourced MRR" in capsys.readouterr().out

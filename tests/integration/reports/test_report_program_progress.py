"""The monthly report's headline shows Program Progress (issue 18): 12-month sourced MRR in the
partner's currency and in US$, C$R's 12-month average with a sparkline; the report JSON carries the
`partnerkit tier --json` contract - the same core figures (a real papermill run)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from partnerkit.reports.runner import ReportJob, run_report

MONTH_END = dt.date(2026, 10, 31)
pytestmark = pytest.mark.slow


def core_progress(url: str, pid: str):  # type: ignore[no-untyped-def]
    from partnerkit import load_rules
    from partnerkit.program_progress import program_progress
    from partnerkit.store import open_store

    with open_store(url) as store:
        partner = store.get_partner(pid)
        ledger = store.load_ledger(pid)
    return program_progress(ledger, MONTH_END, load_rules(), partner.currency)


def test_the_report_headline_and_json_show_the_core_program_progress(book, tmp_path: Path):
    url, _ids = book
    result = run_report(ReportJob(partner_id="p01", month="2026-10", db_url=url,
                                  out_dir=str(tmp_path / "r"), pdf=False))
    assert result.status == "done"
    soup = BeautifulSoup(Path(result.files["html"]).read_text("utf-8"), "html.parser")
    core = core_progress(url, "p01")
    block = soup.select_one('[data-block="program-progress"]')
    assert block is not None
    assert any(h.get_text().startswith("Program Progress") for h in soup.find_all("h2"))
    mrr = block.select_one('[data-figure="sourced_mrr_12m"]')
    assert Decimal(mrr["data-value"]) == core.sourced.amount
    assert mrr["data-currency"] == "BRL"  # p01 is the Brazilian partner of the test book
    assert Decimal(block.select_one('[data-figure="sourced_mrr_12m_usd"]')["data-value"]) == (
        core.sourced.usd)
    cdr = block.select_one('[data-figure="customer_dollar_retention"]')
    assert core.retention.average_12m is not None
    assert Decimal(cdr["data-value"]) == core.retention.average_12m
    assert block.select_one('svg[role="img"]')["aria-label"].startswith(
        "Customer dollar retention, 2025-11 to 2026-10")
    gate = block.select_one('[data-figure="retention_requirement"]')
    met = core.retention.average_12m >= Decimal("0.85")
    assert gate["data-value"] == f"Elite:0.85:{'met' if met else 'not met'}"
    assert gate.get_text() == f"Elite needs at least 85%: {'met' if met else 'not met'}"
    # The points gap table lists points requirements only (retention is a percentage).
    assert not soup.select('[data-figure^="gaps."][data-figure$=".required"][data-value="0.85"]')
    # Which deals and clients, which months.
    deals = soup.select_one('[data-explains="sourced_mrr_12m"]').get_text()
    assert f"From {core.sourced.deals} sourced deals with {len(core.sourced.clients)} clients" in (
        deals)
    assert str(core.sourced.clients.iloc[0]["client_name"]) in deals
    months = soup.select_one('[data-explains="customer_dollar_retention"]').get_text()
    assert all(m.label in months for m in core.retention.months)
    data = json.loads(Path(result.files["json"]).read_text("utf-8"))
    assert data["sourced_mrr_12m"] == core.sourced.as_json()
    assert data["customer_dollar_retention"] == core.retention.as_json()
    assert data["sourced_mrr_12m"]["currency"] == "BRL"


def test_the_portuguese_report_names_program_progress_in_portuguese(book, tmp_path: Path):
    url, _ids = book
    result = run_report(ReportJob(partner_id="p00", month="2026-10", db_url=url,
                                  out_dir=str(tmp_path / "r"), locale="pt_PT", pdf=False))
    soup = BeautifulSoup(Path(result.files["html"]).read_text("utf-8"), "html.parser")
    block = soup.select_one('[data-block="program-progress"]')
    assert block is not None
    text = block.get_text(" ", strip=True)
    assert "Retenção de dólares do cliente (média de 12 meses)" in text
    assert "MRR de origem em 12 meses" in text
    assert "," in block.select_one('[data-figure="customer_dollar_retention"]').get_text()

"""The Tier page's Program Progress block (issue 18), widget level: the same figures as the core's
program_progress for the partner and date, in the user's language, with which clients and months
are behind them; Elite's retention gap reads as a percentage."""

from __future__ import annotations

import html
import re
from pathlib import Path

from partnerkit.program_progress import program_progress
from partnerkit.ui.dashboard import Dashboard, build_dashboard
from tests.unit.ui.test_dashboard import AS_OF, make_book, make_dashboard, open_tier


def a_dashboard_with_a_year_of_history(folder: Path) -> Dashboard:
    """The test book plus November 2025 snapshots of clients c001, c002 and c004 (US$/EUR/BRL
    bases for November 2026's C$R; c003 was not managed then)."""
    import datetime as dt

    from partnerkit.store import open_store
    from partnerkit.store import schema as S
    from partnerkit.store.engine import write_tx
    from partnerkit.store.writes import upsert_rows

    url = make_book(folder)
    store = open_store(url)
    rows = [dict(partner_id="p1", event_id=f"base-{cid}", kind="managed", client_id=cid,
                 client_name=f"Cliente {cid}", date=dt.date(2025, 11, 1), deal_type="",
                 amount_units=units * 10_000, currency=ccy, country=cty, product_line="",
                 first_sold=None, other_partners=0)
            for cid, units, ccy, cty in (("c001", 1000, "BRL", "BR"), ("c002", 500, "EUR", "PT"),
                                         ("c004", 9000, "EUR", "PT"))]
    with write_tx(store.engine) as conn:
        upsert_rows(conn, S.ledger, rows)
    store.close()
    d = build_dashboard(url, partner_id="p1", as_of=AS_OF)
    assert isinstance(d, Dashboard)
    return d


def figure(block_html: str, name: str) -> tuple[str, str]:
    m = re.search(rf'data-figure="{name}" data-value="([^"]*)">([^<]*)<', block_html)
    assert m, name
    return html.unescape(m.group(1)), html.unescape(m.group(2))


def test_the_block_shows_the_core_figures_above_the_tier_tabs(tmp_path: Path) -> None:
    d = a_dashboard_with_a_year_of_history(tmp_path)
    tier = open_tier(d)
    kids = list(tier.widget.children)  # "data as of", the risks banner (issue 12), this, tabs
    assert kids.index(tier.progress.widget) < kids.index(tier.body)
    st = d.state
    core = program_progress(st.ledger(), AS_OF, st.rules, "EUR")
    block, t = tier.progress.widget.value, st.t
    c = st.credited()
    assert figure(block, "credited_tier") == (c.tier, c.tier)
    assert figure(block, "performance_tier")[0] == c.performance.tier_label
    assert figure(block, "total_points")[0] == str(st.standing().total_points)
    assert figure(block, "sourced_mrr_12m") == (str(core.sourced.amount),
                                                t.money(core.sourced.amount, "EUR"))
    avg = core.retention.average_12m
    assert avg is not None
    assert figure(block, "customer_dollar_retention") == (str(avg), t.percent(avg, 1))
    assert 'role="img"' in block and "Customer dollar retention by month" in block
    assert "How these figures are computed" in block and "<details" in block
    # Which months: one row per month of the 12, newest first.
    months = re.findall(r"<td[^>]*>(\d{4}-\d{2})</td>", block)
    assert months[0] == "2026-11" and len(months) == 12


def test_the_block_follows_the_language(tmp_path: Path) -> None:
    d = a_dashboard_with_a_year_of_history(tmp_path)
    tier = open_tier(d)
    d.language.value = "pt_PT"
    block = tier.progress.widget.value
    assert "Progresso no programa" in block and "MRR de origem em 12 meses" in block
    avg = program_progress(d.state.ledger(), AS_OF, d.state.rules, "EUR").retention.average_12m
    assert figure(block, "customer_dollar_retention")[1] == d.state.t.percent(avg, 1)
    assert "," in figure(block, "customer_dollar_retention")[1]


def test_elites_retention_requirement_reads_as_a_percentage(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    tier.get_to.value = "Elite"
    assert d.messages.value == ""
    text = tier.get_to_table.value
    assert "Customer retention (12-month average)" in text
    assert "85.0%" in text


def test_months_without_a_base_say_not_recorded_not_zero(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)  # managed snapshots only in 2026: no month has a base
    block = open_tier(d).progress.widget.value
    assert figure(block, "customer_dollar_retention") == ("", "not recorded")
    assert "no client managed 12 months earlier" in block
    assert "0.0%" not in block

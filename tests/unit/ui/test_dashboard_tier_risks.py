"""Issue 12 on the dashboard's Tier page: the risks banner above the tabs (soonest first, coloured
by urgency, the credited tier's basis), the Tier point changes tab (default last month, totals,
per-client table, drill-down, CSV/XLSX export neutralised like `partnerkit export`) and the form
that records a credited tier (audited; the page recomputes)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pandas as pd

from partnerkit.changes import PointChanges, changes_between
from partnerkit.store import open_store
from tests.unit.ui.test_dashboard import AS_OF, all_html, make_book, make_dashboard, text_of


def open_tier(d):
    d.nav.select("tier")
    assert d.messages.value == ""
    return d.tier


def test_the_tier_page_opens_with_the_risks_soonest_first(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    children = list(tier.widget.children)
    assert children.index(tier.risks_html) == 1  # right under the "data as of" line
    risks = d.state.risks()
    assert risks, "p1's certification expires on 2027-01-10, before the January review"
    html = tier.risks_html.value
    kinds = [r.kind for r in risks]
    assert "certification_expires" in kinds
    assert [html.index(f'data-date="{r.date.isoformat()}"') for r in risks] == sorted(
        html.index(f'data-date="{r.date.isoformat()}"') for r in risks)
    level = "urgent" if (risks[0].date - AS_OF).days <= 30 else (
        "soon" if (risks[0].date - AS_OF).days <= 90 else "later")
    assert f"pk-risks-{level}" in html
    basis = d.state.credited_basis()
    assert f'data-basis="{basis.basis}"' in html
    assert f"Credited tier: {basis.tier}" in text_of(html)


def test_a_date_before_the_record_says_not_recorded_everywhere_on_the_page(tmp_path: Path):
    from partnerkit.ui.dashboard import Dashboard, build_dashboard

    d = build_dashboard(make_book(tmp_path), partner_id="p1", as_of=dt.date(2025, 6, 30))
    assert isinstance(d, Dashboard)
    tier = open_tier(d)
    assert d.state.credited() is None and d.state.credited_basis().basis == "not recorded"
    text = text_of(all_html(tier.widget))
    assert 'data-basis="not recorded"' in tier.risks_html.value
    assert "unchanged" not in text and "held until" not in text


def test_a_date_after_the_data_is_labelled_a_projection(tmp_path: Path) -> None:
    from partnerkit.ui.dashboard import Dashboard, build_dashboard

    d = build_dashboard(make_book(tmp_path), partner_id="p1", as_of=dt.date(2027, 3, 1))
    assert isinstance(d, Dashboard)
    tier = open_tier(d)
    assert "a projection (no new deals assumed)" in text_of(tier.risks_html.value)


def test_the_insights_show_the_margin_over_the_current_tiers_minimums(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    tier_name = d.state.credited_basis().tier
    assert f"Margin over {tier_name}'s minimums" in text_of(tier.insights_html.value)


def test_the_point_changes_tab_defaults_to_last_month_with_totals_and_clients(tmp_path: Path):
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    tier.tabs.selected_index = 3
    assert tier.tabs.titles[3] == "Tier point changes"
    view = tier.changes
    assert (view.first.value, view.last.value) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    expected = changes_between(d.state.valuation(), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    totals = view.totals_html.value
    for key, value in expected.totals.items():
        assert f'data-total="{key}" data-value="{value}"' in totals
    assert expected.total("new_sold") > 0
    rows = text_of(view.table_html.value)
    for name in expected.clients["client_name"].head(5):
        assert text_of(name) in rows


def test_a_total_lists_the_clients_behind_it() -> None:
    frame = pd.DataFrame({
        "client_id": ["a", "b", "c"], "client_name": ["A", "B", "C"],
        "new_sold": [Decimal(5), Decimal(0), Decimal(12)],
        "lost_sold": [Decimal(0), Decimal(3), Decimal(0)],
        "new_managed": [Decimal(0)] * 3, "lost_managed": [Decimal(0)] * 3,
        "net": [Decimal(5), Decimal(-3), Decimal(12)]})
    ch = PointChanges(dt.date(2026, 10, 1), dt.date(2026, 10, 31), frame)
    assert ch.clients_behind("new_sold")["client_id"].tolist() == ["c", "a"]
    assert ch.clients_behind("lost_sold")["client_id"].tolist() == ["b"]
    assert ch.total("new_sold") == Decimal(17)


def test_picking_a_client_drills_down_to_its_events_in_the_range(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    tier.tabs.selected_index = 3
    view = tier.changes
    cid = view.changes.clients["client_id"].iloc[0]
    view.client.value = cid
    detail = text_of(view.detail_html.value)
    assert "Sale closed" in detail or "Managed month" in detail or "expired" in detail
    assert d.messages.value == ""


def test_a_range_ending_before_it_starts_is_one_clear_message(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    tier.tabs.selected_index = 3
    tier.changes.last.value = dt.date(2026, 9, 1)
    assert "before the start date" in text_of(tier.changes.totals_html.value)
    assert d.messages.value == ""


def test_the_export_is_the_table_with_formulas_neutralised(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    tier.tabs.selected_index = 3
    view = tier.changes
    frame = view.changes.clients.copy()
    frame.loc[0, "client_name"] = "=HYPERLINK(\"http://x\")"
    view.changes = PointChanges(view.changes.first, view.changes.last, frame)
    rows = list(csv.reader(io.StringIO(view.export_bytes("csv").decode("utf-8-sig"))))
    assert rows[0][:4] == ["from", "to", "client_id", "client_name"]
    assert rows[1][3] == "'=HYPERLINK(\"http://x\")"
    assert len(rows) == len(frame) + 1
    assert view.export_bytes("xlsx")[:2] == b"PK"
    tier.changes.export_csv.click()
    assert 'download="point-changes-p1-' in view.download.value


def test_recording_a_credited_tier_is_audited_and_the_page_recomputes(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    form = tier.history_form
    form.date.value = dt.date(2026, 10, 31)
    form.tier.value = "Platinum"
    form.note.value = "HubSpot e-mail"
    form.add.click()
    assert d.messages.value == ""
    assert "Recorded: Platinum" in text_of(form.result.value)
    assert d.state.credited_basis().tier in ("Platinum", "Gold")
    assert d.state.credited_basis().record.tier == "Platinum"
    with open_store(d.state.store.url) as store:
        assert store.audit_log("p1")["action"].tolist()[-1] == "add_tier_record"
    form.date.value = dt.date(2030, 1, 1)
    form.add.click()
    assert "in the future" in text_of(form.result.value)


def test_the_banner_speaks_portuguese(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path, locale="pt_PT")
    tier = open_tier(d)
    text = text_of(tier.risks_html.value)
    assert "Certificação" in text or "certificação" in text


def test_get_to_elite_lists_its_other_gates(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    tier.get_to.value = "Elite"
    text = text_of(tier.get_to_table.value)
    assert "Elite is by invitation from HubSpot" in text
    assert "100 certifications" in text


def test_the_tier_charts_caption_names_the_keep_line(tmp_path: Path) -> None:
    d = make_dashboard(tmp_path)
    tier = open_tier(d)
    keep = d.state.credited_basis().tier
    assert f'data-line="keep" data-tier="{keep}"' in tier.progress_heading.value

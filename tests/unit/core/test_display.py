"""Notebook display of the API objects (issue 17): a concise repr and a bounded, escaped HTML table
for the rules, estimates, standing, tiers and ledger; float point columns beside exact Decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import matplotlib
import pandas as pd

from partnerkit.points import currency_to_points, estimate_points
from partnerkit.standing import compute_standing, exact_points, history
from partnerkit.tiers import credited_tier, evaluate_tier
from tests.unit.core.builders import D, a_ledger, a_managed_snapshot, a_sold_event, shipped

RULES = shipped()
AS_OF = D(2024, 3, 31)
HOSTILE = "<script>alert(1)</script>"


def a_book(clients: int = 3, name: str = "Acme"):
    events = []
    for i in range(clients):
        events.append(a_sold_event(client_id=f"c{i}", client_name=f"{name} {i}",
                                   amount=str(1000 + i)))
        events.append(a_managed_snapshot(client_id=f"c{i}", client_name=f"{name} {i}"))
    return a_ledger(*events)


def test_the_rules_show_a_dated_summary_not_every_row():
    text = repr(RULES)
    assert len(text) < 300 and "rates" in text
    assert text.startswith("Rulebook(") and "Gold" in text
    html = RULES._repr_html_()
    assert 2_000 < len(html) < 20_000
    assert "Tier minimums" in html and "in force on" in html and "Growth markets" in html


def test_an_estimate_shows_its_total_with_two_decimals_and_how():
    e = estimate_points("1000", "EUR", "PT", "sourced", D(2026, 11, 15), RULES, manage=True,
                        other_partners=1)
    assert repr(e) == ("PointsEstimate(total 62.50 = sold 56.82 + managed 5.68; EUR, standard "
                       "market, 2026-11-15)")
    html = e._repr_html_()
    assert len(html) < 4_000 and "62.50" in html and "EUR" in html
    c = currency_to_points("100", "0", "USD", "US", "sourced", D(2024, 3, 15), RULES)
    assert repr(c).startswith("Conversion(sold 5.00 points") and len(c._repr_html_()) < 4_000


def test_the_standing_shows_its_figures_and_only_the_head_of_a_big_client_list():
    s = compute_standing(a_book(2_000), AS_OF, RULES)
    text = repr(s)
    assert text.startswith("Standing(2024-03-31: total") and "2,000 clients" in text
    assert len(text) < 250
    html = s._repr_html_()
    assert len(html) < 8_000 and "1,995 more rows" in html


def test_client_names_are_escaped_in_the_html():
    ledger = a_book(1, name=HOSTILE)
    for obj in (ledger, compute_standing(ledger, AS_OF, RULES)):
        html = obj._repr_html_()
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_ledger_shows_rows_clients_date_range_and_head():
    ledger = a_book(30)
    assert repr(ledger) == ("Ledger(60 rows: 30 sold, 30 managed; 30 clients; "
                            "2024-03-01 to 2024-03-15)")
    html = ledger._repr_html_()
    assert len(html) < 6_000 and "55 more rows" in html and "1,000.00" in html
    assert repr(a_ledger()) == "Ledger(empty)"


def test_tier_results_are_short_in_text_and_a_table_in_html():
    ledger = a_book(3)
    s = compute_standing(ledger, AS_OF, RULES)
    perf = evaluate_tier(s, AS_OF, RULES)
    assert repr(perf).startswith("TierPerformance(2024-03-31: performs at")
    assert len(repr(perf)) < 120
    html = perf._repr_html_()
    assert len(html) < 8_000 and "short by" in html
    credited = credited_tier(ledger, RULES, "Gold", D(2024, 1, 1), AS_OF)
    assert repr(credited).startswith("CreditedTier(") and len(repr(credited)) < 200
    assert 200 < len(credited._repr_html_()) < 8_000


def test_point_columns_are_floats_with_the_exact_decimals_beside_them():
    s = compute_standing(a_book(3), AS_OF, RULES)
    pc = s.per_client
    for col in ("sourced", "assisted", "sold", "managed", "total"):
        assert pc[col].dtype == "float64"
        assert all(isinstance(x, Decimal) for x in pc[f"{col}_exact"])
        assert pc[col].tolist() == [float(x) for x in pc[f"{col}_exact"]]
    assert pc.round(1)["total"].tolist() == [round(float(x), 1) for x in pc["total_exact"]]
    exported = exact_points(pc)
    assert list(exported.columns) == [c for c in pc.columns if not c.endswith("_exact")]
    assert all(isinstance(x, Decimal) for x in exported["total"])


def test_the_history_frame_plots():
    matplotlib.use("agg")
    h = history(a_book(3), AS_OF, RULES, months=6)
    assert h["total"].dtype == "float64" and isinstance(h.loc[0, "total_exact"], Decimal)
    ax = h.plot(x="month_end", y=["sold", "managed", "total"])
    assert len(ax.get_lines()) == 3
    assert isinstance(h.plot(), matplotlib.axes.Axes)
    assert isinstance(h.round(2), pd.DataFrame)
    assert h["month_end"].iloc[-1] > dt.date(2024, 3, 31)  # the projection follows as_of

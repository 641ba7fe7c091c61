"""The charts shared by the dashboard and the monthly report (F2.3 tier progress, F2.7 progress
over time): pure functions of core results + a Translator, returning matplotlib Figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from matplotlib.figure import Figure

from partnerkit import compute_standing, history, load_rules
from partnerkit.charts import figure_png, progress_over_time_chart, tier_progress_chart
from partnerkit.ledger import Ledger, ManagedSnapshot, SoldEvent
from partnerkit.ui.i18n import translator

ON = dt.date(2026, 11, 15)


def ledger(sourced: int = 20, managed_mrr: int = 5000) -> Ledger:
    """`sourced` US$1,000 sales spread over the last year, plus one managed client."""
    events: list[SoldEvent | ManagedSnapshot] = [
        SoldEvent(
            client_id=f"c{i}",
            close_date=dt.date(2026, 1, 5) + dt.timedelta(days=15 * i),
            deal_type="sourced",
            amount=Decimal(1000),
            currency="USD",
            country="US",
        )
        for i in range(sourced)
    ]
    events += [
        ManagedSnapshot(
            client_id="m",
            month=dt.date(2026, m, 1),
            amount=Decimal(managed_mrr),
            currency="USD",
            country="US",
        )
        for m in range(1, 12)
    ]
    return Ledger.from_events(events)


def texts(fig: Figure) -> list[str]:
    out = [t.get_text() for ax in fig.axes for t in ax.texts]
    out += [ax.get_title(loc="left") for ax in fig.axes]
    out += [lbl.get_text() for ax in fig.axes for lbl in ax.get_yticklabels()]
    return out


def test_tier_progress_chart_marks_the_next_tier_with_its_number_and_derived_label() -> None:
    rules = load_rules()
    s = compute_standing(ledger(sourced=3), ON, rules)  # 150 sourced + 50 managed: Gold
    fig = tier_progress_chart(s, rules, ON, translator("en", domain="dashboard"), tier="Gold")
    shown = texts(fig)
    nxt = rules.tier_ladder(ON)[1]
    assert "Progress to Platinum" in shown
    assert any(f"Platinum: {nxt.total_min:,.0f} (derived)" in x for x in shown)
    assert {"Sourced points", "Managed points", "Total points"} <= set(shown)
    assert any(x.strip().startswith("200 (") for x in shown)  # total 150 + 50 with its percent


def test_tier_progress_chart_speaks_portuguese() -> None:
    rules = load_rules()
    s = compute_standing(ledger(), ON, rules)
    shown = texts(tier_progress_chart(s, rules, ON, translator("pt_BR", domain="dashboard")))
    assert "Pontos totais" in shown
    assert any("(derivado)" in x for x in shown)


def test_progress_over_time_chart_dashes_the_projection_and_draws_the_tier_line() -> None:
    rules = load_rules()
    h = history(ledger(), ON, rules, months=12, projection_months=3)
    fig = progress_over_time_chart(h, translator("en", domain="dashboard"), rules, ON)
    ax = fig.axes[0]
    styles = {line.get_linestyle() for line in ax.lines}
    assert "--" in styles and "-" in styles
    assert any("Projection" in x for x in texts(fig))
    assert any("(derived)" in x for x in texts(fig))


def test_an_empty_history_gives_a_labelled_empty_chart() -> None:
    rules = load_rules()
    h = history(Ledger.empty(), ON, rules, months=6)
    fig = progress_over_time_chart(h.iloc[0:0], translator("en", domain="dashboard"))
    assert "No points history yet" in texts(fig)


def test_figure_png_is_rendered_at_150_dpi() -> None:
    rules = load_rules()
    s = compute_standing(ledger(), ON, rules)
    png = figure_png(tier_progress_chart(s, rules, ON, translator("en", domain="dashboard")))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") >= 8 * 150 * 0.9

"""Issue 12: the progress charts draw the current tier's minimum (to keep it) as well as the next
tier's, and scale to what the partner reaches: a far-away next tier is an annotation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from partnerkit import compute_standing, history, load_rules
from partnerkit.charts import progress_over_time_chart, tier_progress_chart
from partnerkit.ledger import Ledger, ManagedSnapshot, SoldEvent
from partnerkit.ui.i18n import translator

ON = dt.date(2026, 11, 15)
T = translator("en", domain="dashboard")


def diamond_ledger() -> Ledger:
    """About 1,000 points: Diamond (840) met; Elite (3,833) far away."""
    events: list[SoldEvent | ManagedSnapshot] = [
        SoldEvent(client_id=f"c{i}", close_date=dt.date(2026, 1, 5) + dt.timedelta(days=20 * i),
                  deal_type="sourced", amount=Decimal(600), currency="USD", country="US")
        for i in range(14)]
    events += [ManagedSnapshot(client_id="m", month=dt.date(2026, m, 1), amount=Decimal(45000),
                               currency="USD", country="US") for m in range(1, 12)]
    return Ledger.from_events(events)


def texts(fig) -> list[str]:
    return [x.get_text() for ax in fig.axes for x in ax.texts]


def test_the_tier_chart_draws_the_minimum_to_keep_the_current_tier():
    rules = load_rules()
    s = compute_standing(diamond_ledger(), ON, rules)
    fig = tier_progress_chart(s, rules, ON, T, tier="Diamond", keep="Diamond")
    shown = texts(fig)
    assert any("Keep Diamond: 840" in x for x in shown)


def test_a_far_next_tier_is_an_annotation_and_does_not_stretch_the_scale():
    rules = load_rules()
    s = compute_standing(diamond_ledger(), ON, rules)
    assert s.total_points < 1500
    fig = tier_progress_chart(s, rules, ON, T, tier="Diamond", keep="Diamond")
    ax = fig.axes[0]
    assert ax.get_xlim()[1] < 3833 / 1.5  # the bars keep their width
    assert any("Elite: 3,833" in x and "off the scale" in x for x in texts(fig))


def test_the_progress_over_time_chart_draws_the_keep_line_and_annotates_a_far_next_tier():
    rules = load_rules()
    h = history(diamond_ledger(), ON, rules, months=12, projection_months=3)
    fig = progress_over_time_chart(h, T, rules, ON, tier="Diamond", keep="Diamond")
    ax = fig.axes[0]
    shown = texts(fig)
    assert any("Keep Diamond: 840" in x for x in shown)
    assert any("Elite: 3,833" in x and "off the scale" in x for x in shown)
    assert ax.get_ylim()[1] < 3833
    assert 840 in [round(line.get_ydata()[0]) for line in ax.lines if len(line.get_ydata()) == 2]


def test_a_near_next_tier_is_still_a_line():
    rules = load_rules()
    s = compute_standing(diamond_ledger(), ON, rules)
    fig = tier_progress_chart(s, rules, ON, T, tier="Platinum", keep="Platinum")
    assert any(x.strip().startswith("Diamond: 840") for x in texts(fig))
    assert any("Keep Platinum" in x for x in texts(fig))

"""Scenario 4 — the points calculator (F3): server-side time per recalculation.

Figures: `partnerkit.points.estimate_points` (one deal, sold + managed, with its explanation and
rule references), points -> currency, and the widget's own recalculation (typing an amount into
`partnerkit.ui.calculator.PointsCalculator` fires its observer, which parses, estimates and
re-renders the figures and the "how" block) — against the floor of a bare Decimal multiply-divide
(amount x rate / local amount per US$100), the arithmetic a recalculation cannot avoid.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

from common import Figure, median, p95

SCENARIO = "calculator"
TARGET_S = 0.020


def _per_call(fn: Any, calls: int, samples: int) -> list[float]:
    """`samples` figures, each the mean time of `calls` back-to-back calls (seconds per call)."""
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for i in range(calls):
            fn(i)
        out.append((time.perf_counter() - t0) / calls)
    return out


def run(quick: bool = False, smoke: bool = False) -> tuple[list[Figure], list[str]]:
    from partnerkit import estimate_points, load_rules, points_to_currency

    rules = load_rules()
    on = dt.date(2026, 11, 28)
    calls, samples = (5, 3) if smoke else (50, 5) if quick else (200, 9)
    amounts = [Decimal(1000 + 7 * i) for i in range(calls)]
    rate = rules.rate("sourced", "growth", on).points_per_100
    local = rules.currency_rule("BRL", on).local_per_100

    def floor(i: int) -> Decimal:
        return amounts[i % calls] * rate / local

    fl = _per_call(floor, calls * 20, samples)
    est = _per_call(lambda i: estimate_points(
        amount=amounts[i], currency="BRL", country="BR", deal_type="sourced", on=on, rules=rules,
        manage=True, other_partners=1), calls, samples)
    conv = _per_call(lambda i: points_to_currency(
        sold_points=amounts[i], managed_points=Decimal(50), currency="BRL", country="BR",
        deal_type="sourced", on=on, rules=rules), calls, samples)
    figures = [
        Figure(SCENARIO, "estimate_points (F3.1), per call", median(est), "s", median(fl),
               f"< {TARGET_S * 1e3:.0f} ms", median(est) < TARGET_S, samples, samples=est),
        Figure(SCENARIO, "points_to_currency (F3.2), per call", median(conv), "s", median(fl),
               f"< {TARGET_S * 1e3:.0f} ms", median(conv) < TARGET_S, samples, samples=conv),
    ]
    notes = [f"core calls: median of {samples} batches of {calls} calls; floor: Decimal "
             f"amount × rate / local-per-US$100, {calls * 20} calls per batch."]
    try:
        from partnerkit.ui.calculator import PointsCalculator
    except ImportError as exc:  # pragma: no cover - the UI is part of the package
        notes.append(f"widget: not measured ({exc}).")
        return figures, notes
    calc = PointsCalculator(rules=rules, on=on)
    tab = calc.points
    tab.country.widget.value = tab.country.widget.value  # settle the defaults
    tab.manage.value = True
    n = 5 if smoke else 40 if quick else 150
    typed = []
    before = tab.figures.value
    tab.amount.widget.value = "98765"
    changed = tab.figures.value != before
    for i in range(n + 3):
        t0 = time.perf_counter()
        tab.amount.widget.value = f"{1500 + i}"
        typed.append(time.perf_counter() - t0)
    typed = typed[3:]  # the first keystrokes warm caches
    cur = calc.currency
    conv_w: list[float] = []
    field = next((getattr(cur, a) for a in ("sold_points", "sold", "points_sold")
                  if hasattr(cur, a)), None)
    if field is not None and hasattr(field, "widget"):
        for i in range(n + 3):
            t0 = time.perf_counter()
            field.widget.value = f"{100 + i}"
            conv_w.append(time.perf_counter() - t0)
        conv_w = conv_w[3:]
    figures.append(Figure(SCENARIO, "widget: type an amount → figures re-rendered (median)",
                          median(typed), "s", median(fl), f"< {TARGET_S * 1e3:.0f} ms",
                          median(typed) < TARGET_S, len(typed), samples=typed))
    figures.append(Figure(SCENARIO, "widget: type an amount → figures re-rendered (p95)",
                          p95(typed), "s", median(fl), f"< {TARGET_S * 1e3:.0f} ms",
                          p95(typed) < TARGET_S, len(typed)))
    if conv_w:
        figures.append(Figure(SCENARIO, "widget: currency tab recalculation (median)",
                              median(conv_w), "s", median(fl), f"< {TARGET_S * 1e3:.0f} ms",
                              median(conv_w) < TARGET_S, len(conv_w), samples=conv_w))
    notes.append(f"widget: {len(typed)} keystrokes into the Points tab amount (manage on, BR/BRL) "
                 "timed from setting the Text value to the observer returning (server side, no "
                 f"browser); the figures change with the amount: {'yes' if changed else 'NO'}.")
    return figures, notes

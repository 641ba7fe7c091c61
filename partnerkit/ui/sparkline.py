"""A small inline-SVG sparkline of monthly fractions (C$R, issue 18), shared by the dashboard and
the report: no image, no script, nothing fetched; a month without a value is a gap with a dot on
the baseline. Values come from the core; this only draws them."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal


def _scale(values: Sequence[Decimal | None]) -> tuple[Decimal, Decimal]:
    """From the lowest tenth shown (at most 90 %) to 100 % (or higher, under the net policy)."""
    shown = [v for v in values if v is not None]
    if not shown:
        return Decimal(0), Decimal(1)
    lo = min(Decimal(int(min(shown) * 10)) / 10, Decimal("0.9"))
    return lo, max(max(shown), Decimal(1))


def sparkline_svg(values: Sequence[Decimal | None], label: str, *, width: int = 132,
                  height: int = 30, css_class: str = "pk-spark") -> str:
    """An <svg role="img"> with `label` as its accessible name and one point per month."""
    n = len(values)
    lo, hi = _scale(values)
    pad = 3
    step = (width - 2 * pad) / max(n - 1, 1)

    def y(v: Decimal) -> float:
        return pad + float((hi - v) / (hi - lo)) * (height - 2 * pad)

    runs: list[list[str]] = [[]]
    dots: list[str] = []
    for i, v in enumerate(values):
        x = pad + i * step
        if v is None:
            runs.append([])
            dots.append(f'<circle cx="{x:.1f}" cy="{height - pad:.1f}" r="1.2" class="gap"/>')
        else:
            runs[-1].append(f"{x:.1f},{y(v):.1f}")
    lines = "".join(
        f'<polyline points="{" ".join(r)}" fill="none" stroke="currentColor" '
        f'stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>'
        if len(r) > 1 else
        f'<circle cx="{r[0].split(",")[0]}" cy="{r[0].split(",")[1]}" r="1.8" '
        f'fill="currentColor"/>'
        for r in runs if r)
    return (f'<svg class="{css_class}" role="img" aria-label="{html.escape(label, quote=True)}" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f"<title>{html.escape(label)}</title>{lines}{''.join(dots)}</svg>")

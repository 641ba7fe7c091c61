"""Matplotlib charts shared by the dashboard (F2.3, F2.7) and the monthly tier report (F5.1).

Pure functions of core results plus a Translator: no widgets, no database, no files. Each returns
a `matplotlib.figure.Figure` (built without pyplot, so no global state and no GUI backend);
`figure_png(fig)` renders it crisply (dpi 150) for an Image widget or a report.

Their texts are msgids of the "dashboard" gettext domain: pass
`partnerkit.ui.i18n.translator(locale, domain="dashboard")` as `t`.

- `tier_progress_chart(standing, rules, on, t, tier=None, keep=None)`: sold (or sourced), managed
  and total points as bars, each with a line at the current tier's minimum (what it takes to keep
  it) and at the next tier's, with their numbers written beside them; thresholds HubSpot does not
  publish (provenance "derived"/"estimate") are labelled "derived". The scale follows what the
  partner can reach: a next-tier minimum far beyond it is an annotation at the edge, not a line
  that squashes the bars (issue 12). F2.3.
- `progress_over_time_chart(hist, t, rules=None, on=None, tier=None)`: monthly sold, managed and
  total points from `partnerkit.history(...)`, the projection (no new deals; sold points expire)
  dashed in a shaded band, the current tier's total minimum and the next tier's (annotated at the
  top when far out of reach). F2.7.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

SOLD = "#ff7a59"
ASSISTED = "#ffbca8"
MANAGED = "#00a4bd"
TOTAL = "#33475b"
LINE = "#d62f3a"
GRID = "#eaf0f6"
TEXT = "#213343"
THEME_ENV = "PARTNERKIT_THEME"  # light | dark (set by `partnerkit serve --theme`)
# Colours that must follow the page's theme (issue 17); the series colours read on both.
PALETTES: dict[str, dict[str, str]] = {
    "light": {"text": TEXT, "muted": "#516f90", "grid": GRID, "band": "#f5f8fa", "total": TOTAL,
              "background": "#ffffff"},
    # JupyterLab Dark's --jp-layout-color0 behind light text (WCAG contrast > 10).
    "dark": {"text": "#e3e8ee", "muted": "#a9b8c7", "grid": "#2e3a46", "band": "#1c2630",
             "total": "#cbd6e2", "background": "#111111"},
}
_chosen: list[str] = []  # the theme a notebook page reported (host helper), else the env


def set_theme(name: str | None) -> None:
    """Draw the next charts for the page's theme ("light"/"dark"; None: $PARTNERKIT_THEME)."""
    _chosen[:] = [name] if name in PALETTES else []


def current_theme() -> str:
    import os

    if _chosen:
        return _chosen[0]
    env = os.environ.get(THEME_ENV, "").strip().lower()
    return env if env in PALETTES else "light"


def _palette() -> dict[str, str]:
    return PALETTES[current_theme()]


def _themed_figure(size: tuple[float, float]) -> tuple[Figure, Any, dict[str, str]]:
    pal = _palette()
    fig = Figure(figsize=size, facecolor=pal["background"])
    ax = fig.add_subplot(1, 1, 1)
    ax.set_facecolor(pal["background"])
    ax.tick_params(colors=pal["text"])
    ax.xaxis.label.set_color(pal["text"])  # kept when set_xlabel/set_ylabel set the text
    ax.yaxis.label.set_color(pal["text"])
    for side in ("bottom", "left", "top", "right"):
        ax.spines[side].set_color(pal["muted"])
    return fig, ax, pal


def figure_png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (crisp on high-density screens and in PDFs)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor=fig.get_facecolor())
    return buf.getvalue()


def _f(x: Any) -> float:
    return float(x) if x is not None else 0.0


def _numeric_tier(standing: Any, ladder: list[Any]) -> str | None:
    """The highest tier whose point minimums the standing meets (certification not considered)."""
    best = None
    for req in ladder:
        sold = standing.sourced_points if req.sold_min_counts == "sourced" else standing.sold_points
        ok = standing.total_points >= req.total_min and sold >= req.sold_min
        if req.managed_min is not None:
            ok = ok and standing.managed_points >= req.managed_min
        if ok:
            best = req.tier
    return best


def _targets(standing: Any, rules: Any, on: dt.date, tier: str | None) -> tuple[Any, bool]:
    """(requirement to draw, is_next): the next tier above `tier`, or the top tier to keep."""
    ladder = list(rules.tier_ladder(on))
    if not ladder:
        return None, False
    if tier is None:
        tier = _numeric_tier(standing, ladder)
    names = [r.tier for r in ladder]
    if tier in names:
        i = names.index(tier)
        if i + 1 < len(ladder):
            return ladder[i + 1], True
        return ladder[i], False
    return ladder[0], True


# A next-tier minimum more than this many times what the partner reaches (points or the current
# tier's minimum) is written as an annotation instead of stretching the axis to it (issue 12).
REACH = 1.6
KEEP_LINE = "#516f90"


def _keep_requirement(rules: Any, on: dt.date, standing: Any, tier: str | None,
                      keep: str | None) -> Any:
    """The requirement row of the tier to keep: `keep`, else the tier performed at."""
    ladder = list(rules.tier_ladder(on))
    name = keep or tier or _numeric_tier(standing, ladder)
    return next((r for r in ladder if r.tier == name), None)


def _track_min(req: Any, track: str) -> Decimal | None:
    """A tier's minimum on one bar: "sold"/"sourced" (by what it counts), "managed", "total"."""
    if req is None:
        return None
    value: Decimal | None
    if track in ("sold", "sourced"):
        value = req.sold_min if req.sold_min_counts == track else None
    else:
        value = req.managed_min if track == "managed" else req.total_min
    return value


def _is_derived(req: Any) -> bool:
    return str(getattr(req, "provenance", "")).lower() in ("derived", "estimate")


def _points_fmt(t: Any) -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: t.decimal(Decimal(str(round(x))), 0))


def tier_progress_chart(
    standing: Any, rules: Any, on: dt.date, t: Any, tier: str | None = None,
    keep: str | None = None,
) -> Figure:
    """F2.3: sold, managed and total points with the current tier's minimum (to keep it) and the
    next tier's on each track; `keep` is the credited tier (default: the tier performed at)."""
    req, is_next = _targets(standing, rules, on, tier)
    keep_req = _keep_requirement(rules, on, standing, tier, keep)
    if keep_req is not None and req is not None and keep_req.tier == req.tier:
        keep_req = None  # at the top: the "next" line already is the minimum to keep
    sourced_track = req is not None and req.sold_min_counts == "sourced"
    fig, ax, pal = _themed_figure((8.0, 3.4))
    rows: list[tuple[str, list[tuple[float, str, str]], Decimal | None, Decimal | None]] = []
    if sourced_track:
        rows.append((t("Sourced points"), [(_f(standing.sourced_points), SOLD, t("Sourced"))],
                     _track_min(req, "sourced"), _track_min(keep_req, "sourced")))
    else:
        rows.append((t("Sold points"), [
            (_f(standing.sourced_points), SOLD, t("Sourced")),
            (_f(standing.assisted_points), ASSISTED, t("Assisted")),
        ], _track_min(req, "sold"), _track_min(keep_req, "sold")))
    rows.append((t("Managed points"), [(_f(standing.managed_points), MANAGED, t("Managed"))],
                 _track_min(req, "managed"), _track_min(keep_req, "managed")))
    total_parts = [
        (_f(standing.sourced_points), SOLD, t("Sourced")),
        (_f(standing.assisted_points), ASSISTED, t("Assisted")),
        (_f(standing.managed_points), MANAGED, t("Managed")),
    ]
    rows.append((t("Total points"), total_parts, _track_min(req, "total"),
                 _track_min(keep_req, "total")))

    # The scale: what the partner reaches (bars and the minimums to keep), not a far next tier.
    reach: float = max([1.0, *(sum(p[0] for p in r[1]) for r in rows),
                 *(_f(r[3]) for r in rows if r[3] is not None)])
    nexts = [_f(r[2]) for r in rows if r[2] is not None]
    near = [n for n in nexts if n <= reach * REACH]
    xmax: float = max([reach, *near])
    ys = list(range(len(rows)))[::-1]
    seen_labels: set[str] = set()
    far_marks: list[tuple[float, str]] = []
    for y, (_label, parts, need, keep_need) in zip(ys, rows, strict=True):
        left = 0.0
        for value, color, part_label in parts:
            lab = part_label if part_label not in seen_labels else None
            seen_labels.add(part_label)
            ax.barh(y, value, left=left, height=0.55, color=color, label=lab, zorder=2)
            left += value
        total = left
        if keep_need is not None and keep_req is not None:
            kf = _f(keep_need)
            ax.vlines(kf, y - 0.42, y + 0.42, colors=pal["muted"], linestyles="-", linewidth=1.8,
                      zorder=3)
            mark = t("Keep {tier}: {points}").format(tier=keep_req.tier,
                                                    points=t.decimal(keep_need, 0))
            ax.text(kf, y - 0.36, " " + mark, color=pal["muted"], fontsize=8, va="top",
                    ha="left", zorder=4)
        if need is not None:
            needf = _f(need)
            mark = t("{tier}: {points}").format(tier=req.tier, points=t.decimal(need, 0))
            if _is_derived(req):
                mark += " " + t("(derived)")
            if needf <= xmax:
                ax.vlines(needf, y - 0.42, y + 0.42, colors=LINE, linestyles="--",
                          linewidth=1.6, zorder=3)
                ax.text(needf, y + 0.34, " " + mark, color=LINE, fontsize=8.5, va="bottom",
                        ha="left", zorder=4)
            else:
                far_marks.append((y, mark))
            pct = t.percent(Decimal(str(total / needf)) if needf else 1, 0)
            ax.text(total, y, "  " + t("{points} ({percent})").format(
                points=t.decimal(Decimal(str(total)), 0), percent=pct),
                va="center", ha="left", fontsize=9, color=pal["text"], zorder=4)
        else:
            ax.text(total, y, "  " + t.decimal(Decimal(str(total)), 0) + "  · "
                    + t("no minimum"), va="center", ha="left", fontsize=9, color=pal["text"],
                    zorder=4)
    right = xmax * 1.30
    for y, mark in far_marks:
        # Far out of reach: named at the edge with its number, off the scale.
        ax.annotate(t("{mark} (off the scale) →").format(mark=mark), xy=(1.0, y + 0.42),
                    xycoords=("axes fraction", "data"), xytext=(-4, 0),
                    textcoords="offset points", ha="right", va="bottom", fontsize=8,
                    color=LINE, zorder=4)
    ax.set_yticks(ys)
    ax.set_yticklabels([r[0] for r in rows], fontsize=10)
    ax.set_xlim(0, right)
    ax.set_ylim(-0.7, len(rows) - 0.2)
    ax.xaxis.set_major_formatter(_points_fmt(t))
    ax.grid(axis="x", color=pal["grid"], zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(t("Points"))
    if req is None:
        title = t("Tier progress")
    elif is_next:
        title = t("Progress to {tier}").format(tier=req.tier)
    else:
        title = t("Top tier {tier}: the minimums to keep it").format(tier=req.tier)
    ax.set_title(title, loc="left", fontsize=12, color=pal["text"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=8, frameon=False, ncol=3,
              labelcolor=pal["text"])
    fig.tight_layout()
    return fig


def progress_over_time_chart(
    hist: Any, t: Any, rules: Any = None, on: dt.date | None = None, tier: str | None = None,
    keep: str | None = None,
) -> Figure:
    """F2.7: monthly sold / managed / total points, then the projection from expirations, with
    the current tier's total minimum (`keep`, default the tier performed at) and the next's."""
    fig, ax, pal = _themed_figure((8.0, 3.6))
    if hist is None or len(hist) == 0:
        ax.text(
            0.5, 0.5, t("No points history yet"), ha="center", va="center", transform=ax.transAxes
        )
        ax.set_axis_off()
        return fig
    dates = [d if isinstance(d, dt.date) else d.date() for d in hist["month_end"]]
    projected = [bool(p) for p in hist["projected"]]
    n_past = projected.index(True) if True in projected else len(projected)
    series = [
        ("sold", t("Sold points"), SOLD),
        ("managed", t("Managed points"), MANAGED),
        ("total", t("Total points"), pal["total"]),
    ]
    for col, label, color in series:
        vals = [_f(v) for v in hist[col]]
        ax.plot(
            dates[:n_past],
            vals[:n_past],
            color=color,
            linewidth=2,
            label=label,
            marker="o",
            markersize=2.5,
        )
        if n_past < len(dates):
            k = max(n_past - 1, 0)
            ax.plot(dates[k:], vals[k:], color=color, linewidth=2, linestyle="--")
    if n_past < len(dates):
        ax.axvspan(dates[max(n_past - 1, 0)], dates[-1], color=pal["band"], zorder=0)
        from matplotlib.transforms import blended_transform_factory

        ax.text(
            dates[-1],
            0.02,
            t("Projection") + " ",
            ha="right",
            va="bottom",
            fontsize=8.5,
            color=pal["muted"],
            transform=blended_transform_factory(ax.transData, ax.transAxes),
        )
    if rules is not None and on is not None:
        _tier_lines(ax, hist, n_past, dates, t, rules, on, tier, keep)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(_points_fmt(t))
    locale = getattr(t, "locale", None)

    def month_label(x: float, _pos: int) -> str:
        from matplotlib.dates import num2date

        d = num2date(x).date()
        if locale is not None:
            from babel.dates import format_date

            return str(format_date(d, "MMM yy", locale=locale))
        return d.strftime("%b %y")

    ax.xaxis.set_major_formatter(FuncFormatter(month_label))
    ax.grid(color=pal["grid"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_ylabel(t("Points"))
    ax.set_title(t("Points by month"), loc="left", fontsize=12, color=pal["text"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8, frameon=False, ncol=3,
              labelcolor=pal["text"])
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _tier_lines(ax: Any, hist: Any, n_past: int, dates: list[dt.date], t: Any, rules: Any,
                on: dt.date, tier: str | None, keep: str | None) -> None:
    """The current tier's total minimum (solid) and the next tier's (dotted; annotated at the
    top when it is far beyond every point of the chart)."""
    last = hist.iloc[n_past - 1] if n_past else hist.iloc[0]

    class _S:  # the standing at the last actual point, for the tier lookups
        sourced_points = last["sourced_exact"]
        assisted_points = last["assisted_exact"]
        sold_points = last["sold_exact"]
        managed_points = last["managed_exact"]
        total_points = last["total_exact"]

    req, _is_next = _targets(_S, rules, on, tier)
    keep_req = _keep_requirement(rules, on, _S, tier, keep)
    at = dates[n_past - 1 if n_past else 0]
    top = max([_f(v) for v in hist["total"]] + [1.0])
    if keep_req is not None and (req is None or keep_req.tier != req.tier):
        kf = _f(keep_req.total_min)
        top = max(top, kf)
        ax.axhline(kf, color=_palette()["muted"], linestyle="-", linewidth=1.4)
        ax.text(dates[0], kf, " " + t("Keep {tier}: {points}").format(
            tier=keep_req.tier, points=t.decimal(keep_req.total_min, 0)),
            color=_palette()["muted"], fontsize=8.5, va="bottom", ha="left")
    if req is not None:
        need = _f(req.total_min)
        mark = t("{tier}: {points}").format(tier=req.tier, points=t.decimal(req.total_min, 0))
        if _is_derived(req):
            mark += " " + t("(derived)")
        if need <= top * REACH:
            ax.axhline(need, color=LINE, linestyle=":", linewidth=1.4)
            ax.text(at, need, mark + " ", color=LINE, fontsize=8.5, va="bottom", ha="right")
            top = max(top, need)
        else:
            ax.annotate(t("{mark} (off the scale) ↑").format(mark=mark), xy=(1.0, 1.0),
                        xycoords="axes fraction", xytext=(-4, -4), textcoords="offset points",
                        ha="right", va="top", fontsize=8.5, color=LINE)
    ax.set_ylim(0, max(ax.get_ylim()[1], top * 1.12))


def tier_chart_lines(standing: Any, rules: Any, on: dt.date, tier: str | None = None,
                     keep: str | None = None) -> list[tuple[str, str, Decimal, bool]]:
    """The total-points lines `tier_progress_chart` draws, for a caption a screen reader and a
    test can read: (role "keep"|"next", tier, total minimum, drawn on the scale)."""
    req, is_next = _targets(standing, rules, on, tier)
    keep_req = _keep_requirement(rules, on, standing, tier, keep)
    out: list[tuple[str, str, Decimal, bool]] = []
    if keep_req is not None and (req is None or keep_req.tier != req.tier):
        out.append(("keep", keep_req.tier, keep_req.total_min, True))
    if req is not None:
        reach = max(_f(standing.total_points), _f(keep_req.total_min) if keep_req else 0.0, 1.0)
        out.append(("next" if is_next else "keep", req.tier, req.total_min,
                    _f(req.total_min) <= reach * REACH))
    return out

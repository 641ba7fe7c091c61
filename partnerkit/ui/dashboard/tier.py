"""The Tier page (F2): tabs Tier, Points breakdown and Progress over time; the points calculator
(F3) in a side panel that opens with an arrow.

Tier tab: F2.1 the credited Solutions Partner tier (and the performance tier with why, if they
differ); F2.2 Tier Performance (sold + managed adding up); F2.3 the tier progress chart; F2.4 Tier
Insights (keep, next tier, "Get to" selector, next review, points expiring in 90 days); F2.5
Account Performance (average tool usage, Partner Certified with expiry).
Charts are rendered only when their tab is shown (the standing itself is cached in the state).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import ipywidgets as W

from partnerkit.charts import (
    current_theme,
    figure_png,
    progress_over_time_chart,
    tier_progress_chart,
)
from partnerkit.ui.dashboard import labels as L
from partnerkit.ui.dashboard.base import Page
from partnerkit.ui.dashboard.breakdown import BreakdownView
from partnerkit.ui.dashboard.html import Raw, esc, table
from partnerkit.ui.dashboard.point_changes import PointChangesView
from partnerkit.ui.dashboard.program_progress import (
    ProgramProgressBlock,
    progress_of,
    requirement_value,
)
from partnerkit.ui.dashboard.risks import (
    NotRecorded,
    chart_caption,
    keep_margin_item,
    risks_banner_html,
)
from partnerkit.ui.dashboard.state import EXPIRING_DAYS, INITIAL, DashboardState
from partnerkit.ui.dashboard.tier_history_form import TierHistoryForm
from partnerkit.ui.gates import gates_html


def requirement_label(t: Any, name: str) -> str:
    return {
        "total": t("Total points"),
        "sold": t("Sold points"),
        "sourced": t("Sourced points"),
        "managed": t("Managed points"),
        "certification": t("Solutions Partner certification"),
        "retention": t("Customer retention (12-month average)"),
    }.get(name, name)


class TierPage(Page):
    TABS = 4  # Tier, Points breakdown, Progress over time, Tier point changes (issue 12)

    def __init__(self, state: DashboardState) -> None:
        super().__init__(state)
        g = state.messages.guard
        self.tabs = W.Tab(children=[W.VBox() for _ in range(self.TABS)])
        self.tabs.add_class("pk-tier-tabs")
        self._tab_stale = [True] * self.TABS
        self.tabs.observe(
            g(lambda: self.t("Could not open the tab"))(self._tab_changed), "selected_index"
        )
        self._breakdown: BreakdownView | None = None  # its 25 rows are built when first shown
        self.progress = ProgramProgressBlock(state)  # issue 18: at the top, above the tabs
        self.changes = PointChangesView(state)  # issue 12: HubSpot's tier point changes
        self.risks_html = W.HTML()  # issue 12: the page opens with the tier risks
        self.risks_html.add_class("pk-risks-banner")
        self.history_form = TierHistoryForm(state)
        self.get_to = W.Dropdown(style=INITIAL, layout=W.Layout(width="260px"))
        self.get_to.add_class("pk-get-to")
        self.get_to.observe(
            g(lambda: self.t("Could not show the gap"))(self._get_to_changed), "value"
        )
        self.get_to_table = W.HTML()
        self.get_to_table.add_class("pk-get-to-table")
        self.tier_chart = W.Image(format="png", layout=W.Layout(max_width="820px", width="100%"))
        self.tier_chart.add_class("pk-tier-chart")
        self.time_chart = W.Image(format="png", layout=W.Layout(max_width="820px", width="100%"))
        self.time_chart.add_class("pk-progress-chart")
        # F3 side panel: the calculator, opened with an arrow button.
        self.calc_toggle = W.Button(layout=W.Layout(width="auto"))
        self.calc_toggle.add_class("pk-calc-toggle")
        self.calc_toggle.on_click(
            g(lambda: self.t("Could not open the points calculator"))(self._toggle_calculator)
        )
        self.calc_panel = W.VBox(
            layout=W.Layout(
                display="none",
                width="440px",
                min_width="380px",
                border="1px solid #cbd6e2",
                padding="6px 10px",
                margin="0 0 0 10px",
            )
        )
        self.calc_panel.add_class("pk-calc-panel")
        self.calculator: Any = None
        self.calc_open = False
        self._quiet = False
        # Built once; renders change their values only (see Page.as_of_line).
        self.header_html = W.HTML()
        self.performance_html = W.HTML()
        self.progress_heading = W.HTML()
        self.insights_html = W.HTML()
        self.account_html = W.HTML()
        self.tier_tab = [
            self.header_html,
            self.performance_html,
            self.progress_heading,
            self.tier_chart,
            self.insights_html,
            W.HBox([self.get_to]),
            self.get_to_table,
            self.account_html,
            self.history_form.widget,
        ]
        self.time_heading = W.HTML()
        self.time_table = W.HTML()
        self.time_tab = [self.time_heading, self.time_chart, self.time_table]
        self.body = W.HBox(
            [
                W.VBox([self.tabs], layout=W.Layout(flex="1 1 auto", min_width="0")),
                W.VBox(
                    [self.calc_toggle, self.calc_panel],
                    layout=W.Layout(align_items="flex-end", flex="0 0 auto"),
                ),
            ],
            layout=W.Layout(width="100%"),
        )

    @property
    def breakdown(self) -> BreakdownView:
        """F2.6's view, built on first use: the Tier tab's first render sends fewer widgets."""
        if self._breakdown is None:
            self._breakdown = BreakdownView(self.state)
        return self._breakdown

    # -- structure -----------------------------------------------------------------------------
    def render(self) -> None:
        t = self.t
        self._tab_stale = [True] * self.TABS
        self.tabs.titles = (t("Tier"), t("Points breakdown"), t("Progress over time"),
                            t("Tier point changes"))
        self._label_toggle()
        if self.calculator is not None:
            self._update_calculator()
        self.progress.render()
        # The page opens with the tier risks (issue 12), then Program Progress (issue 18).
        self.risks_html.value = risks_banner_html(self.state)
        self.set_children(self.widget, [self.as_of_line(), self.risks_html, self.progress.widget,
                                        self.body])
        self._render_tab(self.tabs.selected_index or 0)

    def _tab_changed(self, change: dict[str, Any]) -> None:
        i = change["new"]
        if i is not None and self._tab_stale[i]:
            self._render_tab(i)

    def _render_tab(self, i: int) -> None:
        try:
            if i == 0:
                self._render_tier()
            elif i == 1:
                self.breakdown.render()
                self.set_children(self.tabs.children[1], [self.breakdown.widget])
            elif i == 3:
                self.changes.render()
                self.set_children(self.tabs.children[3], [self.changes.widget])
            else:
                self._render_progress()
            self._tab_stale[i] = False
        except Exception as e:
            self.state.messages.report(self.t("Could not show this tab"), e)
            box = self.tabs.children[i]
            box.children = [
                W.HTML(
                    '<div class="pk-msg-error">{}</div>'.format(
                        esc(self.t("This tab could not be shown; see the message above."))
                    )
                )
            ]

    # -- the Tier tab --------------------------------------------------------------------------
    def _render_tier(self) -> None:
        t = self.t
        st = self.state
        s = st.standing()
        # Before the first credited-tier record nothing is invented: the performance only.
        c = st.credited() or NotRecorded.of(st)
        perf = st.performance()
        partner = st.partner
        self.history_form.render()
        self.tier_chart.value = tier_chart_png(st)
        self._quiet = True
        try:
            ladder = list(perf.ladder)
            default = perf.next_tier or (ladder[-1] if ladder else None)
            keep = self.get_to.value if self.get_to.value in ladder else default
            self.get_to.options = ladder
            self.get_to.value = keep
            self.get_to.description = t("Get to")
        finally:
            self._quiet = False
        self._show_gap()
        self.header_html.value = (c.header_html(st) if isinstance(c, NotRecorded)
                                  else self._header_html(c, perf))
        self.performance_html.value = self._performance_html(s, c)
        self.progress_heading.value = f"<h3>{esc(t('Tier progress'))}</h3>" + chart_caption(st)
        self.insights_html.value = self._insights_html(s, c, perf)
        self.account_html.value = self._account_html(c, partner)
        self.set_children(self.tabs.children[0], self.tier_tab)

    def _header_html(self, c: Any, perf: Any) -> str:
        """F2.1: the credited tier; the performance tier and why, when they differ."""
        t = self.t
        html = (
            '<div class="pk-card pk-credited">'
            f'<div class="pk-muted">{esc(t("Solutions Partner tier"))}</div>'
            f'<div class="pk-big pk-credited-tier">{esc(c.tier)}</div>'
            f'<div class="pk-muted">{esc(t("Credited since {date}").format(date=t.date(c.since)))}</div>'  # noqa: E501
        )
        if perf.tier_label != c.tier:
            rules = self.state.rules
            higher = rules.tier_rank(perf.tier) > rules.tier_rank(c.tier)
            why = []
            if higher:
                why.append(
                    t(
                        "Your points already meet {tier}: HubSpot credits an upgrade after "
                        "a month end at that level."
                    ).format(tier=perf.tier_label)
                )
            else:
                for r in self._unmet(perf, c.tier):
                    why.append(self._shortfall(r))
                if c.held_until and c.held_until > self.state.as_of:
                    why.append(
                        t("{tier} is held until {date}, so it is kept until then.").format(
                            tier=c.tier, date=t.date(c.held_until)
                        )
                    )
                else:
                    why.append(
                        t("Tiers only go down at a review (next: {date}).").format(
                            date=t.date(c.next_review)
                        )
                    )
            items = "".join(f"<li>{esc(w)}</li>" for w in why)
            html += (
                '<div class="pk-alert pk-performance-differs" style="margin-top:6px">'
                + esc(t("Your current points perform at {tier}.").format(tier=perf.tier_label))
                + f"<ul>{items}</ul></div>"
            )
        return html + "</div>"

    def _unmet(self, perf: Any, tier: str) -> list[Any]:
        try:
            return [r for r in perf.gap_to(tier) if not r.met]
        except ValueError:
            return []

    def _shortfall(self, r: Any) -> str:
        t = self.t
        if r.name == "certification":
            return t("{tier} needs a valid Solutions Partner certification.").format(tier=r.tier)
        return t("{tier} needs {required} {what}; you have {actual} ({gap} short).").format(
            tier=r.tier,
            required=requirement_value(t, r, r.required),
            what=requirement_label(t, r.name).lower(),
            actual=requirement_value(t, r, r.actual),
            gap=requirement_value(t, r, r.gap),
        )

    def _performance_html(self, s: Any, c: Any) -> str:
        """F2.2: sold + managed adding up, against the credited tier's requirements."""
        t = self.t
        sum_line = t(
            "Sold {sold} (sourced {sourced} + assisted {assisted}) + managed {managed} "
            "= {total} points"
        ).format(
            sold=t.points(s.sold_points),
            sourced=t.points(s.sourced_points),
            assisted=t.points(s.assisted_points),
            managed=t.points(s.managed_points),
            total=t.points(s.total_points),
        )
        perf = c.performance
        rows = self._req_rows(perf, c.tier, with_gap=False) if c.tier in perf.ladder else []
        req_table = table(
            [
                t("Requirement"),
                t("Required for {tier}").format(tier=c.tier),
                t("You have"),
                t("Met"),
            ],
            rows,
            numeric=[False, True, True, False],
            empty=t("No requirements: not credited with a tier yet."),
        )
        return (
            f'<h3>{esc(t("Tier Performance"))}</h3><div class="pk-card">'
            f'<div class="pk-muted">{esc(t("Performs at"))}</div>'
            f'<div class="pk-big pk-performance-tier">{esc(perf.tier_label)}</div>'
            f'<p class="pk-points-sum">{esc(sum_line)}</p>{req_table}</div>'
        )

    def _req_rows(self, perf: Any, tier: str, with_gap: bool = True) -> list[list[Any]]:
        t = self.t
        rows: list[list[Any]] = []
        for r in perf.gap_to(tier):
            name = requirement_label(t, r.name)
            if r.name == "certification":
                row: list[Any] = [name, t("valid"), L.yes_no(t, r.met)]
                if with_gap:
                    row.append("" if r.met else t("renew it"))
            else:
                req = requirement_value(t, r, r.required)
                if r.is_derived:
                    req = Raw(f'{esc(req)} <span class="pk-derived">{esc(t("(derived)"))}</span>')
                row = [name, req, requirement_value(t, r, r.actual)]
                if with_gap:
                    row.append(requirement_value(t, r, r.gap))
            row.append("✔ " + t("Yes") if r.met else "✘ " + t("No"))
            rows.append(row)
        return rows

    def _get_to_changed(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self._show_gap()

    def _show_gap(self) -> None:
        """F2.4 "Get to": the gap on each requirement of the chosen tier."""
        t = self.t
        tier = self.get_to.value
        if not tier:
            self.get_to_table.value = ""
            return
        perf = self.state.performance()
        rows = self._req_rows(perf, tier)
        self.get_to_table.value = gates_html(self.state.rules, tier, self.state.as_of,
                                             t.code) + table(
            [
                t("Requirement"),
                t("Required for {tier}").format(tier=tier),
                t("You have"),
                t("Gap"),
                t("Met"),
            ],
            rows,
            numeric=[False, True, True, True, False],
        )

    def _insights_html(self, s: Any, c: Any, perf: Any) -> str:
        """F2.4 Tier Insights."""
        t = self.t
        items = []
        # Minimum to keep the credited tier.
        keep = [r for r in self._safe_gap(perf, c.tier) if r.name != "certification"]
        if keep:
            parts = "; ".join(
                f"{requirement_label(t, r.name)} {requirement_value(t, r, r.required)}"
                for r in keep
            )
            derived = any(r.is_derived for r in keep)
            items.append(
                (
                    "pk-keep",
                    t("To keep {tier}: {minimums}").format(tier=c.tier, minimums=parts)
                    + (" " + t("(derived)") if derived else ""),
                )
            )
        margin = keep_margin_item(self.state)
        if margin:
            items.append(margin)
        nxt = perf.next_tier
        if nxt:
            gaps = [r for r in perf.gap_to(nxt) if not r.met and r.name != "certification"]
            if gaps:
                parts = "; ".join(
                    t("{what}: {gap} more").format(
                        what=requirement_label(t, r.name), gap=requirement_value(t, r, r.gap)
                    )
                    for r in gaps
                )
            else:
                parts = t("every points requirement is met")
            items.append(("pk-next", t("To reach {tier}: {gaps}").format(tier=nxt, gaps=parts)))
        else:
            items.append(("pk-next", t("You perform at the top tier.")))
        # Next review and what it does if nothing changes (unknown without a credited tier).
        if isinstance(c, NotRecorded):
            outcome = t("the credited tier is not recorded on this date")
        elif c.next_review_tier == c.tier:
            outcome = t("if nothing changes you keep {tier}").format(tier=c.tier)
        else:
            outcome = t("if nothing changes you move to {tier}").format(tier=c.next_review_tier)
        review = t("Next review on {date}: {outcome}.").format(
            date=t.date(c.next_review), outcome=outcome
        )
        items.append(("pk-review", review))
        exp = s.expiring.get(EXPIRING_DAYS, Decimal(0))
        items.append(
            (
                "pk-expiring",
                t("{points} sold points expire in the next {days} days.").format(
                    points=t.points(exp), days=EXPIRING_DAYS
                ),
            )
        )
        lis = "".join(f'<li class="{cls}">{esc(text)}</li>' for cls, text in items)
        detail = ""
        reason_message = getattr(c, "next_review_message", None)
        if reason_message is not None:  # the core's reason, in the chosen language
            reason = t.message(reason_message)
            detail = f'<div class="pk-muted pk-review-detail">{esc(reason)}</div>'
        return (
            f'<h3>{esc(t("Tier Insights"))}</h3><div class="pk-card pk-insights"><ul>{lis}</ul>'
            f"{detail}</div>"
        )

    def _safe_gap(self, perf: Any, tier: str) -> list[Any]:
        try:
            return perf.gap_to(tier)
        except ValueError:
            return []

    def _account_html(self, c: Any, partner: Any) -> str:
        """F2.5 Account Performance."""
        t = self.t
        usage = self.state.average_tool_usage()
        cert = partner.certified_until
        certified = cert is not None and cert >= self.state.as_of
        lines = [
            '<div class="pk-account-usage">{}: <b>{}</b></div>'.format(
                esc(t("Clients' average tool usage")),
                esc(t("{n} tools per client").format(n=t.decimal(usage, 1))),
            ),
            '<div class="pk-certified">{}: <b>{}</b> {}</div>'.format(
                esc(t("Partner Certified")),
                esc(L.yes_no(t, certified)),
                esc(
                    t("(valid until {date})").format(date=t.date(cert))
                    if cert
                    else t("(no certification date stored)")
                ),
            ),
        ]
        if cert is not None and cert < c.next_review:
            lines.append(
                '<div class="pk-warn pk-cert-warning">{}</div>'.format(
                    esc(
                        t(
                            "Your Solutions Partner certification expires on {date}, before the next review "  # noqa: E501
                            "on {review}: renew it or the tier goes down."
                        ).format(date=t.date(cert), review=t.date(c.next_review))
                    )
                )
            )
        return (
            f'<h3>{esc(t("Account Performance"))}</h3><div class="pk-card">{"".join(lines)}</div>'
        )

    # -- Progress over time --------------------------------------------------------------------
    def _render_progress(self) -> None:
        """F2.7: monthly sold / managed / total points and the 3-month projection."""
        t = self.t
        st = self.state
        h = st.history()
        perf = st.performance()
        self.time_chart.value = st.cached(
            ("chart", st.partner_id, st.as_of, t.code, "progress", perf.tier, _keep_tier(st),
             current_theme()),
            lambda: figure_png(progress_over_time_chart(h, t, st.rules, st.as_of, tier=perf.tier,
                                                        keep=_keep_tier(st))),
        )
        recent = h.tail(9)
        rows = [
            [
                t.date(r["month_end"]) + (" · " + t("projected") if r["projected"] else ""),
                t.points(r["sold_exact"]),
                t.points(r["managed_exact"]),
                t.points(r["total_exact"]),
            ]
            for r in recent.to_dict("records")
        ]
        note = t(
            "The projection assumes no new deals: sold points expire after 12 months and "
            "managed points stay at today's level."
        )
        self.time_heading.value = f"<h3>{esc(t('Progress over time'))}</h3>"
        self.time_table.value = f'<p class="pk-muted">{esc(note)}</p>' + table(
            [t("Month end"), t("Sold points"), t("Managed points"), t("Total points")],
            rows,
            numeric=[False, True, True, True],
            cls="pk-table pk-progress-table",
        )
        self.set_children(self.tabs.children[2], self.time_tab)

    # -- the calculator side panel (F3) --------------------------------------------------------
    def _label_toggle(self) -> None:
        t = self.t
        self.calc_toggle.description = (
            "▶ " + t("Hide calculator") if self.calc_open else "◀ " + t("Points calculator")
        )

    def _toggle_calculator(self, _b: Any = None) -> None:
        self.calc_open = not self.calc_open
        if self.calc_open:
            self._ensure_calculator()
        self.calc_panel.layout.display = "" if self.calc_open else "none"
        self._label_toggle()

    def _ensure_calculator(self) -> None:
        t = self.t
        if self.calculator is not None:
            self._update_calculator()
            return
        try:
            from partnerkit.ui.calculator import PointsCalculator
        except ImportError:
            self.calc_panel.children = [
                W.HTML(
                    '<p class="pk-empty">{}</p>'.format(
                        esc(t("The points calculator is not installed in this version."))
                    )
                )
            ]
            return
        st = self.state
        self.calculator = PointsCalculator(
            rules=st.rules, locale=st.locale, standing=st.standing(), on=st.as_of
        )
        widget = getattr(self.calculator, "widget", self.calculator)
        self.calc_panel.children = [widget]

    def _update_calculator(self) -> None:
        st = self.state
        calc = self.calculator
        if hasattr(calc, "set_locale"):
            calc.set_locale(st.locale)
        if hasattr(calc, "set_standing"):
            calc.set_standing(st.standing())

    def _changed(self, what: str) -> None:
        if what == "partner" and self._breakdown is not None:
            self._breakdown.close_client()
            self._breakdown.page_no = 0
        super()._changed(what)


def tier_chart_png(st: DashboardState) -> bytes:
    """F2.3's chart as PNG, drawn once per partner, date, language and performance tier."""
    t = st.t  # read once: a language switch meanwhile must not mix two languages in one key
    s = st.standing()
    perf = st.performance()
    return st.cached(  # type: ignore[no-any-return]
        ("chart", st.partner_id, st.as_of, t.code, "tier", perf.tier, _keep_tier(st),
             current_theme()),
        lambda: figure_png(tier_progress_chart(s, st.rules, st.as_of, t, tier=perf.tier,
                                               keep=_keep_tier(st))),
    )


def prefetch(st: DashboardState) -> None:
    """What the Tier page's first render needs, computed ahead (in `DashboardState.prefetch`'s
    background thread, right after the Clients page is shown): this module's import (matplotlib),
    the ledger read and valued once, the standing, the credited tier through the reviews and the
    tier chart. Only cached reads: no widget is touched."""
    st.standing()
    st.credited()
    st.risks()
    st.average_tool_usage()
    progress_of(st)
    tier_chart_png(st)


def _keep_tier(st: DashboardState) -> str | None:
    """The tier whose minimums the charts draw as "keep": the credited tier, else performance."""
    return st.credited_basis().tier or st.performance().tier  # type: ignore[no-any-return]


def _date(d: Any) -> dt.date | None:
    return d if isinstance(d, dt.date) else None

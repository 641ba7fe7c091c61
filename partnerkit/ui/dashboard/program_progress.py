"""The Tier page's Program Progress block (issue 18), as HubSpot's 2025 partner dashboard opens:
credited and performance tier, total points, points to the next tier, the rolling 12-month sourced
MRR and customer dollar retention (C$R, 12-month average) with a 12-month sparkline.

One HTML widget (one message per render); "How these figures are computed" is a native
<details> (keyboard and screen-reader friendly, no widget) listing the clients behind the sourced
MRR and each month's C$R with the clients lost. Every figure comes from
`partnerkit.program_progress.program_progress` - the same call as `partnerkit tier` and the report.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from partnerkit.ui.dashboard.html import esc, table
from partnerkit.ui.dashboard.state import DashboardState
from partnerkit.ui.sparkline import sparkline_svg

# How many clients the details list (the rest are counted).
SHOWN_CLIENTS = 10

CSS = """<style>
.pk-progress { margin: 0 0 8px 0; }
.pk-progress h2 { font-size: 18px; margin: 4px 0 6px 0; }
.pk-progress-grid { display: grid; gap: 8px;
                    grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); }
.pk-progress-item { border: 1px solid #cbd6e2; border-radius: 6px; padding: 8px 12px;
                    background: #fff; min-width: 0; }
.pk-progress-value { font-size: clamp(16px, 4.4vw, 22px); font-weight: 600; white-space: nowrap;
                     overflow: hidden; text-overflow: ellipsis; }
.pk-progress-row { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 10px; }
.pk-progress-item .pk-spark { color: #ff7a59; display: block; max-width: 100%; }
.pk-progress-item .pk-spark .gap { fill: #99afc4; }
.pk-progress-details { margin-top: 6px; font-size: 13px; }
.pk-progress-details summary { cursor: pointer; color: #0091ae; padding: 4px 0; }
.pk-progress-details summary:focus-visible { outline: 2px solid #0091ae; outline-offset: 2px; }
.pk-progress-details h4 { font-size: 14px; margin: 10px 0 4px 0; }
.pk-progress-details .pk-table-wrap { overflow-x: auto; }
</style>"""


def progress_of(st: DashboardState) -> Any:
    """Program Progress for the state's partner and date, cached with the standing."""
    from partnerkit.program_progress import program_progress

    return st.cached(
        ("program-progress", st.partner_id, st.as_of),
        lambda: program_progress(st.valuation(), st.as_of, st.rules, st.partner.currency),
    )


class ProgramProgressBlock:
    def __init__(self, state: DashboardState) -> None:
        self.state = state
        self.widget = W.HTML()
        self.widget.add_class("pk-progress-block")

    def render(self) -> None:
        st = self.state
        t = st.t
        try:
            self.widget.value = self.html(st.standing(), st.credited(), progress_of(st))
        except Exception as e:  # the block must never take the Tier page down
            st.messages.report(t("Could not show the Program Progress"), e)
            self.widget.value = '<div class="pk-msg-error">{}</div>'.format(
                esc(t("The Program Progress could not be shown; see the message above.")))

    def html(self, s: Any, c: Any, p: Any) -> str:
        t = self.state.t
        perf = self.state.performance()  # c is None before the first credited-tier record
        nxt = perf.next_tier
        if nxt:
            total = next((r for r in perf.gap_to(nxt) if r.name == "total"), None)
            gap = t.points(total.gap if total is not None else 0)
            to_next = (t("Points to {tier}").format(tier=nxt), gap, "points_to_next",
                       str(total.gap) if total is not None else "")
        else:
            to_next = (t("Points to the next tier"), t("top tier"), "points_to_next", "")
        src, r = p.sourced, p.retention
        mrr = t.money(src.amount, src.currency)
        usd = t.money(src.usd, "USD")
        mrr_sub = (usd + " · " if src.currency != "USD" else "") + t("partnerkit's reading")
        avg = t.percent(r.average_12m, 1) if r.average_12m is not None else t("not recorded")
        latest = r.months[-1].value
        cdr_sub = "{} · {}".format(
            t("gross") if r.expansion == "gross" else t("net"),
            t("this month {value}").format(
                value=t.percent(latest, 1) if latest is not None else t("not recorded")))
        spark_label = t("Customer dollar retention by month, {first} to {last}").format(
            first=r.months[0].label, last=r.months[-1].label)
        spark = sparkline_svg(r.values, spark_label, width=96)
        items = [
            (t("Credited tier"), c.tier if c else t("not recorded"), "credited_tier",
             c.tier if c else "", ""),
            (t("Performance tier"), perf.tier_label, "performance_tier", perf.tier_label, ""),
            (t("Total points"), t.points(s.total_points), "total_points", str(s.total_points),
             ""),
            (*to_next, ""),
            (t("12-month sourced MRR"), mrr, "sourced_mrr_12m", str(src.amount), mrr_sub),
            (t("Customer dollar retention (C$R)"), avg, "customer_dollar_retention",
             "" if r.average_12m is None else str(r.average_12m),
             spark + f'</div><div class="pk-muted">{esc(t("12-month average"))} · '
             f"{esc(cdr_sub)}</div>"),
        ]
        cells = "".join(
            f'<div class="pk-progress-item"><div class="pk-muted">{esc(label)}</div>'
            + ('<div class="pk-progress-row">' if name == "customer_dollar_retention" else "")
            + f'<div class="pk-progress-value" data-figure="{name}" data-value="{esc(raw)}">'
            f"{esc(text)}</div>"
            + (sub if name == "customer_dollar_retention" else
               f'<div class="pk-muted">{esc(sub)}</div>' if sub else "")
            + "</div>"
            for label, text, name, raw, sub in items)
        return (
            f'{CSS}<section class="pk-progress" aria-label="{esc(t("Program Progress"))}">'
            f'<h2>{esc(t("Program Progress"))}</h2><div class="pk-progress-grid">{cells}</div>'
            f"{self._details(p)}</section>"
        )

    def _details(self, p: Any) -> str:
        """Which clients and which months are behind the two money/retention figures."""
        t = self.state.t
        src, r = p.sourced, p.retention
        clients = src.clients.head(SHOWN_CLIENTS)
        rows = [[c.client_name or c.client_id, t.integer(c.deals),
                 t.money(c.amount, src.currency), t.money(c.usd, "USD")]
                for c in clients.itertuples(index=False)]
        more = len(src.clients) - len(clients)
        mrr_note = t(
            "Sourced deals closed from {start} to {end}, each converted at the program's "
            "currency amounts of its close date. HubSpot does not publish how it adds this "
            "figure up: this is partnerkit's reading."
        ).format(start=t.date(src.window_start), end=t.date(src.as_of))
        mrr_table = table(
            [t("Client"), t("Deals"), t("MRR ({currency})").format(currency=src.currency),
             t("MRR (US$)")], rows, numeric=[False, True, True, True],
            empty=t("No sourced deals in the last 12 months."), cls="pk-table pk-mrr-clients")
        if more > 0:
            mrr_table += '<p class="pk-muted">{}</p>'.format(
                esc(t("…and {n} more clients.").format(n=more)))
        month_rows = []
        for m in reversed(r.months):
            if m.value is None:
                why = (t("no client managed 12 months earlier") if m.status == "no_base"
                       else t("no managed clients recorded this month"))
                month_rows.append([m.label, t("not recorded"), "", "", why])
            else:
                month_rows.append([
                    m.label, t.percent(m.value, 1), t.money(m.kept_usd, "USD"),
                    t.money(m.base_usd, "USD"),
                    t("{n} clients: {churned} churned, {downgraded} downgraded, {expanded} "
                      "expanded").format(n=m.base_clients, churned=m.churned,
                                         downgraded=m.downgraded, expanded=m.expanded)])
        cdr_table = table(
            [t("Month"), t("C$R"), t("MRR kept (US$)"), t("MRR 12 months earlier (US$)"),
             t("Clients 12 months earlier")], month_rows,
            numeric=[False, True, True, True, False], cls="pk-table pk-cdr-months")
        policy = (t("Gross retention: each client counts at most its MRR of 12 months earlier, "
                    "so expansion does not count; churn and downgrades do.")
                  if r.expansion == "gross" else
                  t("Net retention: each client counts at its MRR now, expansion included."))
        conversion = t("Each client is compared in its own currency and added up in US$ at the "
                       "program's amounts of the month; sharing a client with other partners "
                       "does not change it. The rules file sets gross or net (derived by "
                       "partnerkit).")
        lost = self._lost(r)
        return (
            '<details class="pk-progress-details">'
            f"<summary>{esc(t('How these figures are computed'))}</summary>"
            f"<h4>{esc(t('12-month sourced MRR'))}</h4><p class='pk-muted'>{esc(mrr_note)}</p>"
            f'<div class="pk-table-wrap">{mrr_table}</div>'
            f"<h4>{esc(t('Customer dollar retention (C$R)'))}</h4>"
            f"<p class='pk-muted'>{esc(policy)} {esc(conversion)}</p>"
            f'<div class="pk-table-wrap">{cdr_table}</div>{lost}</details>'
        )

    def _lost(self, r: Any) -> str:
        t = self.state.t
        latest = next((m for m in reversed(r.months) if m.value is not None), None)
        if latest is None:
            return ""
        frame = r.clients(latest.month)
        frame = frame[frame["change"].isin(["churned", "downgraded"])]
        if frame.empty:
            return ""
        rows = [[c.client_name or c.client_id,
                 t("churned") if c.change == "churned" else t("downgraded"),
                 t.money(c.base_usd, "USD"), t.money(c.now_usd, "USD")]
                for c in frame.head(SHOWN_CLIENTS).itertuples(index=False)]
        heading = t("Clients lost or downgraded in {month}").format(month=latest.label)
        return (f"<h4>{esc(heading)}</h4><div class='pk-table-wrap'>" + table(
            [t("Client"), t("Change"), t("MRR 12 months earlier (US$)"), t("MRR now (US$)")],
            rows, numeric=[False, False, True, True], cls="pk-table pk-cdr-lost") + "</div>")


def requirement_value(t: Any, r: Any, value: Any) -> str:
    """A requirement's figure as shown: points, or a percentage for the retention gate (its
    figures are fractions: 0.85 = 85 %), "not recorded" where there is none."""
    if r.name != "retention":
        return str(t.points(value))
    if value is None:
        return str(t("not recorded"))
    return str(t.percent(value, 1))

# ruff: noqa: E501  (HTML templates read better unwrapped)
"""The monthly tier report's sections as HTML blocks (F5.1), in English or Portuguese.

The notebook only does `view = load_report(...)` and then one call per cell (`view.summary()`,
`view.points()`, ...). Each call returns an `HTML` object (IPython displays it; nbconvert keeps
it in the report). Every figure is also tagged for machines and tests:
`<span data-figure="total_points" data-value="123.4500">123.5</span>` — data-value is the core's
exact Decimal, the text is the locale's display rounding. Every text from data is escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from decimal import Decimal
from typing import Any

import pandas as pd

from partnerkit.reports.content import (
    EXPIRING_DAYS,
    PROJECTION_MONTHS,
    RENEWAL_DAYS,
    ReportContent,
    build_content,
)
from partnerkit.reports.progress_section import progress_cards
from partnerkit.reports.risks_section import credited_change, credited_value, keep_table, risks_box
from partnerkit.ui.theme import THEME_CSS  # JupyterLab Light/Dark colours (issue 17)

MAX_ROWS = 15  # rows per detail table; the rest is counted ("…and 12 more.")

CSS = """
<style>
.pk-report{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#213343;
  max-width:60rem}
.pk-report h1{font-size:1.7rem;margin:.2rem 0}.pk-report h2{font-size:1.25rem;margin:1.4rem 0 .5rem;
  border-bottom:2px solid #ff7a59;padding-bottom:.2rem}
.pk-report .muted{color:#516f90}.pk-report .est{color:#b5520b;font-weight:600}
.pk-report table{border-collapse:collapse;margin:.4rem 0;min-width:24rem}
.pk-report table th,.pk-report table td{padding:.3rem .6rem;border-bottom:1px solid #dfe3eb;
  text-align:left !important}
.pk-report table td.num,.pk-report table th.num{text-align:right !important;
  font-variant-numeric:tabular-nums}
.pk-report .cards{display:flex;gap:1rem;flex-wrap:wrap}
.pk-report .card{border:1px solid #cbd6e2;border-radius:6px;padding:.6rem 1rem;min-width:12rem}
.pk-report .card .big{font-size:1.5rem;font-weight:700}
.pk-report .up{color:#00a37c}.pk-report .down{color:#d62f3a}
.pk-report .risk,.pk-report .overdue-note{color:#b3261e}
.pk-report tr.overdue td{color:#b3261e}
.pk-report img{max-width:100%}
.pk-report ul.rules{font-size:.85rem;columns:2;column-gap:2rem}
@media print{.jp-OutputArea-child{break-inside:auto !important}
  .pk-report img,.pk-report tr,.pk-report .card,.pk-report .risks-box{break-inside:avoid}.pk-report h2,.pk-report h3{break-after:avoid}}
</style>
"""


class HTML:
    """A block of HTML that IPython displays as text/html (no IPython import needed here)."""

    def __init__(self, body: str) -> None:
        self.body = body

    def _repr_html_(self) -> str:
        return self.body

    def __str__(self) -> str:
        return self.body


class Headline:
    """The headline figures, displayed as application/json (the runner's JSON file)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def _repr_json_(self) -> dict[str, Any]:
        return self.data


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


class ReportView:
    def __init__(self, content: ReportContent, locale: str = "en", rules_file: str = "") -> None:
        from partnerkit.ui.i18n import translator

        self.c = content
        self._rules_file = rules_file
        self.t = translator(locale, domain="report")
        self.chart_t = translator(locale, domain="dashboard")  # the shared charts' texts
        t = self.t
        # Labels used inside f-strings (Babel cannot extract calls from inside an f-string).
        self.L = {
            "unchanged from last month": t("unchanged from last month"),
            "Credited tier": t("Credited tier"),
            "Performance tier": t("Performance tier"),
            "Total points": t("Total points"),
            "since last month": t("since last month"),
            "Sold and managed points": t("Sold and managed points"),
            "Change": t("Change"),
            "Sold points count for 12 months from the close date.": t(
                "Sold points count for 12 months from the close date."
            ),
            "Tier progress": t("Tier progress"),
            "Progress over time": t("Progress over time"),
            "No client earns points at month end.": t("No client earns points at month end."),
            "Points gained and lost this month, by client": t(
                "Points gained and lost this month, by client"
            ),
            "Clients that contribute most": t("Clients that contribute most"),
            "Nothing expires in that time.": t("Nothing expires in that time."),
            "Points expiring soon": t("Points expiring soon"),
            "No renewals in that time.": t("No renewals in that time."),
            "Renewals coming up": t("Renewals coming up"),
            "You perform at the top tier of the ladder.": t(
                "You perform at the top tier of the ladder."
            ),
            "Next review": t("Next review"),
            "if nothing changes": t("if nothing changes"),
            "Gap to the next tier": t("Gap to the next tier"),
            "Data and rules used": t("Data and rules used"),
            "estimate": t("estimate"),
            "derived": t("derived"),
        }

    # ------------------------------------------------------------------ helpers
    def fig(self, name: str, value: Any, kind: str = "points") -> str:
        """A tagged figure: data-value exact, text in the locale."""
        t = self.t
        if value is None:
            text, raw = "—", ""
        elif kind == "points":
            text, raw = t.points(value), str(value)
        elif kind == "signed":
            d = Decimal(value)
            text = t.points(d)
            if text == t.points(-d):  # rounds to zero: no sign (never "-0.0")
                text = t.points(0)
            elif d > 0:
                text = "+" + text
            raw = str(value)
        elif kind == "date":
            text, raw = t.date(value), value.isoformat()
        elif kind == "int":
            text, raw = t.integer(value), str(value)
        else:
            text, raw = str(value), str(value)
        return f'<span data-figure="{esc(name)}" data-value="{esc(raw)}">{esc(text)}</span>'

    def term(self, kind: str, value: Any) -> str:
        """A stored code (a deal type, a renewal status) as the program word in the language."""
        from partnerkit.messages import Term
        from partnerkit.ui.message_text import term_text

        return term_text(Term(kind, str(value)), self.t.code)

    def message(self, message: Any) -> str:
        """A core message (an explanation, a review reason) in the report's language."""
        return self.t.message(message) if message is not None else ""

    def tier(self, name: str | None) -> str:
        t = self.t
        names = {
            "Gold": t("Gold"),
            "Platinum": t("Platinum"),
            "Diamond": t("Diamond"),
            "Elite": t("Elite"),
            "Silver": t("Silver"),
        }
        return names.get(name, name) if name else t("Untiered")

    def requirement(self, name: str) -> str:
        t = self.t
        names = {
            "total": t("Total points"),
            "sold": t("Sold points"),
            "sourced": t("Sourced points"),
            "managed": t("Managed points"),
            "certification": t("Solutions Partner certification"),
        }
        return names.get(name, name)

    def _change(self, now: str | None, before: str | None, rank: Any) -> str:
        t = self.t
        if (now or None) == (before or None):
            return f'<span class="muted">{esc(self.L["unchanged from last month"])}</span>'
        up = rank(now) > rank(before)
        word = t("up from {tier}") if up else t("down from {tier}")
        cls = "up" if up else "down"
        return f'<span class="{cls}">{esc(word.format(tier=self.tier(before)))}</span>'

    def _rank(self, tier: str | None) -> int:
        ladder = list(getattr(self.c.performance, "ladder", ()))
        return ladder.index(tier) + 1 if tier in ladder else 0

    def _table(
        self,
        frame: pd.DataFrame,
        columns: list[tuple[str, str, str]],
        figure: str,
        row_classes: list[str] | None = None,
    ) -> str:
        """columns: (column, heading, kind) with kind text|points|signed|date."""
        head = "".join(
            f'<th class="{"num" if k in ("points", "signed") else ""}">{esc(h)}</th>'
            for _c, h, k in columns
        )
        body = []
        for i, row in enumerate(frame.itertuples(index=False)):
            cells = []
            for col, _h, kind in columns:
                v = getattr(row, col)
                if kind in ("points", "signed"):
                    cells.append(f'<td class="num">{self.fig(f"{figure}.{i}.{col}", v, kind)}</td>')
                elif kind.startswith("term:"):
                    cells.append(f"<td>{esc(self.term(kind[5:], v))}</td>")
                elif kind == "date":
                    d = v.date() if isinstance(v, dt.datetime) else v
                    cells.append(f"<td>{esc(self.t.date(d)) if d else ''}</td>")
                else:
                    cells.append(f"<td>{esc(v)}</td>")
            cls = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
            body.append(f'<tr data-row="{esc(figure)}"{cls}>{"".join(cells)}</tr>')
        return (
            f'<table data-table="{esc(figure)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def _limited(self, frame: pd.DataFrame, limit: int = MAX_ROWS) -> tuple[pd.DataFrame, str]:
        """The first `limit` rows, and a note saying how many more there are (short PDFs)."""
        if len(frame) <= limit:
            return frame, ""
        more = esc(self.t("…and {n} more.").format(n=len(frame) - limit))
        return frame.head(limit), f'<p class="muted" data-more="{len(frame) - limit}">{more}</p>'

    @staticmethod
    def _png(fig: Any) -> str:
        from partnerkit.charts import figure_png

        data = base64.b64encode(figure_png(fig, dpi=110)).decode("ascii")
        fig.clear()
        return data

    def _img(self, fig: Any, alt: str, name: str) -> str:
        return (
            f'<img data-chart="{esc(name)}" alt="{esc(alt)}" '
            f'src="data:image/png;base64,{self._png(fig)}"/>'
        )

    # ------------------------------------------------------------------ sections
    def summary(self) -> HTML:
        c, t = self.c, self.t
        data_note = (
            t("Data as of {date}.").format(date=t.date(c.data_as_of)) if c.data_as_of else ""
        )
        cert = (
            t("Partner certified until {date}.").format(date=t.date(c.certified_until))
            if c.certified
            else (
                t("Certification expired on {date}: no tier can be met without it.").format(
                    date=t.date(c.certified_until)
                )
                if c.certified_until
                else t(
                    "No Solutions Partner certification on record: no tier can be met without it."
                )
            )
        )
        title = t("Monthly tier report")
        standing_line = t("Standing at the end of the month, on {date}.").format(
            date=t.date(c.as_of)
        )
        pid_label, month_word = t("Partner ID"), t("Report month")
        body = f"""{CSS}{THEME_CSS}<div class="pk-report"><section>
<h1>{esc(title)} — {esc(c.partner_name)}</h1>
<p class="muted">{esc(standing_line)}
<span data-figure="data_as_of" data-value="{esc(c.data_as_of.isoformat() if c.data_as_of else "")}">{esc(data_note)}</span>
{esc(pid_label)}: <code>{esc(c.partner_id)}</code> · {esc(month_word)}: {esc(str(c.month))}</p>
<div class="cards">
<div class="card"><div class="muted">{esc(self.L["Credited tier"])}</div>
<div class="big" data-figure="credited_tier" data-value="{esc(c.credited_tier or "")}">{credited_value(self)}</div>
<div>{credited_change(self)}</div></div>
<div class="card"><div class="muted">{esc(self.L["Performance tier"])}</div>
<div class="big" data-figure="performance_tier" data-value="{esc(c.performance_tier or "")}">{esc(self.tier(c.performance_tier))}</div>
<div>{self._change(c.performance_tier, c.previous_performance_tier, self._rank)}</div></div>
<div class="card"><div class="muted">{esc(self.L["Total points"])}</div>
<div class="big">{self.fig("total_points", c.standing.total_points)}</div>
<div>{self.fig("total_change", c.total_change, "signed")} {esc(self.L["since last month"])}</div></div>
</div>
<p data-figure="certified" data-value="{"yes" if c.certified else "no"}">{esc(cert)}</p>
{self._no_points()}
{risks_box(self)}
</section></div>"""
        return HTML(body)

    def standing_details(self) -> HTML:
        """What to keep and the Program Progress cards: after the tier chart, so page 1 of the
        PDF holds the headline cards, the risks and the chart (issue 14)."""
        return HTML(
            f'<div class="pk-report"><section>{keep_table(self)}\n{progress_cards(self)}'
            "</section></div>"
        )

    def _no_points(self) -> str:
        """A partner with no points at all this month: say so, and that the tier is at risk."""
        c, t = self.c, self.t
        if Decimal(c.standing.total_points) != 0:
            return ""
        text = t("No sold or managed points recorded in {month}.").format(month=str(c.month))
        if c.credited_tier:
            text += " " + t("The credited tier {tier} is at risk at the next review.").format(
                tier=self.tier(c.credited_tier)
            )
        return f'<p class="risk" data-figure="no_points" data-value="0"><strong>{esc(text)}</strong></p>'

    def points(self) -> HTML:
        c, t = self.c, self.t
        s, p = c.standing, c.previous_standing
        rows = [
            ("sourced_points", t("Sold — partner sourced"), s.sourced_points, p.sourced_points),
            ("assisted_points", t("Sold — partner assisted"), s.assisted_points, p.assisted_points),
            ("sold_points", t("= Sold points"), s.sold_points, p.sold_points),
            ("managed_points", t("+ Managed points"), s.managed_points, p.managed_points),
            ("total_points_table", t("= Total points"), s.total_points, p.total_points),
        ]
        trs = "".join(
            f"<tr><td>{esc(label)}</td>"
            f'<td class="num">{self.fig(name, now)}</td>'
            f'<td class="num">{self.fig("previous_" + name, before)}</td>'
            f'<td class="num">{self.fig("change_" + name, Decimal(now) - Decimal(before), "signed")}</td></tr>'
            for name, label, now, before in rows
        )
        managed_note = (
            t("Managed points are the client MRR you service in {month}.").format(
                month=t.date(s.managed_month)
            )
            if s.managed_month
            else t("No managed clients recorded.")
        )
        body = f"""<div class="pk-report"><section><h2>{esc(self.L["Sold and managed points"])}</h2>
<table data-table="points"><thead><tr><th></th><th class="num">{esc(t.date(c.as_of))}</th>
<th class="num">{esc(t.date(c.previous_as_of))}</th><th class="num">{esc(self.L["Change"])}</th></tr></thead>
<tbody>{trs}</tbody></table>
<p class="muted">{esc(self.L["Sold points count for 12 months from the close date."])} {esc(managed_note)}</p>
</section></div>"""
        return HTML(body)

    def tier_progress(self) -> HTML:
        from partnerkit.charts import tier_progress_chart
        from partnerkit.rules_io import load_rules

        c, t = self.c, self.t
        rules = load_rules(self._rules_file or None)
        fig = tier_progress_chart(c.standing, rules, c.as_of, self.chart_t, tier=c.performance_tier)
        return HTML(
            f'<div class="pk-report"><section><h2>{esc(self.L["Tier progress"])}</h2>'
            f"{self._img(fig, t('Tier progress chart'), 'tier_progress')}</section></div>"
        )

    def progress_over_time(self) -> HTML:
        from partnerkit.charts import progress_over_time_chart
        from partnerkit.rules_io import load_rules

        c, t = self.c, self.t
        rules = load_rules(self._rules_file or None)
        fig = progress_over_time_chart(
            c.history, self.chart_t, rules=rules, on=c.as_of, tier=c.performance_tier
        )
        h = c.history.copy()
        h["when"] = [
            t.date(d) + (" " + t("(projected)") if p else "")
            for d, p in zip(h["month_end"], h["projected"], strict=True)
        ]
        table = self._table(
            h,
            [
                ("when", t("Month end"), "text"),
                ("sold_exact", t("Sold"), "points"),
                ("managed_exact", t("Managed"), "points"),
                ("total_exact", t("Total"), "points"),
            ],
            "history",
        )
        note = t(
            "The last {n} months are a projection: no new deals, sold points expire, "
            "managed points stay as they are."
        ).format(n=PROJECTION_MONTHS)
        return HTML(
            f'<div class="pk-report"><section><h2>{esc(self.L["Progress over time"])}</h2>'
            f"{self._img(fig, t('Points by month'), 'progress_over_time')}"
            f'<p class="muted">{esc(note)}</p>{table}</section></div>'
        )

    def top_clients(self) -> HTML:
        c, t = self.c, self.t
        if c.top_clients.empty:
            inner = f'<p class="muted">{esc(self.L["No client earns points at month end."])}</p>'
        else:
            inner = self._table(
                c.top_clients,
                [
                    ("client_name", t("Client"), "text"),
                    ("sold", t("Sold"), "points"),
                    ("managed", t("Managed"), "points"),
                    ("total", t("Total"), "points"),
                    ("gained", t("Gained this month"), "points"),
                    ("lost", t("Lost this month"), "points"),
                ],
                "top_clients",
            )
        gained = sum((Decimal(x) for x in c.changes.get("new_sold", [])), Decimal(0)) + sum(
            (Decimal(x) for x in c.changes.get("new_managed", [])), Decimal(0)
        )
        lost = sum((Decimal(x) for x in c.changes.get("lost_sold", [])), Decimal(0)) + sum(
            (Decimal(x) for x in c.changes.get("lost_managed", [])), Decimal(0)
        )
        changes = ""
        if not c.changes.empty:
            shown, more = self._limited(c.changes)
            changes = (
                f"<h3>{esc(self.L['Points gained and lost this month, by client'])}</h3>"
                + self._table(
                    shown,
                    [
                        ("client_name", t("Client"), "text"),
                        ("new_sold", t("New sold"), "points"),
                        ("lost_sold", t("Expired sold"), "points"),
                        ("new_managed", t("New managed"), "points"),
                        ("lost_managed", t("Lost managed"), "points"),
                        ("net", t("Net"), "signed"),
                    ],
                    "changes",
                )
                + more
            )
        summary = esc(t("This month: {gained} points gained, {lost} points lost.")).format(
            gained=self.fig("month_gained", gained), lost=self.fig("month_lost", lost)
        )
        return HTML(
            f'<div class="pk-report"><section><h2>{esc(self.L["Clients that contribute most"])}</h2>'
            f"<p>{summary}</p>{inner}{changes}</section></div>"
        )

    def expiring(self) -> HTML:
        c, t = self.c, self.t
        head = esc(t("Sold points expiring in the next {days} days: {points}")).format(
            days=EXPIRING_DAYS, points=self.fig("expiring_90_days", c.expiring_points)
        )
        shown, more = self._limited(c.expiring)
        table = (
            self._table(
                shown,
                [
                    ("client_name", t("Client"), "text"),
                    ("deal_type", t("Deal type"), "term:deal_type"),
                    ("expires_on", t("Expires on"), "date"),
                    ("points", t("Points"), "points"),
                ],
                "expiring",
            )
            + more
            if not c.expiring.empty
            else f'<p class="muted">{esc(self.L["Nothing expires in that time."])}</p>'
        )
        return HTML(
            f'<div class="pk-report"><section><h2>{esc(self.L["Points expiring soon"])}</h2>'
            f"<p>{head}</p>{table}</section></div>"
        )

    def renewals(self) -> HTML:
        """Every renewal due (a PDF has no "show more"), the ones whose decision date has passed
        without a decision first and marked overdue."""
        c, t = self.c, self.t
        r = c.renewals.copy()
        head = esc(t("Renewals due in the next {days} days: {n}")).format(
            days=RENEWAL_DAYS, n=self.fig("renewals_120_days", len(r), "int")
        )
        decided = {"confirmed", "renewed"}
        r["overdue"] = [
            bool(d is not None and d < c.as_of and str(st) not in decided)
            for d, st in zip(r["decision_deadline"], r["status"], strict=True)
        ]
        r = r.sort_values(["overdue", "renewal_date"], ascending=[False, True], kind="stable")
        r["status_text"] = [
            f"{t('Overdue')} — {self.term('renewal_status', st)}" if late
            else self.term("renewal_status", st)
            for late, st in zip(r["overdue"], r["status"], strict=True)
        ]
        n_overdue = int(r["overdue"].sum())
        overdue_note = (
            "<p class=\"overdue-note\">"
            + esc(t("Decision date passed without a decision: {n}")).format(
                n=self.fig("renewals_overdue", n_overdue, "int")
            )
            + "</p>"
            if n_overdue
            else ""
        )
        table = (
            self._table(
                r,
                [
                    ("client_name", t("Client"), "text"),
                    ("renewal_date", t("Renewal date"), "date"),
                    ("decision_deadline", t("Decide by"), "date"),
                    ("owner", t("Owner"), "text"),
                    ("status_text", t("Status"), "text"),
                ],
                "renewals",
                ["overdue" if late else "" for late in r["overdue"]],
            )
            if len(r)
            else f'<p class="muted">{esc(self.L["No renewals in that time."])}</p>'
        )
        return HTML(
            f'<div class="pk-report"><section><h2>{esc(self.L["Renewals coming up"])}</h2>'
            f"<p>{head}</p>{overdue_note}{table}</section></div>"
        )

    def next_tier(self) -> HTML:
        c, t = self.c, self.t
        if c.next_tier is None:
            gap = f"<p>{esc(self.L['You perform at the top tier of the ladder.'])}</p>"
        else:
            g = c.gaps.copy()
            g["label"] = [self.requirement(str(n)) for n in g["requirement"]]
            g["state"] = [t("met") if m else t("not met") for m in g["met"]]
            gap = (
                "<p>"
                + esc(t("To reach {tier} you need {points} more total points.")).format(
                    tier=esc(self.tier(c.next_tier)),
                    points=self.fig("gap_to_next", c.gap_to_next),
                )
                + "</p>"
                + self._table(
                    g,
                    [
                        ("label", t("Requirement"), "text"),
                        ("required", t("Required"), "points"),
                        ("actual", t("You have"), "points"),
                        ("gap", t("Gap"), "points"),
                        ("state", t("Status"), "text"),
                    ],
                    "gaps",
                )
            )
        review = ""
        if c.next_review:
            review = (
                f"<p>{esc(self.L['Next review'])}: "
                f"{self.fig('next_review', c.next_review, 'date')} — "
                f"{esc(self.L['if nothing changes'])}: "
                f'<span data-figure="next_review_tier" data-value="{esc(getattr(c.credited, "next_review_tier", ""))}">'
                f"{esc(self.tier(getattr(c.credited, 'next_review_tier', None)))}</span>. "
                f'<span class="muted">{esc(self.message(c.next_review_message))}</span></p>'
            )
        from partnerkit.rules_io import load_rules
        from partnerkit.ui.gates import gates_html

        gates = gates_html(load_rules(self._rules_file or None), c.next_tier, c.as_of, t.code)
        return HTML(
            f'<div class="pk-report"><section><h2>{esc(self.L["Gap to the next tier"])}</h2>'
            f"{gap}{gates}{review}</section></div>"
        )

    def rules_used(self) -> HTML:
        c, t = self.c, self.t
        items: list[str] = []
        for r in c.rules_used:
            word = self.L["estimate"] if r.provenance == "estimate" else self.L["derived"]
            mark = (
                f' <span class="est" data-estimate="{esc(r.version)}">{esc(word)}</span>'
                if r.is_estimate
                else ""
            )
            items.append(
                f'<li data-rule="{esc(r.version)}">{esc(self.message(r.message()))}{mark}</li>')
        note = t(
            "Figures that rest on thresholds HubSpot does not publish are marked; "
            "your own HubSpot dashboard has the real ones."
        )
        data = t("Data as of {date}.").format(date=t.date(c.data_as_of)) if c.data_as_of else ""
        return HTML(
            f'<div class="pk-report"><section><h2>{esc(self.L["Data and rules used"])}</h2>'
            f'<p>{esc(data)} {esc(note)}</p><ul class="rules">{"".join(items)}</ul></section></div>'
        )

    def headline(self) -> Headline:
        data = self.c.headline()
        risks = list(getattr(self.c, "risks", None) or [])
        if risks and len(risks) == len(data.get("risks") or []):
            # Each risk also in the report's language: the mail's body quotes it (issue 14).
            from partnerkit.ui.say import say

            data["risks"] = [
                {**item, "text": say(r.message, self.t.code)}
                for item, r in zip(data["risks"], risks, strict=True)
            ]
        return Headline(data)


def load_report(
    *,
    partner_id: str,
    month: str,
    db_url: str,
    locale: str = "en",
    rules_file: str = "",
    as_of: str = "",
) -> ReportView:
    """The notebook's one call: content for the partner and month, ready to display."""
    import os

    from partnerkit.reports.params import parse_month

    db = db_url or os.environ.get("PARTNERKIT_DB", "")
    if not db:
        raise ValueError("db_url is empty: pass -p db_url URL or set PARTNERKIT_DB")
    month = month or str(parse_month("last"))
    if not partner_id:  # interactive use / nbval: the first partner of the database
        from partnerkit.store import normalise_url, open_store

        db = normalise_url(db)
        with open_store(db) as store:
            ids = store.partner_ids()
        if not ids:
            raise ValueError(f"the database {db} has no partners: run 'partnerkit demo' first")
        partner_id = ids[0]
    content = build_content(
        partner_id=partner_id, month=month, db_url=db, rules_file=rules_file, as_of=as_of or None
    )
    if not locale:  # the notebook's default: the language of the partner's country
        from partnerkit.reports.params import locale_for_country

        locale = locale_for_country(content.partner_country)
    return ReportView(content, locale, rules_file)

"""The Tier page's opening banner (issue 12; F2.1-F2.7): the credited tier with its basis, the tier
risks soonest first coloured by urgency, and the projection label for a date beyond the data.

Every figure comes from the core (`partnerkit.tier_history.credited_on`, `partnerkit.risks`) through
the dashboard state, as the CLI and the report take them; this module only renders HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from partnerkit.messages import Message, msg
from partnerkit.ui.dashboard.html import esc
from partnerkit.ui.say import say

# Urgency by days left: within a month is urgent, within a quarter soon, later is a heads-up.
# (Display choices of the dashboard, not program rules.)
URGENT_DAYS, SOON_DAYS = 30, 90

STYLE = """<style>
.pk-risks { border-radius: 6px; padding: 8px 12px; margin: 4px 0 8px 0; border: 1px solid; }
.pk-risks ul { margin: 4px 0 0 0; padding-left: 18px; }
.pk-risks li { margin: 2px 0; }
.pk-risks-urgent { background: #fdedee; border-color: #f2545b; color: #6b1117; }
.pk-risks-soon { background: #fef8f0; border-color: #f5c26b; color: #5c3b00; }
.pk-risks-later { background: #e5f5f8; border-color: #7fd1de; color: #0b3d47; }
.pk-risks-none { background: #e5f8f6; border-color: #00bda5; color: #0b4a40; }
.pk-risk-date { font-weight: 600; white-space: nowrap; }
.pk-risk-head { font-weight: 600; }
.pk-credited-basis, .pk-projection-note { font-size: 13px; margin: 2px 0; }
.pk-projection-note { color: #516f90; font-style: italic; }
</style>"""


def urgency(days: int) -> str:
    if days <= URGENT_DAYS:
        return "urgent"
    return "soon" if days <= SOON_DAYS else "later"


def kind_label(t: Any, kind: str) -> str:
    return {
        "below_minimum": t("Below a minimum"),
        "review_downgrade": t("Review"),
        "certification_expires": t("Certification"),
        "points_expiring": t("Points expiring"),
        "gold_deadline": t("Deadline"),
    }.get(kind, kind)


def basis_label(t: Any, basis: str) -> str:
    return {"recorded": t("recorded"), "computed": t("computed by partnerkit"),
            "not recorded": t("not recorded")}.get(basis, basis)


def credited_line(st: Any) -> str:
    """F2.1 the credited tier on the date with its basis ("not recorded" before the record)."""
    t, cr = st.t, st.credited_basis()
    text = t("Credited tier: {what}").format(what=say(cr.message, t.code))
    return (f'<div class="pk-credited-basis" data-basis="{esc(cr.basis)}">{esc(text)} '
            f'<span class="pk-muted">({esc(basis_label(t, cr.basis))})</span></div>')


def projection_note(st: Any) -> str:
    """Item 6: a date after the data is a projection (no new deals assumed)."""
    last = st.data_as_of()
    if isinstance(last, dt.datetime):
        last = last.date()
    if not isinstance(last, dt.date) or st.as_of <= last:
        return ""
    note = say(msg("credited.projection", date=st.as_of, last=last), st.t.code)
    return f'<div class="pk-projection-note">{esc(note)}</div>'


def risks_banner_html(st: Any) -> str:
    """The risks, soonest first, in a banner coloured by the soonest one's urgency."""
    t = st.t
    risks = st.risks()
    head = credited_line(st) + projection_note(st)
    if not risks:
        body = esc(say(msg("risk.none"), t.code))
        return (f'{STYLE}<div class="pk-risks pk-risks-none" role="status" '
                f'data-risks="0">{head}<div class="pk-risk-head">{body}</div></div>')
    level = urgency(risks[0].days_left(st.as_of))
    items = []
    for r in risks:
        days = r.days_left(st.as_of)
        when = (t("today") if days <= 0 else
                t.n("in {n} day", "in {n} days", days).format(n=t.integer(days)))
        items.append(
            f'<li class="pk-risk pk-risk-{urgency(days)}" data-kind="{esc(r.kind)}" '
            f'data-date="{r.date.isoformat()}" data-tier="{esc(r.tier)}">'
            f'<span class="pk-risk-date">{esc(t.date(r.date))}</span> ({esc(when)}) · '
            f'<b>{esc(kind_label(t, r.kind))}</b>: {esc(say(r.message, t.code))}</li>')
    title = t.n("{n} tier risk", "{n} tier risks", len(risks)).format(n=t.integer(len(risks)))
    return (f'{STYLE}<div class="pk-risks pk-risks-{level}" role="alert" '
            f'data-risks="{len(risks)}">{head}<div class="pk-risk-head">{esc(title)}</div>'
            f'<ul>{"".join(items)}</ul></div>')


def keep_margin_item(st: Any) -> tuple[str, str] | None:
    """Tier Insights: the margin over the current tier's minimums ("what it takes to keep it")."""
    t, cr = st.t, st.credited_basis()
    perf = cr.performance
    tier = cr.tier or perf.tier
    if not tier or tier not in perf.ladder:
        return None
    parts = []
    for r in perf.gap_to(tier):
        if r.required is None or r.actual is None or r.name not in (
                "total", "sold", "sourced", "managed"):
            continue
        margin = r.actual - r.required
        parts.append(t("{what}: {margin}").format(
            what=_requirement(t, r.name),
            margin=("+" if margin >= 0 else "") + t.points(margin)))
    if not parts:
        return None
    return ("pk-keep-margin",
            t("Margin over {tier}'s minimums: {margins}").format(tier=tier,
                                                                 margins="; ".join(parts)))


def _requirement(t: Any, name: str) -> str:
    return {"total": t("Total points"), "sold": t("Sold points"), "sourced": t("Sourced points"),
            "managed": t("Managed points")}.get(name, name)


@dataclass(frozen=True)
class NotRecorded:
    """Stands in for the credited tier on a date before the first record: the page shows the
    performance tier and says the credited tier is not recorded (no hold, no "unchanged")."""

    tier: str  # the performance tier (its minimums are the ones shown)
    performance: Any
    next_review: dt.date
    message: Message
    next_review_tier: str | None = None
    next_review_outcome: str = ""
    next_review_message: Message | None = None  # no credited tier: no review outcome to tell
    held_until: dt.date | None = None
    since: dt.date | None = None

    @classmethod
    def of(cls, st: Any) -> NotRecorded:
        from partnerkit.tiers import next_review

        cr = st.credited_basis()
        perf = cr.performance
        return cls(perf.tier_label, perf, next_review(st.rules, st.as_of), cr.message)

    def header_html(self, st: Any) -> str:
        t = st.t
        return (
            '<div class="pk-card pk-credited pk-not-recorded">'
            f'<div class="pk-muted">{esc(t("Solutions Partner tier"))}</div>'
            f'<div class="pk-big pk-credited-tier" data-basis="not recorded">'
            f'{esc(say(self.message, t.code))}</div>'
            '<div class="pk-muted">{}</div></div>'.format(
                esc(t("Your current points perform at {tier}.").format(tier=self.tier))))


def chart_caption(st: Any) -> str:
    """The tier chart's lines in words (what it takes to keep the tier, the next one, and a far
    one named off the scale): for screen readers, and where a PNG cannot be searched."""
    from partnerkit.charts import tier_chart_lines

    t = st.t
    tier = st.credited_basis().tier or st.performance().tier
    parts = []
    for role, name, total, drawn in tier_chart_lines(st.standing(), st.rules, st.as_of,
                                                    st.performance().tier, tier):
        text = t("{tier}: {points}").format(tier=name, points=t.decimal(total, 0))
        if role == "keep":
            text = t("Keep {tier}: {points}").format(tier=name, points=t.decimal(total, 0))
        elif not drawn:
            text = t("{mark} (off the scale) →").format(mark=text)
        parts.append(f'<span class="pk-chart-line" data-line="{role}" data-tier="{esc(name)}" '
                     f'data-drawn="{"yes" if drawn else "no"}">{esc(text)}</span>')
    if not parts:
        return ""
    return (f'<div class="pk-muted pk-chart-lines">{esc(t("Total points lines:"))} '
            + " · ".join(parts) + "</div>")

# ruff: noqa: E501  (HTML templates read better unwrapped)
"""The report's first page, issue 12: the credited tier with its basis and its month-over-month
change ("up from …", "not recorded before …"), the "Risks this month" box and the "to keep <tier>"
table. Figures come from `ReportContent` (the core's `credited_on`, `tier_risks`); texts from
the "report" catalogue and the core's messages in the report's language.
"""

from __future__ import annotations

import html
from typing import Any

from partnerkit.ui.say import say

CSS = """<style>
.pk-report .risks-box{border:2px solid #f2545b;background:#fdedee;border-radius:6px;padding:.5rem 1rem;margin:.8rem 0}
.pk-report .risks-box.none{border-color:#00bda5;background:#e5f8f6}
.pk-report .risks-box h2{border:0;margin:.2rem 0 .3rem;font-size:1.1rem}
.pk-report .risks-box ul{margin:.2rem 0;padding-left:1.2rem}
.pk-report .risks-box .when{font-weight:700;white-space:nowrap}
.pk-report .basis{font-size:.85rem}
</style>"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def credited_value(view: Any) -> str:
    """The credited card's big text: the tier, or "not recorded before …" (nothing invented)."""
    c, t = view.c, view.t
    b = c.credited_basis
    if b is not None and b.tier is None:
        return f'<span data-figure="credited_tier_basis" data-value="not recorded">{esc(say(b.message, t.code))}</span>'
    return esc(view.tier(c.credited_tier))


def credited_change(view: Any) -> str:
    """The line under the credited tier: this month against last month, like with like."""
    c, t = view.c, view.t
    m = c.credited_change
    if m is None:
        return view._change(c.credited_tier, c.previous_credited_tier, view._rank)
    cls = {"credited.up_from": "up", "credited.down_from": "down"}.get(m.id, "muted")
    basis = c.credited_tier_basis or ""
    label = {"recorded": t("recorded"), "computed": t("computed by partnerkit")}.get(basis, "")
    tail = f' <span class="muted basis">({esc(label)})</span>' if label else ""
    return (f'<span class="{cls}" data-figure="credited_change" data-value="{esc(m.id)}">'
            f"{esc(say(m, t.code))}</span>{tail}")


def projection_note(view: Any) -> str:
    """A month end after the data's last day is a projection (no new deals assumed)."""
    from partnerkit.messages import msg

    c, t = view.c, view.t
    if c.data_as_of is None or c.as_of <= c.data_as_of:
        return ""
    text = say(msg("credited.projection", date=c.as_of, last=c.data_as_of), t.code)
    return f'<p class="muted" data-figure="projection" data-value="yes"><em>{esc(text)}</em></p>'


def risks_box(view: Any) -> str:
    """"Risks this month": every tier risk at month end, soonest first, with its date."""
    c, t = view.c, view.t
    title = t("Risks this month")
    if not c.risks:
        from partnerkit.messages import msg

        text = say(msg("risk.none"), t.code)
        return (f'{CSS}{projection_note(view)}<div class="risks-box none" data-figure="risks" '
                f'data-value="0"><h2>{esc(title)}</h2><p>{esc(text)}</p></div>')
    items = []
    for i, r in enumerate(c.risks):
        items.append(
            f'<li data-risk="{i}" data-kind="{esc(r.kind)}" data-date="{r.date.isoformat()}">'
            f'<span class="when">{esc(t.date(r.date))}</span> — {esc(say(r.message, t.code))}</li>')
    return (f'{CSS}{projection_note(view)}<div class="risks-box" data-figure="risks" '
            f'data-value="{len(c.risks)}"><h2>{esc(title)}</h2><ul>{"".join(items)}</ul></div>')


def keep_table(view: Any) -> str:
    """"To keep <tier>": each minimum of the tier, what the partner has, the margin."""
    c, t = view.c, view.t
    tier = c.keep_tier
    if not tier or c.keep.empty:
        return ""
    frame = c.keep.copy()
    frame["label"] = [view.requirement(str(n)) for n in frame["requirement"]]
    frame["state"] = [t("met") if m else t("not met") for m in frame["met"]]
    heading = t("To keep {tier}").format(tier=view.tier(tier))
    table = view._table(frame, [
        ("label", t("Requirement"), "text"),
        ("required", t("Minimum"), "points"),
        ("actual", t("You have"), "points"),
        ("margin", t("Margin"), "signed"),
        ("state", t("Status"), "text"),
    ], "keep")
    return f'<h3 data-figure="keep_tier" data-value="{esc(tier)}">{esc(heading)}</h3>{table}'

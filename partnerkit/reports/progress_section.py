# ruff: noqa: E501  (HTML templates read better unwrapped)
"""The report headline's Program Progress cards (issue 18): 12-month sourced MRR and customer
dollar retention (12-month average, with a monthly sparkline), from `content.progress` - the same
core figures as `partnerkit tier` and the dashboard."""

from __future__ import annotations

import html
from typing import Any

from partnerkit.ui.sparkline import sparkline_svg


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def progress_cards(view: Any) -> str:
    """HTML cards for `view` (a ReportView); empty when the content has no progress figures."""
    p, t = view.c.progress, view.t
    if p is None:
        return ""
    s, r = p.sourced, p.retention
    usd = t.money(s.usd, "USD")
    home = t.money(s.amount, s.currency)
    money_sub = usd if s.currency == "USD" else t("{amount} at the program's amounts").format(
        amount=usd)
    avg = t.percent(r.average_12m, 1) if r.average_12m is not None else t("not recorded")
    policy = t("gross: expansion not counted") if r.expansion == "gross" else t(
        "net: expansion counted")
    months = [m.value for m in r.months]
    spark = sparkline_svg(months, t("Customer dollar retention, {first} to {last}").format(
        first=r.months[0].label, last=r.months[-1].label), css_class="pk-spark")
    title = t("Program Progress")
    reading = t("partnerkit's reading of HubSpot's figures")
    sourced_label = t("12-month sourced MRR")
    cdr_label = t("Customer dollar retention (12-month average)")
    avg_value = "" if r.average_12m is None else str(r.average_12m)
    gate = ""
    for tier, reqs in getattr(view.c.performance, "requirements", {}).items():
        for req in reqs:
            if req.name == "retention":
                state = t("met") if req.met else t("not met")
                gate += '<div class="muted" data-figure="retention_requirement" data-value="{}">{}</div>'.format(
                    _esc(f"{tier}:{req.required}:{'met' if req.met else 'not met'}"),
                    _esc(t("{tier} needs at least {minimum}: {state}").format(
                        tier=view.tier(tier), minimum=t.percent(req.required), state=state)))
    return f"""<h2>{_esc(title)} <span class="muted" style="font-size:.8rem;font-weight:400">{_esc(reading)}</span></h2>
<div class="cards" data-block="program-progress">
<div class="card"><div class="muted">{_esc(sourced_label)}</div>
<div class="big" data-figure="sourced_mrr_12m" data-value="{_esc(s.amount)}" data-currency="{_esc(s.currency)}">{_esc(home)}</div>
<div class="muted" data-figure="sourced_mrr_12m_usd" data-value="{_esc(s.usd)}">{_esc(money_sub)}</div></div>
<div class="card"><div class="muted">{_esc(cdr_label)}</div>
<div class="big" data-figure="customer_dollar_retention" data-value="{_esc(avg_value)}">{_esc(avg)}</div>
<div style="color:#ff7a59">{spark}</div><div class="muted">{_esc(policy)}</div>{gate}</div>
</div>{_explained(view)}"""


# How many clients the explanation names.
NAMED_CLIENTS = 5


def _explained(view: Any) -> str:
    """Which deals and clients, which months: the figures explain themselves (issue 18)."""
    p, t = view.c.progress, view.t
    s, r = p.sourced, p.retention
    biggest = ", ".join(
        f"{c.client_name or c.client_id} ({t.money(c.amount, s.currency)})"
        for c in s.clients.head(NAMED_CLIENTS).itertuples(index=False))
    deals = t("From {deals} sourced deals with {clients} clients closed {start} to {end}, each "
              "at the program's currency amounts of its close date.").format(
        deals=s.deals, clients=len(s.clients), start=t.date(s.window_start), end=t.date(s.as_of))
    if biggest:
        deals += " " + t("Largest: {clients}.").format(clients=biggest)
    by_month = " · ".join(
        f"{m.label} {t.percent(m.value, 1) if m.value is not None else t('not recorded')}"
        for m in r.months)
    months = t("C$R by month (clients managed 12 months earlier, their MRR now): {months}.").format(
        months=by_month)
    return (f'<p class="muted" data-explains="sourced_mrr_12m">{_esc(deals)}</p>'
            f'<p class="muted" data-explains="customer_dollar_retention">{_esc(months)}</p>')

"""F1.1 Alerts that prioritise (issue 11): renewal decisions with the overdue ones marked and
first, "cancellation requested" flagged, sortable, each row opening its client; and a second
alert for clients with low platform engagement (the rules' Low band, 0-3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from partnerkit.ui.dashboard import labels as L
from partnerkit.ui.dashboard.html import attr, esc

SORTS = ("urgency", "deadline", "renewal", "client", "status")
CANCELLATION = ("cancellation requested", "cancellation_requested")


def _date(v: Any) -> dt.date | None:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def prioritised(due: pd.DataFrame, as_of: dt.date, sort: str = "urgency") -> pd.DataFrame:
    """The renewal decisions with `overdue` and `cancellation` flags, in the order asked.

    "urgency": overdue decisions first, then cancellation requests, then by decision deadline
    (renewal date when there is none)."""
    df = due.copy()
    deadline = df["decision_deadline"].map(_date) if "decision_deadline" in df else None
    renewal = df["renewal_date"].map(_date) if "renewal_date" in df else None
    df["_deadline"] = deadline if deadline is not None else None
    df["_renewal"] = renewal if renewal is not None else None
    df["overdue"] = df["_deadline"].map(lambda d: d is not None and d < as_of)
    status = df["status"].fillna("").astype(str).str.lower() if "status" in df else ""
    df["cancellation"] = status.isin(CANCELLATION) if "status" in df else False
    far = dt.date.max
    df["_when"] = [d or r or far for d, r in zip(df["_deadline"], df["_renewal"], strict=True)]
    name = "client_name" if "client_name" in df else "name"
    if sort == "deadline":
        keys, asc = ["_when", name], [True, True]
    elif sort == "renewal":
        df["_r"] = df["_renewal"].map(lambda d: d or far)
        keys, asc = ["_r", name], [True, True]
    elif sort == "client":
        keys, asc = [name], [True]
    elif sort == "status":
        keys, asc = ["status", "_when"], [True, True]
    else:
        keys, asc = ["overdue", "cancellation", "_when", name], [False, False, True, True]
    return df.sort_values(keys, ascending=asc, kind="stable").reset_index(drop=True)


def renewal_rows_html(t: Any, due: pd.DataFrame, as_of: dt.date, sort: str) -> str:
    """The list behind the count, one row per decision; a row's button opens its client."""
    df = prioritised(due, as_of, sort)
    heads = [
        t("Client"), t("Decision deadline"), t("Renewal date"), t("Status"),
        t("Current subscription"), t("Renewal subscription"), t("Renewal communication owner"),
    ]
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    if df.empty:
        return ""
    rows = []
    for r in df.to_dict("records"):
        name = str(r.get("client_name") or r.get("name") or "")
        deadline = r["_deadline"]
        when = esc(t.date(deadline)) if deadline else ""
        if r["overdue"]:
            when = f'<span class="pk-overdue">{when} · {esc(t("Overdue"))}</span>'
        status = esc(L.renewal_status(t, str(r.get("status") or "")))
        if r["cancellation"]:
            status = f'<span class="pk-flag pk-cancellation">{status}</span>'
        cls = "pk-renewal-row" + (" pk-is-overdue" if r["overdue"] else "")
        rows.append(
            f'<tr class="{cls}" data-client="{attr(r.get("client_id"))}">'
            f'<td><button type="button" class="pk-link-btn pk-opens-panel" '
            f'data-pk-action="details" title="{esc(t("Client details"))}">{esc(name)}</button></td>'
            f"<td>{when}</td>"
            f"<td>{esc(t.date(r['_renewal'])) if r['_renewal'] else ''}</td>"
            f"<td>{status}</td>"
            f"<td>{esc(r.get('current_subscription') or '')}</td>"
            f"<td>{esc(r.get('renewal_subscription') or '')}</td>"
            f"<td>{esc(r.get('owner') or r.get('communication_owner') or '')}</td></tr>"
        )
    return (
        f'<table class="pk-table pk-renewal-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def low_engagement(clients: pd.DataFrame, band_of: Any) -> pd.DataFrame:
    """Clients whose latest engagement score falls in the rules' Low band, lowest first."""
    if clients.empty or "engagement_score" not in clients:
        return clients.iloc[0:0]
    low = clients[clients["engagement_score"].map(lambda s: band_of(s) == "Low")]
    return low.sort_values(["engagement_score", "name"], kind="stable")


def low_engagement_html(t: Any, low: pd.DataFrame) -> str:
    rows = "".join(
        f'<tr data-client="{attr(r["client_id"])}"><td><button type="button" '
        f'class="pk-link-btn pk-opens-panel" data-pk-action="details">{esc(r["name"])}</button>'
        f'</td><td class="num">{esc(t.decimal(r["engagement_score"], 0))}</td></tr>'
        for r in low.to_dict("records")
    )
    return (
        f'<table class="pk-table pk-low-engagement-table"><thead><tr><th>{esc(t("Client"))}</th>'
        f'<th class="num">{esc(t("Engagement score"))}</th></tr></thead><tbody>{rows}</tbody>'
        "</table>"
    )

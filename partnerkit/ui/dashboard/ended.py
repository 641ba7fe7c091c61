"""F1.4 Ended clients (issue 11): the Clients page's "Ended services" view.

Each client whose services were ended, with who ended them, when and why (from the audit log),
and a Restore button: the same audited undo as the Undo bar (`store.undo_end_services`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import ipywidgets as W
import pandas as pd

from partnerkit.ui.dashboard.html import attr, esc
from partnerkit.ui.dashboard.state import DashboardState


def _text(v: Any) -> str:
    if v is None:
        return ""
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def ended_clients(store: Any, partner_id: str, as_of: dt.date) -> pd.DataFrame:
    """Clients whose services are ended (on any date), newest first, with who / when / why.

    Who, when and why come from the client's latest "end_services" audit row; the client's own
    ended_* columns fill in for a row the audit log does not hold (older imports).
    """
    day = max(as_of, dt.date.today())
    table = store.client_table(partner_id, day, include_ended=True)
    ended = table[table["status"] == "ended"].copy()
    cols = ["client_id", "name", "domain", "ended_by", "ended_at", "ended_reason"]
    if ended.empty:
        return pd.DataFrame(columns=cols)
    log = store.audit_log(partner_id)
    log = log[(log["action"] == "end_services") & (log["entity"] == "client")]
    latest = log.drop_duplicates("entity_id", keep="last").set_index("entity_id")
    rows = []
    for r in ended.to_dict("records"):
        cid = str(r["client_id"])
        by, at, why = _text(r.get("ended_by")), r.get("ended_on"), _text(r.get("ended_reason"))
        if cid in latest.index:
            a = latest.loc[cid]
            by = _text(a["actor"]) or by
            at = a["at"] if _text(a["at"]) else at
            with contextlib.suppress(TypeError, ValueError):
                why = str(json.loads(a["details"] or "{}").get("reason") or why)
        rows.append(
            dict(
                client_id=cid,
                name=_text(r.get("name")),
                domain=_text(r.get("domain")),
                ended_by=by,
                ended_at=at,
                ended_reason=why,
            )
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("ended_at", ascending=False, kind="stable", key=_date_key)


def _date_key(s: pd.Series) -> pd.Series:
    return s.map(lambda v: str(v) if v is not None else "")


class EndedView:
    """The ended clients list (one HTML widget; Restore buttons reach the kernel via the Bridge)."""

    def __init__(self, state: DashboardState, page: Any) -> None:
        self.state = state
        self.page = page
        self.view = "active"
        self.frame = pd.DataFrame()
        self.html = W.HTML()
        self.html.add_class("pk-ended-list")
        self.widget = W.VBox([self.html], layout=W.Layout(display="none"))
        self.widget.add_class("pk-ended-view")

    @property
    def t(self) -> Any:
        return self.state.t

    def render(self) -> None:
        t = self.t
        self.frame = ended_clients(self.state.store, self.state.partner_id, self.state.as_of)
        if self.frame.empty:
            self.html.value = f'<p class="pk-empty">{esc(t("No client has ended services."))}</p>'
            return
        head = "".join(
            f"<th>{esc(h)}</th>"
            for h in (t("Client"), t("Ended by"), t("Ended on"), t("Reason"), t("Actions"))
        )
        rows = []
        for r in self.frame.to_dict("records"):
            at = r["ended_at"]
            when = t.date(at.date() if isinstance(at, dt.datetime) else at) if _text(at) else ""
            rows.append(
                f'<tr class="pk-ended-row" data-client="{attr(r["client_id"])}">'
                f'<td><b>{esc(r["name"])}</b><br><span class="pk-muted">{esc(r["domain"])}</span>'
                f"</td><td>{esc(r['ended_by'])}</td><td>{esc(when)}</td>"
                f"<td>{esc(r['ended_reason'])}</td>"
                f'<td><button type="button" class="pk-restore-btn" data-pk-action="restore">'
                f"{esc(t('Restore'))}</button></td></tr>"
            )
        self.html.value = (
            f'<table class="pk-table pk-ended-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def restore(self, client_id: str) -> None:
        """Bring an ended client back (audited, as the Undo bar does)."""
        st = self.state
        hit = self.frame[self.frame["client_id"] == str(client_id)] if len(self.frame) else None
        name = str(hit.iloc[0]["name"]) if hit is not None and len(hit) else str(client_id)
        st.store.undo_end_services(st.partner_id, str(client_id), st.user)
        st.messages.info(self.t("{client} is back in the client list.").format(client=name))
        st.clients_changed()
        if self.view == "ended":
            self.render()

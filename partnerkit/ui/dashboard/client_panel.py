"""F1.3.1 Client details: the right-hand panel with four tabs.

Client details (company, HubSpot subscriptions, contact tier, email send tier), Renewals (owner
of the renewal communication, HubSpot renewal manager, current and renewal subscription), Portal
usage (products and apps in use) and Platform engagement (the 0–10 score, its band Low 0–3 /
Medium 4–6 / High 7–10, its trend and what drives it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import pandas as pd

from partnerkit.ui.dashboard import labels as L
from partnerkit.ui.dashboard.html import esc, month, table
from partnerkit.ui.dashboard.state import DashboardState

TAB_MSGIDS = ("Client details", "Renewals", "Portal usage", "Platform engagement")


def _is_blank(v: Any) -> bool:
    if v is None:
        return True
    try:
        if pd.isna(v):
            return True
    except (TypeError, ValueError):
        pass
    return str(v).strip() == ""


def engagement_trend(scores: list[float], months: int = 3) -> str:
    """'up', 'down' or 'flat': the latest score against the one `months` months before."""
    if len(scores) < 2:
        return "flat"
    before = scores[-1 - months] if len(scores) > months else scores[0]
    diff = scores[-1] - before
    return "up" if diff >= 1 else "down" if diff <= -1 else "flat"


class ClientPanel:
    def __init__(self, state: DashboardState) -> None:
        self.state = state
        self.client_id: str | None = None
        self.last_client: str | None = None  # the client just closed (focus returns to its row)
        self.client_name = ""
        self.on_close: Callable[[], None] | None = None
        self.title = W.HTML()
        self.close_btn = W.Button(icon="", layout=W.Layout(width="40px"), tooltip="")
        self.close_btn.description = "✕"
        self.close_btn.add_class("pk-panel-close")
        self.close_btn.on_click(
            state.messages.guard(lambda: state.t("Could not close the panel"))(
                lambda _b: self.close()
            )
        )
        self.tabs = W.Tab(children=[W.HTML() for _ in TAB_MSGIDS])
        # The title and the ✕ stay at the top of the panel while its content scrolls.
        self.head = W.HBox(
            [self.title, self.close_btn],
            layout=W.Layout(justify_content="space-between", align_items="center"),
        )
        self.head.add_class("pk-panel-head")
        self.tabs.add_class("pk-client-tabs")
        self.widget = W.VBox(
            [
                self.head,
                self.tabs,
            ],
            layout=W.Layout(padding="0 12px 8px 12px", display="none"),
        )
        self.widget.add_class("pk-client-panel")
        self.widget.add_class("pk-closable")
        self.widget.add_class("pk-details-panel")
        self.relabel()

    @property
    def t(self) -> Any:
        return self.state.t

    def relabel(self) -> None:
        """The tab titles and the close button's tooltip, set while a client is open (a closed
        panel sends no message on a language switch; open() sets them)."""
        if self.client_id is None:
            return
        t = self.t
        names = [t("Client details"), t("Renewals"), t("Portal usage"), t("Platform engagement")]
        self.tabs.titles = tuple(names)
        self.close_btn.tooltip = t("Close")

    def open(self, client_id: str, name: str) -> None:
        self.client_id = str(client_id)
        self.client_name = name
        self.render()
        self.widget.layout.display = ""
        self.tabs.selected_index = 0

    def close(self) -> None:
        self.last_client = self.client_id
        self.client_id = None
        self.widget.layout.display = "none"
        if self.on_close:
            self.on_close()

    def render(self) -> None:
        if self.client_id is None:
            return
        self.relabel()
        details = self.state.store.client_details(self.state.partner_id, self.client_id)
        if hasattr(details, "company"):
            company, subs, renewals, usage, engagement = (
                details.company,
                details.subscriptions,
                details.renewals,
                details.usage,
                details.engagement,
            )
        else:  # a plain 5-tuple (the storage contract's first shape)
            company, subs, renewals, usage, engagement = details
        self.title.value = (
            f'<h3 class="pk-panel-title">{esc(company.get("name", self.client_name))}</h3>'
        )
        self.tabs.children[0].value = self._details_html(company, subs)
        self.tabs.children[1].value = self._renewals_html(renewals)
        self.tabs.children[2].value = self._usage_html(usage)
        self.tabs.children[3].value = self._engagement_html(engagement)
        for i, c in enumerate(self.tabs.children):
            c.add_class(f"pk-client-tab-{i}")

    # -- tabs ----------------------------------------------------------------------------------
    def _fmt(self, col: str, v: Any, currency: str | None = None) -> str:
        t = self.t
        if _is_blank(v):
            return ""
        if isinstance(v, bool):
            return L.yes_no(t, v)
        if col == "month" and isinstance(v, dt.date):
            return month(t, v)
        if isinstance(v, dt.datetime | pd.Timestamp):
            return t.date(v.date())
        if isinstance(v, dt.date):
            return t.date(v)
        if col in ("mrr", "amount") and currency:
            return t.money(v, currency)
        if col == "relationship":
            return L.relationship(t, str(v))
        if col == "market":
            return L.market(t, str(v))
        if col == "deal_type":
            return L.deal_type(t, str(v))
        if col == "status":
            return L.renewal_status(t, str(v))
        return str(v)

    def _company_value(self, key: str, value: Any) -> str:
        if key == "status" and not _is_blank(value):  # the client's, not a renewal's, status
            return L.client_status(self.t, str(value))
        if key == "industry" and not _is_blank(value):  # HubSpot translates its industries
            return self._term("industry", value)
        return self._fmt(key, value)

    def _term(self, kind: str, value: Any) -> str:
        """A HubSpot word stored in English (an industry, an app) as HubSpot's Portuguese UI
        shows it; unknown values (a user's own) as stored."""
        from partnerkit.messages import Term
        from partnerkit.ui.message_text import term_text

        return term_text(Term(kind, str(value)), self.t.code)

    def _frame_html(self, df: pd.DataFrame, columns: list[str], empty: str) -> str:
        t = self.t
        cols = [c for c in columns if c in df.columns]
        rows = []
        for r in df.to_dict("records"):
            ccy = r.get("currency")
            rows.append([self._fmt(c, r.get(c), ccy) for c in cols])
        return table(
            [L.column(t, c) for c in cols],
            rows,
            numeric=[c in ("mrr", "score", "employees") for c in cols],
            empty=empty,
        )

    def _details_html(self, company: dict[str, Any], subs: pd.DataFrame) -> str:
        t = self.t
        keys = [
            "name",
            "domain",
            "country",
            "market",
            "industry",
            "employees",
            "relationship",
            "deal_type",
            "portal_id",
            "crm_record_id",
            "status",
            "ended_on",
            "ended_by",
            "ended_reason",
        ]
        rows = "".join(
            f"<tr><th>{esc(L.column(t, k))}</th><td>{esc(self._company_value(k, company.get(k)))}"
            "</td></tr>"
            for k in keys
            if not _is_blank(company.get(k))
        )
        sub_cols = [
            "product_line",
            "edition",
            "mrr",
            "contact_tier",
            "email_send_tier",
            "start_date",
            "renewal_date",
        ]
        return (
            f"<h4>{esc(t('Company'))}</h4>"
            f'<table class="pk-table pk-company">{rows}</table>'
            f"<h4>{esc(t('HubSpot subscriptions'))}</h4>"
            + self._records_html(subs, sub_cols, t("No subscriptions stored for this client."))
        )

    def _records_html(self, df: pd.DataFrame, columns: list[str], empty: str) -> str:
        """One small label/value table per record: a narrow panel shows every value in full
        (a wide 7-column table would be cut or broken into one letter per line)."""
        t = self.t
        if df is None or df.empty:
            return f'<p class="pk-empty">{esc(empty)}</p>'
        parts = []
        for r in df.to_dict("records"):
            ccy = r.get("currency")
            rows = "".join(
                f"<tr><th>{esc(L.column(t, c))}</th>"
                f"<td>{esc(self._fmt(c, r.get(c), ccy))}</td></tr>"
                for c in columns
                if c in r and not _is_blank(r.get(c))
            )
            parts.append(f'<table class="pk-table pk-subscription">{rows}</table>')
        return '<div class="pk-records">' + "".join(parts) + "</div>"

    def _renewals_html(self, renewals: pd.DataFrame) -> str:
        t = self.t
        cols = [
            "renewal_date",
            "decision_deadline",
            "status",
            "owner",
            "renewal_manager",
            "current_subscription",
            "renewal_subscription",
        ]
        if renewals is None or renewals.empty:
            return f'<p class="pk-empty">{esc(t("No renewals stored for this client."))}</p>'
        df = renewals.sort_values("renewal_date") if "renewal_date" in renewals else renewals
        parts = []
        for r in df.to_dict("records"):
            rows = "".join(
                f"<tr><th>{esc(L.column(t, c))}</th><td>{esc(self._fmt(c, r.get(c)))}</td></tr>"
                for c in cols
                if c in r
            )
            parts.append(f'<table class="pk-table pk-renewal">{rows}</table>')
        return f"<h4>{esc(t('Renewals'))}</h4>" + "<br>".join(parts)

    def _usage_html(self, usage: pd.DataFrame) -> str:
        t = self.t
        if usage is None or usage.empty:
            return f'<p class="pk-empty">{esc(t("No portal usage stored for this client."))}</p>'
        df = usage
        latest = None
        if "month" in df:
            latest = df["month"].max()
            df = df[df["month"] == latest]
        if "used" in df:
            df = df[df["used"].astype(bool)]
        rows = []
        if "product" in df:
            for product, g in df.groupby("product", sort=True):
                apps = ", ".join(
                    sorted(self._term("app", a) for a in g.get("app", pd.Series(dtype=str))
                           if not _is_blank(a))
                )
                rows.append([product, apps])
        when = (
            t("Products and apps in use in {month}").format(month=self._fmt("month", latest))
            if latest is not None
            else t("Products and apps in use")
        )
        return f"<h4>{esc(when)}</h4>" + table(
            [t("Product"), t("Apps")], rows, empty=t("No products in use this month.")
        )

    def _bands_text(self) -> str:
        t = self.t
        bands = sorted(self.state.policy.engagement_bands.items(), key=lambda b: b[1][0])
        parts = ", ".join(f"{L.band(t, name)} {lo}–{hi}" for name, (lo, hi) in bands)
        return t("Bands: {bands}. The trend compares with three months before.").format(bands=parts)

    def _engagement_html(self, eng: pd.DataFrame) -> str:
        t = self.t
        if eng is None or eng.empty:
            return (
                f'<p class="pk-empty">{esc(t("No engagement score stored for this client."))}</p>'
            )
        df = eng.sort_values("month") if "month" in eng else eng
        scores = [float(s) for s in df["score"]]
        latest = df.iloc[-1]
        score = scores[-1]
        band = self.state.engagement_band(score) or ""
        trend = engagement_trend(scores)
        arrow = {"up": "▲", "down": "▼", "flat": "▶"}[trend]
        drivers = latest.get("drivers", "") if hasattr(latest, "get") else ""
        hist = df.tail(12).iloc[::-1]
        hist_rows = [
            [
                self._fmt("month", r.get("month")),
                t.decimal(r.get("score"), 0),
                L.band(t, self.state.engagement_band(r.get("score"))),
            ]
            for r in hist.to_dict("records")
        ]
        return (
            f"<h4>{esc(t('Engagement score'))}</h4>"
            f'<div class="pk-card"><span class="pk-big pk-engagement-score">{esc(t.decimal(score, 0))}</span>'  # noqa: E501
            f' <span class="pk-muted">/ 10</span> '
            f'<span class="pk-badge pk-band-{band.lower()} pk-engagement-band">{esc(L.band(t, band))}</span>'  # noqa: E501
            f' <span class="pk-engagement-trend">{arrow} {esc(L.trend(t, trend))}</span>'
            f'<div class="pk-muted">{esc(self._bands_text())}</div></div>'
            f"<h4>{esc(t('What drives it'))}</h4><p>{esc(drivers or t('Not recorded'))}</p>"
            f"<h4>{esc(t('Score by month'))}</h4>"
            + table([t("Month"), t("Score"), t("Band")], hist_rows, numeric=[False, True, False])
        )

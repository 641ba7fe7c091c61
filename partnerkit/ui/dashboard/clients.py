"""The Clients page (F1): renewal alerts, the client table and per-row Actions.

- F1.1 Alerts: the number of renewal decisions due in the next 120 days, with the list.
- F1.2 The client table: products, relationship, usage and MRR (partner's and client's currency);
  searchable, filterable (relationship, market), sortable and paginated (25 a page, so a book of
  5,000 clients stays fast: only the visible rows are rendered, in a fixed pool of row widgets).
- F1.3 Actions per row: Client details (right-hand panel, F1.3.1), Company in CRM (F1.3.2),
  Access client account (F1.3.3), End services with a reason and Undo (F1.3.4).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

import ipywidgets as W
import pandas as pd

from partnerkit.ui.dashboard import alerts as A
from partnerkit.ui.dashboard import labels as L
from partnerkit.ui.dashboard.base import Page
from partnerkit.ui.dashboard.changes_clients import ClientIdFilter
from partnerkit.ui.dashboard.client_panel import ClientPanel
from partnerkit.ui.dashboard.html import attr, esc, link
from partnerkit.ui.dashboard.state import (
    INITIAL,
    DashboardState,
    client_account_url,
    crm_company_url,
)

PAGE_SIZE = 25
# Name, relationship, market, products, usage, MRR (partner), MRR (client), links, Actions. The
# Actions column is inside the row (and the table frame); with a panel open the table narrows
# and the Products and client-currency columns give way (CSS, .pk-panel-open).
ROW_COLUMNS = (
    "minmax(150px,2fr) minmax(126px,.8fr) minmax(96px,.9fr) minmax(120px,1.5fr) "
    "minmax(150px,1.2fr) minmax(104px,1fr) minmax(104px,1fr) 96px 112px"
)

# Sort keys: msgid of the label -> (column, default descending?)
SORT_KEYS: dict[str, tuple[str, bool]] = {
    "Client name": ("name", False),
    "MRR (your currency)": ("mrr_partner_currency", True),
    "Engagement score": ("engagement_score", True),
    "Tools used": ("tools_used", True),
    "Relationship": ("relationship", False),
    "Market": ("market", False),
}
NUMERIC_SORT = {"mrr_partner_currency", "engagement_score", "tools_used"}
RELATIONSHIPS = ("sold", "managed", "both")
MARKETS = ("growth", "standard")
ACTIONS = ("details", "crm", "account", "end")
VIEWS = ("active", "ended")


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list | tuple | set):
        return ", ".join(str(x) for x in v)
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def one_stop(text: str) -> str:
    """One full stop at the end: "… Ltda.." (a name ending in a stop) becomes "… Ltda."."""
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text


def _numeric_key(s: pd.Series) -> pd.Series:
    return s.map(lambda v: math.nan if v is None or pd.isna(v) else float(v)).astype(float)


def _text_key(s: pd.Series) -> pd.Series:
    """Accent- and case-insensitive order: "Açaí" sorts with "Acme", before "Azulejos"."""
    return s.fillna("").astype(str).map(_fold)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class ClientsPage(Page):
    def __init__(self, state: DashboardState) -> None:
        super().__init__(state)
        self._quiet = False
        self.page_no = 0
        self.search_text = ""
        self.relationship = ""
        self.market = ""
        self.sort_key = "Client name"
        self.descending = False
        self.visible_rows: pd.DataFrame = pd.DataFrame()
        self.filtered: pd.DataFrame = pd.DataFrame()
        self.panel = ClientPanel(state)
        self.panel.widget.layout.display = "none"
        self.last_ended: tuple[str, str] | None = None  # (client_id, name) for Undo
        self._pending_end: tuple[str, str] | None = None
        # Issue 18: "only the clients behind a Tier point changes total", with its chip.
        self.id_filter = ClientIdFilter(state, self._id_filter_changed)
        self._build()

    # -- widgets (built once; texts set in render() so the language can change) ----------------
    def _build(self) -> None:
        g = self.state.messages.guard
        self.alerts = W.HTML()
        self.alerts.add_class("pk-renewal-alerts")
        self.alerts_toggle = W.ToggleButton(value=False)
        self.alerts_toggle.add_class("pk-renewal-toggle")
        self.alerts_list = W.HTML(layout=W.Layout(display="none"))
        self.alerts_list.add_class("pk-renewal-list")
        self.alerts_toggle.observe(
            g(lambda: self.t("Could not show the renewal list"))(self._toggle_alerts), "value"
        )
        self.alerts_sort = W.Dropdown(
            style=INITIAL, layout=W.Layout(width="320px", display="none")
        )
        self.alerts_sort.add_class("pk-alerts-sort")
        self.alerts_sort.observe(
            g(lambda: self.t("Could not show the renewal list"))(self._alerts_sorted), "value"
        )
        self.low_alert = W.HTML()
        self.low_alert.add_class("pk-low-engagement")
        self.low_toggle = W.ToggleButton(value=False)
        self.low_toggle.add_class("pk-low-toggle")
        self.low_list = W.HTML(layout=W.Layout(display="none"))
        self.low_list.add_class("pk-low-list")
        self.low_toggle.observe(
            g(lambda: self.t("Could not show the renewal list"))(
                lambda _c: self._render_low_engagement()
            ),
            "value",
        )
        self.totals = W.HTML()
        self.totals.add_class("pk-book-totals-box")
        # Export and print (issue 11): the current view, every row of it.
        self.csv_btn = W.Button(layout=W.Layout(width="auto"))
        self.xlsx_btn = W.Button(layout=W.Layout(width="auto"))
        self.print_btn = W.Button(layout=W.Layout(width="auto"))
        self.csv_btn.add_class("pk-export-csv")
        self.xlsx_btn.add_class("pk-export-xlsx")
        self.print_btn.add_class("pk-print")
        self.csv_btn.on_click(g(lambda: self.t("Could not export"))(lambda _b: self.export("csv")))
        self.xlsx_btn.on_click(
            g(lambda: self.t("Could not export"))(lambda _b: self.export("xlsx"))
        )
        self.print_btn.on_click(g(lambda: self.t("Could not print"))(lambda _b: self.print_all()))
        self.tools = W.HBox(
            [self.csv_btn, self.xlsx_btn, self.print_btn], layout=W.Layout(flex_flow="row wrap")
        )
        self.tools.add_class("pk-client-tools")
        self.tools.add_class("pk-screen-only")
        self.alerts_csv = W.Button(layout=W.Layout(width="auto", display="none"))
        self.alerts_xlsx = W.Button(layout=W.Layout(width="auto", display="none"))
        self.alerts_csv.add_class("pk-alerts-csv")
        self.alerts_xlsx.add_class("pk-alerts-xlsx")
        self.alerts_csv.on_click(
            g(lambda: self.t("Could not export"))(lambda _b: self.export_alerts("csv"))
        )
        self.alerts_xlsx.on_click(
            g(lambda: self.t("Could not export"))(lambda _b: self.export_alerts("xlsx"))
        )
        self.print_rows = W.HTML()
        self.print_rows.add_class("pk-print-only")

        # Filters as the user types (a book of 5,000 clients filters in a few ms).
        self.search = W.Text(continuous_update=True, style=INITIAL, layout=W.Layout(width="300px"))
        self.search.add_class("pk-client-search")
        self.rel_filter = W.Dropdown(style=INITIAL, layout=W.Layout(width="280px"))
        self.rel_filter.add_class("pk-rel-filter")
        self.market_filter = W.Dropdown(style=INITIAL, layout=W.Layout(width="280px"))
        self.market_filter.add_class("pk-market-filter")
        self.view_filter = W.Dropdown(style=INITIAL, layout=W.Layout(width="280px"))
        self.view_filter.add_class("pk-view-filter")
        self.view_filter.observe(
            g(lambda: self.t("Could not update the client table"))(self._view_changed), "value"
        )
        self.sort_by = W.Dropdown(style=INITIAL, layout=W.Layout(width="300px"))
        self.sort_by.add_class("pk-sort-by")
        self.sort_desc = W.ToggleButton(value=False, layout=W.Layout(width="130px"))
        self.sort_desc.add_class("pk-sort-desc")
        for w in (self.search, self.rel_filter, self.market_filter, self.sort_by, self.sort_desc):
            w.observe(
                g(lambda: self.t("Could not update the client table"))(self._controls_changed),
                "value",
            )

        self.prev_btn = W.Button(icon="", layout=W.Layout(width="110px"))
        self.prev_btn.add_class("pk-prev-page")
        self.next_btn = W.Button(layout=W.Layout(width="110px"))
        self.next_btn.add_class("pk-next-page")
        self.page_label = W.HTML()
        self.page_label.add_class("pk-page-label")
        self.prev_btn.on_click(
            g(lambda: self.t("Could not change the page"))(lambda _b: self._go(-1))
        )
        self.next_btn.on_click(
            g(lambda: self.t("Could not change the page"))(lambda _b: self._go(1))
        )

        self.header_row = W.HTML()
        # The visible rows are ONE HTML widget: a search, filter, sort or page change sends one
        # message. Each row carries its own Actions menu button (a real menu, drawn by the
        # dashboard's Bridge in the browser) and its CRM / Account links as data attributes.
        self.rows_html = W.HTML()
        self.rows_html.add_class("pk-client-rows")
        self.row_fragments: list[str] = []  # the visible rows' HTML, top to bottom
        self.grid = W.VBox([self.header_row, self.rows_html])
        self.grid.add_class("pk-client-grid")
        self.empty = W.HTML()

        # End services: a dialog centred in the viewport with a reason, then Undo (F1.3.4).
        self.confirm_text = W.HTML()
        self.end_error = W.HTML()
        self.end_error.add_class("pk-end-error")
        self.reason = W.Text(style=INITIAL, layout=W.Layout(width="400px"))
        self.reason.add_class("pk-end-reason")
        self.confirm_btn = W.Button(button_style="danger")
        self.confirm_btn.add_class("pk-end-confirm")
        self.cancel_btn = W.Button()
        self.cancel_btn.add_class("pk-end-cancel")
        self.confirm_box = W.VBox(
            [
                self.confirm_text,
                self.reason,
                self.end_error,
                W.HBox([self.confirm_btn, self.cancel_btn], layout=W.Layout(flex_flow="row wrap")),
            ],
            layout=W.Layout(display="none"),
        )
        for cls in ("pk-card", "pk-end-confirm-box", "pk-dialog", "pk-closable"):
            self.confirm_box.add_class(cls)
        self.confirm_btn.on_click(g(lambda: self.t("Could not end services"))(self._confirm_end))
        self.cancel_btn.on_click(g(lambda: self.t("Could not end services"))(self._cancel_end))
        self.undo_text = W.HTML()
        self.undo_btn = W.Button(button_style="warning")
        self.undo_btn.add_class("pk-undo")
        self.undo_btn.on_click(g(lambda: self.t("Could not undo ending services"))(self._undo_end))
        self.undo_box = W.HBox(
            [self.undo_text, self.undo_btn], layout=W.Layout(display="none", align_items="center")
        )
        self.undo_box.add_class("pk-undo-box")
        self.link_box = W.HTML()
        self.link_box.add_class("pk-action-links")
        self.panel.on_close = self._panel_closed
        from partnerkit.ui.dashboard.ended import EndedView

        self.ended = EndedView(self.state, self)
        # The page's layout is built once: a re-render (language, date, partner) changes texts
        # and values only, so the browser never redraws the rows' widget tree.
        self.alerts_heading = W.HTML()
        self.clients_heading = W.HTML()
        self.pager = W.HBox(
            [self.prev_btn, self.page_label, self.next_btn], layout=W.Layout(align_items="center")
        )
        self.pager.add_class("pk-pager")
        main = W.VBox(
            [
                self.alerts_heading,
                W.HBox(
                    [
                        self.alerts,
                        self.alerts_toggle,
                        self.alerts_sort,
                        self.alerts_csv,
                        self.alerts_xlsx,
                    ],
                    layout=W.Layout(align_items="center", flex_flow="row wrap"),
                ),
                self.alerts_list,
                W.HBox(
                    [self.low_alert, self.low_toggle],
                    layout=W.Layout(align_items="center", flex_flow="row wrap"),
                ),
                self.low_list,
                self.clients_heading,
                self.totals,
                W.HBox(
                    [self.view_filter, self.search, self.rel_filter, self.market_filter],
                    layout=W.Layout(flex_flow="row wrap"),
                ),
                W.HBox(
                    [self.sort_by, self.sort_desc, self.tools],
                    layout=W.Layout(flex_flow="row wrap"),
                ),
                self.id_filter.widget,
                self.confirm_box,
                self.undo_box,
                self.link_box,
                self.print_rows,
                self.grid,
                self.ended.widget,
                self.empty,
                self.pager,
            ],
            layout=W.Layout(flex="1 1 auto", min_width="0"),
        )
        main.add_class("pk-clients-main")
        self.body = W.HBox([main, self.panel.widget], layout=W.Layout(width="100%"))
        self.body.add_class("pk-clients-body")

    # -- rendering -----------------------------------------------------------------------------
    def render(self) -> None:
        t = self.t
        self._relabel()
        self._render_alerts()
        self._render_low_engagement()
        self._render_totals()
        self._apply()
        self.alerts_heading.value = f"<h3>{esc(t('Alerts'))}</h3>"
        self.clients_heading.value = f"<h3>{esc(t('Clients'))}</h3>"
        self.set_children(self.widget, [self.as_of_line(), self.body])
        if self.panel.client_id:
            self.panel.render()

    def _id_filter_changed(self) -> None:
        self.page_no = 0
        self._apply()

    def _relabel(self) -> None:
        """Set every label in the current language (and keep the user's choices)."""
        self.id_filter.relabel()
        self._quiet = True
        try:
            self._relabel_all()
        finally:
            self._quiet = False

    def _relabel_all(self) -> None:
        t = self.t
        with self.search.hold_sync():  # one message per widget
            self.search.description = t("Search")
            self.search.placeholder = t("Client name or domain")
        self._set_options(
            self.rel_filter,
            [(t("All relationships"), "")] + [(L.relationship(t, r), r) for r in RELATIONSHIPS],
            self.relationship,
            t("Relationship"),
        )
        self._set_options(
            self.market_filter,
            [(t("All markets"), "")] + [(L.market(t, m), m) for m in MARKETS],
            self.market,
            t("Market"),
        )
        self._set_options(
            self.sort_by, [(L.sort_key(t, k), k) for k in SORT_KEYS], self.sort_key, t("Sort by")
        )
        self.sort_desc.description = t("Descending")
        self.csv_btn.description = "⤓ CSV"
        self.xlsx_btn.description = "⤓ XLSX"
        self.csv_btn.tooltip = self.xlsx_btn.tooltip = t("Download this view (every page)")
        self.print_btn.description = t("Print")
        self.print_btn.tooltip = t("Print every row of this view")
        self.alerts_csv.description = "⤓ CSV"
        self.alerts_xlsx.description = "⤓ XLSX"
        self.prev_btn.description = "◀ " + t("Previous")
        self.next_btn.description = t("Next") + " ▶"
        self._set_options(
            self.view_filter,
            [(t("Active clients"), "active"), (t("Ended services"), "ended")],
            self.ended.view,
            t("Show"),
        )
        bridge = getattr(self.state, "bridge", None)
        if bridge is not None:  # the menu's labels, in the current language
            bridge.labels = {
                "details": t("Client details"),
                "crm": t("Company in CRM"),
                "account": t("Access client account"),
                "end": t("End services"),
            }
        self._relabel_end_forms()
        self.alerts_toggle.description = (
            t("Hide list") if self.alerts_toggle.value else t("Show list")
        )
        self._set_options(
            self.alerts_sort,
            [
                (t("Most urgent first"), "urgency"),
                (t("Decision deadline"), "deadline"),
                (t("Renewal date"), "renewal"),
                (t("Client"), "client"),
                (t("Status"), "status"),
            ],
            self.alerts_sort.value or "urgency",
            t("Sort by"),
        )
        p = self.state.partner
        hdr = [
            t("Client"),
            t("Relationship"),
            t("Market"),
            t("Products"),
            t("Usage"),
            t("MRR ({currency})").format(currency=p.currency),
            t("MRR (client currency)"),
            t("Links"),
            t("Actions"),
        ]
        numeric = {5, 6}
        cells = "".join(
            f'<div class="pk-col-{i} {"num" if i in numeric else ""}" title="{esc(h)}">'
            f"{esc(h)}</div>"
            for i, h in enumerate(hdr)
        )
        self.header_row.value = (
            f'<div class="pk-row pk-head" role="row" style="--pk-cols:{ROW_COLUMNS}">{cells}</div>'
        )
        self.panel.relabel()

    def _relabel_end_forms(self) -> None:
        """The End services confirmation's and the Undo bar's labels, set while shown (and when
        shown): a language switch sends them nothing while they are hidden."""
        t = self.t
        if self.confirm_box.layout.display != "none":
            with self.reason.hold_sync():
                self.reason.description = t("Reason")
                self.reason.placeholder = t("Why are services ending?")
            self.confirm_btn.description = t("End services")
            self.cancel_btn.description = t("Cancel")
            self.end_error.value = ""
        if self.undo_box.layout.display != "none":
            self.undo_btn.description = t("Undo")

    @staticmethod
    def _set_options(
        d: W.Dropdown, options: list[tuple[str, str]], value: str, description: str | None = None
    ) -> None:
        with d.hold_sync():  # labels, index and description in one message
            d.options = options
            d.value = value if value in [v for _, v in options] else options[0][1]
            if description is not None:
                d.description = description

    def _render_alerts(self) -> None:
        """F1.1: the count of upcoming renewal decisions and the list behind it."""
        t = self.t
        due = self.state.renewals_due()
        n = len(due)
        text = t.n(
            "{n} upcoming renewal decision in the next {days} days",
            "{n} upcoming renewal decisions in the next {days} days",
            n,
        ).format(n="\x00", days=self.state.renewal_days)
        cls = "pk-alert" if n else "pk-ok"
        # The count once, in bold inside the sentence (was "34 · 34 upcoming ...").
        count = f'<b class="pk-alert-count">{esc(t.decimal(n, 0))}</b>'
        self.alerts.value = f'<div class="{cls}">{esc(text).replace(chr(0), count)}</div>'
        self.alerts_toggle.layout.display = "" if n else "none"
        # The list (one row per decision: thousands on a large book) is built only while it is
        # open; closed, it costs the browser nothing.
        self.alerts_list.value = self._alerts_list_html() if self.alerts_toggle.value else ""

    def _alerts_list_html(self) -> str:
        t = self.t
        due = self.state.renewals_due()
        if due.empty:
            return '<p class="pk-empty">{}</p>'.format(
                esc(
                    t("No renewal decisions in the next {days} days").format(
                        days=self.state.renewal_days
                    )
                )
            )
        return A.renewal_rows_html(t, due, self.state.as_of, self.alerts_sort.value or "urgency")

    def _render_low_engagement(self) -> None:
        """The second alert: clients in the Low engagement band (the list only while open)."""
        t = self.t
        low = A.low_engagement(self.state.client_table(), self.state.engagement_band)
        n = len(low)
        text = t.n(
            "{n} client with low platform engagement (Low band)",
            "{n} clients with low platform engagement (Low band)",
            n,
        ).format(n="\x00")
        count = f'<b class="pk-low-count">{esc(t.decimal(n, 0))}</b>'
        cls = "pk-alert" if n else "pk-ok"
        self.low_alert.value = f'<div class="{cls}">{esc(text).replace(chr(0), count)}</div>'
        self.low_toggle.layout.display = "" if n else "none"
        self.low_toggle.description = t("Hide list") if self.low_toggle.value else t("Show list")
        self.low_list.value = (
            A.low_engagement_html(t, low) if self.low_toggle.value and n else ""
        )
        self.low_list.layout.display = "" if self.low_toggle.value and n else "none"

    # -- export and print (issue 11) ------------------------------------------------------------
    def export(self, fmt: str) -> int:
        """Download the current view (search, filters, sort; every page) as CSV or XLSX."""
        from partnerkit.ui.dashboard.export import client_view_frame, send_download

        return send_download(
            self.state.bridge, client_view_frame(self.filtered), self._file_stem("clients"), fmt
        )

    def export_alerts(self, fmt: str) -> int:
        from partnerkit.ui.dashboard.export import alerts_frame, send_download

        frame = alerts_frame(
            A.prioritised(self.state.renewals_due(), self.state.as_of, self.alerts_sort.value)
        )
        return send_download(self.state.bridge, frame, self._file_stem("renewal-alerts"), fmt)

    def _file_stem(self, what: str) -> str:
        return f"{self.state.partner_id}-{what}-{self.state.as_of.isoformat()}"

    def print_all(self) -> None:
        """Every row of the current view in a print-only table, then the browser's print."""
        t = self.t
        pcur = self.state.partner.currency
        heads = [
            t("Client"), t("Relationship"), t("Market"), t("Products"), t("Usage"),
            t("MRR ({currency})").format(currency=pcur), t("MRR (client currency)"),
        ]
        rows = []
        for r in self.filtered.to_dict("records"):
            mrr_p, mrr_c = r.get("mrr_partner_currency"), r.get("mrr")
            cells = [
                _text(r.get("name")), L.relationship(t, _text(r.get("relationship"))),
                L.market(t, _text(r.get("market"))), _text(r.get("products")),
                t.n("{n} tool", "{n} tools", int(r.get("tools_used") or 0)).format(
                    n=t.decimal(int(r.get("tools_used") or 0), 0)
                ),
                t.money(mrr_p, pcur) if _text(mrr_p) else "",
                t.money(mrr_c, r.get("currency")) if _text(mrr_c) else "",
            ]
            rows.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        head = "".join(f"<th>{esc(h)}</th>" for h in heads)
        title = esc(t("Clients") + " · " + self.state.partner.name)
        self.print_rows.value = (
            f"<h3>{title}</h3>"
            f'<table class="pk-table pk-print-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        self.body.add_class("pk-printing")
        self.state.bridge.print_page()

    def _alerts_sorted(self, change: dict[str, Any]) -> None:
        if self._quiet or not self.alerts_toggle.value:
            return
        self.alerts_list.value = self._alerts_list_html()

    def _render_totals(self) -> None:
        """Book totals: clients by relationship and market, total MRR, average engagement."""
        t = self.t
        df = self.state.client_table()
        pcur = self.state.partner.currency
        items = [(t("Clients"), t.decimal(len(df), 0))]
        for r in RELATIONSHIPS:
            items.append((L.relationship(t, r), t.decimal(int((df["relationship"] == r).sum()), 0)))
        for m in MARKETS:
            items.append((L.market(t, m), t.decimal(int((df["market"] == m).sum()), 0)))
        mrr = sum((v for v in df["mrr_partner_currency"] if _text(v)), start=0)
        items.append((t("Total MRR ({currency})").format(currency=pcur), t.money(mrr, pcur)))
        scores = pd.to_numeric(df["engagement_score"], errors="coerce").dropna()
        avg = t.decimal(float(scores.mean()), 1) if len(scores) else "—"
        items.append((t("Average engagement score"), avg))
        self.totals.value = '<div class="pk-book-totals">{}</div>'.format(
            "".join(
                f'<div class="pk-total">{esc(label)}<b>{esc(value)}</b></div>'
                for label, value in items
            )
        )

    def _toggle_alerts(self, change: dict[str, Any]) -> None:
        show = bool(change["new"])
        self.alerts_list.value = self._alerts_list_html() if show else ""
        self.alerts_list.layout.display = "" if show else "none"
        self.alerts_sort.layout.display = "" if show else "none"
        self.alerts_csv.layout.display = "" if show else "none"
        self.alerts_xlsx.layout.display = "" if show else "none"
        self.alerts_toggle.description = self.t("Hide list") if show else self.t("Show list")

    # -- filtering, sorting, paging ------------------------------------------------------------
    def _controls_changed(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self.search_text = self.search.value or ""
        self.relationship = self.rel_filter.value or ""
        self.market = self.market_filter.value or ""
        if (
            self.sort_by.value
            and self.sort_by.value != self.sort_key
            and change["owner"] is self.sort_by
        ):
            self.sort_key = self.sort_by.value
            self.descending = SORT_KEYS[self.sort_key][1]
            self._quiet = True
            try:
                self.sort_desc.value = self.descending
            finally:
                self._quiet = False
        else:
            self.sort_key = self.sort_by.value or self.sort_key
            self.descending = bool(self.sort_desc.value)
        self.page_no = 0
        self._apply()

    def filtered_clients(self) -> pd.DataFrame:
        """The client table after search, filters and sort (what the pages walk through)."""
        df = self.id_filter.apply(self.state.client_table())
        if self.search_text.strip():
            q = self.search_text.strip()
            mask = df["name"].astype(str).str.contains(q, case=False, regex=False)
            if "domain" in df:
                mask |= df["domain"].fillna("").astype(str).str.contains(q, case=False, regex=False)
            df = df[mask]
        if self.relationship:
            df = df[df["relationship"] == self.relationship]
        if self.market:
            df = df[df["market"] == self.market]
        col, _ = SORT_KEYS[self.sort_key]
        if col in df:
            numeric = col in NUMERIC_SORT
            df = df.sort_values(
                col,
                ascending=not self.descending,
                key=_numeric_key if numeric else _text_key,
                kind="stable",
                na_position="last",
            )
        return df

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.filtered) / PAGE_SIZE))

    def _go(self, step: int) -> None:
        self.page_no = min(max(0, self.page_no + step), self.page_count - 1)
        self._show_page()

    def _apply(self) -> None:
        self.filtered = self.filtered_clients()
        if self.print_rows.value:  # a new view: the print list is made again when asked
            self.print_rows.value = ""
            self.body.remove_class("pk-printing")
        self.page_no = min(self.page_no, self.page_count - 1)
        self._show_page()

    def _show_page(self) -> None:
        t = self.t
        start = self.page_no * PAGE_SIZE
        rows = self.filtered.iloc[start : start + PAGE_SIZE]
        self.visible_rows = rows
        pcur = self.state.partner.currency
        records = rows.to_dict("records")
        self.row_fragments = [self._row_html(r, pcur) for r in records]
        self.rows_html.value = "".join(self.row_fragments)
        total = len(self.filtered)
        self.empty.value = (
            ""
            if total
            else f'<div class="pk-empty">{esc(t("No clients match the search and filters."))}</div>'
        )
        clients = t.n("{n} client", "{n} clients", total).format(n=t.decimal(total, 0))
        self.page_label.value = '<span class="pk-page-text">{}</span>'.format(
            esc(
                t("Page {page} of {pages}").format(
                    page=t.decimal(self.page_no + 1, 0), pages=t.decimal(self.page_count, 0)
                )
                + " · "
                + clients
            )
        )
        self.prev_btn.disabled = self.page_no == 0
        self.next_btn.disabled = self.page_no >= self.page_count - 1
        self.state.view_changed()

    def links_for(self, r: dict[str, Any]) -> tuple[str | None, str, str | None, str]:
        """(CRM URL or None, why not; Account URL or None, why not) for a client row.

        F1.3.2: the company record lives in the PARTNER's CRM, so its URL needs the partner's own
        portal id; F1.3.3: the client's account is opened with the client's Hub ID."""
        t = self.t
        partner_portal = getattr(self.state.partner, "hubspot_portal_id", "")
        crm = crm_company_url(partner_portal, r.get("crm_record_id"))
        acc = client_account_url(r.get("portal_id"))
        crm_why = ""
        if not crm:
            crm_why = (
                t(
                    "No link: your own HubSpot portal id is not stored "
                    "(partnerkit add-partner --portal-id)."
                )
                if not _text(partner_portal).strip()
                else t("No link: this client has no CRM record id stored.")
            )
        acc_why = "" if acc else t("No link: this client has no HubSpot portal id stored.")
        return crm, crm_why, acc, acc_why

    def _row_html(self, r: dict[str, Any], pcur: str) -> str:
        t = self.t
        score = r.get("engagement_score")
        band = self.state.engagement_band(score)
        usage = t.n("{n} tool", "{n} tools", int(r.get("tools_used") or 0)).format(
            n=t.decimal(int(r.get("tools_used") or 0), 0)
        )
        # Two pills, each on one line; the cell may put the score under the tools.
        usage_html = f'<span class="pk-badge">{esc(usage)}</span>'
        if band:
            usage_html += (
                f' <span class="pk-badge pk-band-{band.lower()}">'
                f"{esc(t('score {score}').format(score=t.decimal(score, 0)))}</span>"
            )
        mrr_p = r.get("mrr_partner_currency")
        mrr_c = r.get("mrr")
        crm, crm_why, acc, acc_why = self.links_for(r)
        # Row links stay out of the Tab order (the Actions menu offers both): Tab goes from one
        # row's Actions button to the next.
        links = [
            link(crm, t("CRM") + " ↗", cls="pk-link pk-crm-link", title=t("Company in CRM"))
            .replace("<a ", '<a tabindex="-1" ', 1)
            if crm
            else f'<span class="pk-link-absent pk-crm-absent" title="{esc(crm_why)}">'
            f"{esc(t('CRM'))}</span>",
            link(
                acc,
                t("Account") + " ↗",
                cls="pk-link pk-account-link",
                title=t("Access client account"),
            ).replace("<a ", '<a tabindex="-1" ', 1)
            if acc
            else f'<span class="pk-link-absent pk-account-absent" title="{esc(acc_why)}">'
            f"{esc(t('Account'))}</span>",
        ]
        name = _text(r.get("name"))
        mrr_p_label = esc(t("MRR ({currency})").format(currency=pcur))
        mrr_c_label = esc(t("MRR (client currency)"))
        cells = [
            f'<div class="pk-col-0 pk-client-name" title="{esc(name)}"><b>{esc(name)}</b>'
            f'<br><span class="pk-muted">{esc(_text(r.get("domain")))}</span></div>',
            f'<div class="pk-col-1">{esc(L.relationship(t, _text(r.get("relationship"))))}</div>',
            f'<div class="pk-col-2">{esc(L.market(t, _text(r.get("market"))))}'
            f'<br><span class="pk-muted">{esc(_text(r.get("country")))}</span></div>',
            f'<div class="pk-col-3 pk-products" title="{esc(_text(r.get("products")))}">{esc(_text(r.get("products")))}</div>',  # noqa: E501
            f'<div class="pk-col-4 pk-usage">{usage_html}</div>',
            f'<div class="pk-col-5 num pk-mrr-partner" data-label="{mrr_p_label}">'
            f'{esc(t.money(mrr_p, pcur) if _text(mrr_p) else "")}</div>',
            f'<div class="pk-col-6 num pk-mrr-client" data-label="{mrr_c_label}">'
            f'{esc(t.money(mrr_c, r.get("currency")) if _text(mrr_c) else "")}</div>',
            f'<div class="pk-col-7 pk-row-links">{" ".join(links)}</div>',
            f'<div class="pk-col-8 pk-actions-cell"><button type="button" class="pk-actions-btn" '
            f'aria-haspopup="menu" aria-expanded="false" '
            f'aria-label="{esc(t("Actions") + " — " + name)}">{esc(t("Actions"))} ▾</button></div>',
        ]
        data = (
            f' data-client="{attr(r.get("client_id"))}"'
            f' data-crm="{attr(crm or "")}" data-crm-why="{attr(crm_why)}"'
            f' data-account="{attr(acc or "")}" data-account-why="{attr(acc_why)}"'
        )
        return (
            f'<div class="pk-row pk-client-row" role="row"{data} style="--pk-cols:{ROW_COLUMNS}">'
            f"{''.join(cells)}</div>"
        )

    # -- actions -------------------------------------------------------------------------------
    def row_selector(self, client_id: str) -> str:
        from partnerkit.ui.dashboard.bridge import attribute_selector

        return f".pk-client-row{attribute_selector('data-client', client_id)} .pk-actions-btn"

    def _focus(self, selector: str) -> None:
        bridge = getattr(self.state, "bridge", None)
        if bridge is not None:
            bridge.move_focus(selector)

    def close_top(self) -> bool:
        """Esc or a click elsewhere: close the End services dialog, else the client panel."""
        if self.confirm_box.layout.display != "none":
            self._cancel_end()
            return True
        if self.panel.client_id is not None:
            self.panel.close()
            return True
        return False

    def _client(self, client_id: str) -> dict[str, Any]:
        df = self.state.client_table()
        hit = df[df["client_id"].astype(str) == str(client_id)]
        if hit.empty:
            raise LookupError(
                self.t("Client {id} is not in the list any more").format(id=client_id)
            )
        return hit.iloc[0].to_dict()

    def do_action(self, client_id: str, action: str) -> None:
        """Run a row action (what the Actions menu does; also used by tests)."""
        t = self.t
        r = self._client(client_id)
        name = _text(r.get("name"))
        self.state.messages.clear()
        if action == "details":
            self.link_box.value = ""
            self.panel.open(client_id, name)
            self.body.add_class("pk-panel-open")
            self._focus(".pk-client-panel .pk-panel-close")
            self.state.view_changed()
        elif action in ("crm", "account"):
            crm, crm_why, acc, acc_why = self.links_for(r)
            url, why = (crm, crm_why) if action == "crm" else (acc, acc_why)
            label = t("Company in CRM") if action == "crm" else t("Access client account")
            if not url:
                self.state.messages.error(f"{name}: {why}")
                self.link_box.value = ""
                return
            self.link_box.value = (
                f'<div class="pk-msg-info">{esc(label)} — {esc(name)}: '
                f"{link(url, t('Open in HubSpot') + ' ↗', cls='pk-link pk-open-link')}</div>"
            )
        elif action == "end":
            self.link_box.value = ""
            self._pending_end = (client_id, name)
            self.confirm_text.value = "<b>{}</b><br><span class='pk-muted'>{}</span>".format(
                esc(t("End services for {client}?").format(client=name)),
                esc(
                    t(
                        "The client leaves the client list and earns no new managed points. "
                        "Its history and past points stay, and you can undo this."
                    )
                ),
            )
            self.reason.value = ""
            self.end_error.value = ""
            self.confirm_box.layout.display = ""
            self._relabel_end_forms()
            self._focus(".pk-end-confirm-box .pk-end-reason input")
        else:
            raise ValueError(f"unknown action {action!r}")

    def _confirm_end(self, _b: Any = None) -> None:
        t = self.t
        if not self._pending_end:
            return
        reason = (self.reason.value or "").strip()
        if not reason:
            # Shown in the dialog, next to the field; cleared when the dialog closes.
            self.end_error.value = '<div class="pk-msg-error" role="alert">{}</div>'.format(
                esc(t("Enter a reason before ending services (it is kept in the audit log)."))
            )
            self._focus(".pk-end-confirm-box .pk-end-reason input")
            return
        cid, name = self._pending_end
        self.state.store.end_services(self.state.partner_id, cid, reason, self.state.user)
        self._pending_end = None
        self.confirm_box.layout.display = "none"
        self.end_error.value = ""
        self.last_ended = (cid, name)
        if self.panel.client_id == cid:
            self.panel.close()
        self.undo_text.value = '<div class="pk-msg-info">{}</div>'.format(
            esc(one_stop(t("Services ended for {client}.").format(client=name)))
        )
        self.undo_box.layout.display = ""
        self._relabel_end_forms()
        self.state.clients_changed()  # re-renders this page
        if cid in set(self.state.client_table()["client_id"].astype(str)):
            # Services end today; a book shown as of an earlier day still has the client.
            self.state.messages.info(
                one_stop(
                    t("Services end today; the book as of {date} still shows {client}.").format(
                        date=t.date(self.state.as_of), client=name
                    )
                )
            )

    def _cancel_end(self, _b: Any = None) -> None:
        pending = self._pending_end
        self._pending_end = None
        self.confirm_box.layout.display = "none"
        self.end_error.value = ""
        if pending:  # focus goes back to the row's Actions button
            self._focus(self.row_selector(pending[0]))

    def _undo_end(self, _b: Any = None) -> None:
        if not self.last_ended:
            return
        cid, name = self.last_ended
        self.state.store.undo_end_services(self.state.partner_id, cid, self.state.user)
        self.last_ended = None
        self.undo_box.layout.display = "none"
        self.state.messages.info(self.t("{client} is back in the client list.").format(client=name))
        self.state.clients_changed()

    def _panel_closed(self) -> None:
        self.body.remove_class("pk-panel-open")
        closed = self.panel.last_client
        if closed:
            self._focus(self.row_selector(closed))
        self.state.view_changed()

    def _view_changed(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self.show_view(str(change["new"] or "active"))

    def show_view(self, view: str) -> None:
        """"active" (the client table) or "ended" (F1.4: ended clients, restorable)."""
        view = view if view in VIEWS else "active"
        self.ended.view = view
        ended = view == "ended"
        self.grid.layout.display = "none" if ended else ""
        self.pager.layout.display = "none" if ended else ""
        self.empty.layout.display = "none" if ended else ""
        self.ended.widget.layout.display = "" if ended else "none"
        if self.view_filter.value != view:
            self._quiet = True
            try:
                self.view_filter.value = view
            finally:
                self._quiet = False
        if ended:
            self.ended.render()
        self.state.view_changed()

    def _changed(self, what: str) -> None:
        if what in ("partner",):
            self.id_filter.ids = self.id_filter.origin = None  # another book's clients
            self.id_filter.widget.layout.display = "none"
            self.page_no = 0
            self.panel.close()
            self.undo_box.layout.display = "none"
            self.confirm_box.layout.display = "none"
            self.last_ended = None
            self.link_box.value = ""
        super()._changed(what)

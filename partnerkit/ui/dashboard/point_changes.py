"""The Tier page's "Tier point changes" tab (tab id `changes`; HubSpot's 2025 view; issue 12).

A date range (default: last month), the totals of new and lost sold and managed points, the
per-client table with a drill-down into one client's events, and an export to CSV or XLSX with the
same formula neutralisation as `partnerkit export`. Figures come from `partnerkit.changes`.
"""

from __future__ import annotations

import base64
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from partnerkit.changes import TOTALS, PointChanges, changes_between, last_month
from partnerkit.ui.dashboard.changes_clients import ClientsBehind
from partnerkit.ui.dashboard.html import esc, table

TAB_ID = "changes"
MAX_DAYS = 366 * 5  # a range is bounded (five years) so one click cannot scan a decade twice

STYLE = """<style>
.pk-change-totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0; }
.pk-change-total { border: 1px solid #cbd6e2; border-radius: 6px; padding: 6px 12px;
                   min-width: 120px; background: #fff; }
.pk-change-total b { display: block; font-size: 20px; }
.pk-change-new b { color: #00806e; } .pk-change-lost b { color: #b3262e; }
</style>"""


def total_labels(t: Any) -> dict[str, str]:
    return {"new_sold": t("New sold points"), "lost_sold": t("Lost sold points"),
            "new_managed": t("New managed points"), "lost_managed": t("Lost managed points"),
            "net": t("Net change")}


def signed(t: Any, value: Any) -> str:
    return ("+" if value > 0 else "") + t.points(value)


class PointChangesView:
    """The tab's widgets; `render()` recomputes for the state's partner, date and language."""

    def __init__(self, state: Any) -> None:
        self.state = state
        g = state.messages.guard
        self.first = W.DatePicker(layout=W.Layout(width="auto"))
        self.last = W.DatePicker(layout=W.Layout(width="auto"))
        self.first.add_class("pk-changes-from")
        self.last.add_class("pk-changes-to")
        for picker in (self.first, self.last):
            picker.observe(g(lambda: self.t("Could not change the dates"))(self._range_changed),
                           "value")
        self.heading = W.HTML()
        self.totals_html = W.HTML()
        self.totals_html.add_class("pk-change-totals-box")
        self.table_html = W.HTML()
        self.table_html.add_class("pk-changes-table")
        self.client = W.Dropdown(layout=W.Layout(width="320px"))
        self.client.add_class("pk-changes-client")
        self.client.observe(g(lambda: self.t("Could not show the client"))(self._client_changed),
                            "value")
        self.detail_html = W.HTML()
        self.detail_html.add_class("pk-changes-detail")
        self.export_csv = W.Button(icon="download")
        self.export_xlsx = W.Button(icon="download")
        self.export_csv.add_class("pk-changes-export-csv")
        self.export_xlsx.add_class("pk-changes-export-xlsx")
        self.export_csv.on_click(g(lambda: self.t("Could not export"))(lambda _b: self._export(
            "csv")))
        self.export_xlsx.on_click(g(lambda: self.t("Could not export"))(lambda _b: self._export(
            "xlsx")))
        self.download = W.HTML()
        self.download.add_class("pk-changes-download")
        self.behind = ClientsBehind(state)  # issue 18: click a total for the clients behind it
        self.widget = W.VBox([
            self.heading, W.HBox([self.first, self.last], layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self.behind.widget, self.totals_html],
                   layout=W.Layout(flex_flow="row wrap", align_items="flex-start")),
            self.table_html, self.client, self.detail_html,
            W.HBox([self.export_csv, self.export_xlsx, self.download],
                   layout=W.Layout(flex_flow="row wrap", align_items="center")),
        ])
        self.widget.add_class("pk-point-changes")
        self._quiet = False
        self._key: tuple[Any, ...] | None = None
        self.changes: PointChanges | None = None

    @property
    def t(self) -> Any:
        return self.state.t

    # -- what the view shows -------------------------------------------------------------------
    def render(self) -> None:
        t, st = self.t, self.state
        key = (st.partner_id, st.as_of)
        if key != self._key:  # a new partner or date: back to the default range (last month)
            self._key = key
            first, last = last_month(st.as_of)
            self._quiet = True
            try:
                self.first.value, self.last.value = first, last
            finally:
                self._quiet = False
        self.first.description = t("From")
        self.last.description = t("To")
        self.export_csv.description = t("Export CSV")
        self.export_xlsx.description = t("Export XLSX")
        self.download.value = ""
        self._show()

    def _range_changed(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self.download.value = ""
            self._show()

    def _range(self) -> tuple[dt.date, dt.date]:
        t = self.t
        first, last = self.first.value, self.last.value
        if not isinstance(first, dt.date) or not isinstance(last, dt.date):
            raise ValueError(t("Pick both dates of the range."))
        if last < first:
            raise ValueError(t("The end date is before the start date."))
        if (last - first).days > MAX_DAYS:
            raise ValueError(t("Pick a range of at most five years."))
        return first, last

    def _show(self) -> None:
        t, st = self.t, self.state
        try:
            first, last = self._range()
        except ValueError as e:
            self.changes = None
            self.totals_html.value = f'<div class="pk-alert">{esc(str(e))}</div>'
            self.behind.clear()
            self.table_html.value = self.detail_html.value = ""
            self.client.options = []
            return
        self.changes = changes_between(st.valuation(), first, last)
        self.heading.value = "<h3>{}</h3><p class=\"pk-muted\">{}</p>".format(
            esc(t("Tier point changes")),
            esc(t("New and lost sold and managed points from {first} to {last}, per client.")
                .format(first=t.date(first), last=t.date(last))))
        self.totals_html.value = self._totals_html(self.changes)
        self.behind.update(self.changes)
        self.table_html.value = self._table_html(self.changes.clients)
        clients = self.changes.clients
        self._quiet = True
        try:
            self.client.options = [(t("Show a client's changes…"), "")] + [
                (f"{r.client_name or r.client_id}", r.client_id)
                for r in clients.itertuples(index=False)]
            self.client.value = ""
        finally:
            self._quiet = False
        self.detail_html.value = ""

    def _totals_html(self, ch: PointChanges) -> str:
        t = self.t
        labels = total_labels(t)
        boxes = []
        for key in TOTALS:
            cls = "pk-change-new" if key.startswith("new") else (
                "pk-change-lost" if key.startswith("lost") else "pk-change-net")
            value = ch.total(key)
            shown = signed(t, value) if key == "net" else t.points(value)
            boxes.append(f'<div class="pk-change-total {cls}" data-total="{key}" '
                         f'data-value="{value}">{esc(labels[key])}<b>{esc(shown)}</b></div>')
        return f'{STYLE}<div class="pk-change-totals">{"".join(boxes)}</div>'

    def _table_html(self, frame: pd.DataFrame) -> str:
        t = self.t
        labels = total_labels(t)
        rows = [[r.client_name or r.client_id, *(t.points(getattr(r, k)) for k in TOTALS[:4]),
                 signed(t, r.net)] for r in frame.itertuples(index=False)]
        return table([t("Client"), *(labels[k] for k in TOTALS)], rows,
                     numeric=[False, True, True, True, True, True],
                     cls="pk-table pk-changes", empty=t("No points changed in this range."))

    # -- drill-down ----------------------------------------------------------------------------
    def _client_changed(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        cid = change["new"]
        self.detail_html.value = self.client_detail_html(cid) if cid else ""

    def client_detail_html(self, client_id: str) -> str:
        """One client's events behind its changes: sales closed and sold points expiring in the
        range, and its managed months."""
        t, st = self.t, self.state
        first, last = self._range()
        from partnerkit.standing import compute_standing

        events = compute_standing(st.valuation(), last).client_events(client_id)
        in_range = events["date"].map(lambda d: first <= d <= last)
        expiring = events["expires_on"].map(lambda d: d is not None and first <= d <= last)
        picked = events[in_range | expiring]
        rows = []
        for r in picked.itertuples(index=False):
            if r.kind == "managed":
                what = t("Managed month")
            elif r.expires_on is not None and first <= r.expires_on <= last:
                what = t("Sold points expired")
            else:
                what = t("Sale closed")
            rows.append([t.date(r.date), what, r.product_line or "", t.points(r.points),
                         t.date(r.expires_on) if r.expires_on else ""])
        return table([t("Date"), t("Change"), t("Product"), t("Points"), t("Expires on")], rows,
                     numeric=[False, False, False, True, False], cls="pk-table pk-change-events",
                     empty=t("No events of this client in the range."))

    # -- export --------------------------------------------------------------------------------
    def export_frame(self) -> pd.DataFrame:
        if self.changes is None:
            raise ValueError(self.t("Pick a valid date range first."))
        frame = self.changes.clients.copy()
        frame.insert(0, "to", self.changes.last)
        frame.insert(0, "from", self.changes.first)
        return frame

    def export_bytes(self, fmt: str) -> bytes:
        """The table as `partnerkit export` writes files (formula-looking text neutralised)."""
        from partnerkit.store.exporter import write_frame

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"point-changes.{fmt}"
            write_frame(self.export_frame(), path, fmt)
            return path.read_bytes()

    def _export(self, fmt: str) -> None:
        st = self.state
        data = self.export_bytes(fmt)
        assert self.changes is not None
        name = f"point-changes-{st.partner_id}-{self.changes.first}-{self.changes.last}.{fmt}"
        mime = ("text/csv" if fmt == "csv" else
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        self.download.value = (f'<a class="pk-link pk-download" download="{esc(name)}" '
                               f'href="{href}">{esc(self.t("Download {name}").format(name=name))}'
                               "</a>")

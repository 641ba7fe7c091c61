"""Tier point changes -> clients (issue 18), as in HubSpot's 2025 dashboard: click a total (new
sold, lost sold, new managed, lost managed points) in the Tier point changes tab to list the
clients behind it, export them as CSV or XLSX (neutralised like `partnerkit export`), or open them
in the client table as a filter (a chip there says so and clears it).

The totals are one ToggleButtons (each button shows its total; keyboard-reachable); the clients
come from `partnerkit.changes.PointChanges.clients_behind` - the same figures as the tab's table.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from partnerkit.ui.dashboard.html import esc, table

BEHIND = ("new_sold", "lost_sold", "new_managed", "lost_managed")
# The four totals are these buttons; the tab's own total boxes stay in the page for machines
# (data-total) but only its net change shows.
STYLE = """<style>
.pk-point-changes .pk-change-total:not(.pk-change-net) { display: none; }
.pk-behind-totals .widget-toggle-buttons { display: flex; flex-wrap: wrap; gap: 8px; }
.pk-behind-totals .jupyter-button { height: auto; min-height: 52px; width: auto; min-width: 150px;
  white-space: pre-line; line-height: 1.3; text-align: left; padding: 6px 12px; margin: 0;
  border: 1px solid #cbd6e2; border-radius: 6px; background: #fff; box-shadow: none; }
.pk-behind-totals .jupyter-button.mod-active { border-color: #0091ae; background: #e5f5f8;
  box-shadow: inset 0 0 0 1px #0091ae; }
.pk-behind-totals .jupyter-button:focus-visible { outline: 2px solid #0091ae; outline-offset: 2px; }
.pk-behind-list { border: 1px solid #cbd6e2; border-radius: 6px; padding: 6px 12px; margin: 6px 0;
                  background: #fff; max-width: 100%; box-sizing: border-box; }
.pk-behind-list h4 { overflow-wrap: anywhere; margin: 4px 0; }
.pk-behind-table th { white-space: normal !important; }
.pk-behind-scroll { max-width: 100%; overflow-x: auto; }
@media (max-width: 600px) {  /* a phone: the name and the points; the id is in the export */
  .pk-behind-table th:nth-child(2), .pk-behind-table td:nth-child(2) { display: none; }
  .pk-behind-totals .jupyter-button { min-width: 0; width: 100%; }
}
</style>"""


def total_label(t: Any, key: str) -> str:
    return {"new_sold": t("New sold points"), "lost_sold": t("Lost sold points"),
            "new_managed": t("New managed points"),
            "lost_managed": t("Lost managed points")}.get(key, key)


class ClientsBehind:
    """The clickable totals of a `PointChanges` and the client list behind the picked one."""

    def __init__(self, state: Any) -> None:
        self.state = state
        g = state.messages.guard
        self.changes: Any = None
        self.style = W.HTML(STYLE)
        self.totals = W.ToggleButtons(options=[], index=None, style={"button_width": "auto"})
        self.totals.add_class("pk-behind-totals")
        self.totals.add_class("pk-opens-panel")  # a click here is not "elsewhere" (issue 11)
        self.totals.observe(g(lambda: self.t("Could not list the clients"))(self._picked),
                            "index")
        self.list_html = W.HTML()
        self.list_html.add_class("pk-behind-clients")
        self.export_csv = W.Button(icon="download")
        self.export_xlsx = W.Button(icon="download")
        self.open_table = W.Button(icon="filter")
        self.close = W.Button(icon="times")
        for b, cls in ((self.export_csv, "pk-behind-csv"), (self.export_xlsx, "pk-behind-xlsx"),
                       (self.open_table, "pk-behind-open"), (self.close, "pk-behind-close")):
            b.add_class(cls)
            b.layout.width = "auto"
        self.export_csv.on_click(g(lambda: self.t("Could not export"))(
            lambda _b: self.export("csv")))
        self.export_xlsx.on_click(g(lambda: self.t("Could not export"))(
            lambda _b: self.export("xlsx")))
        self.open_table.on_click(g(lambda: self.t("Could not open the client table"))(
            lambda _b: self.open_in_table()))
        self.close.on_click(g(lambda: self.t("Could not close the list"))(lambda _b: self.hide()))
        self.download = W.HTML()
        self.download.add_class("pk-behind-download")
        self.panel = W.VBox([self.list_html, W.HBox(
            [self.export_csv, self.export_xlsx, self.open_table, self.close, self.download],
            layout=W.Layout(flex_flow="row wrap", align_items="center"))],
            layout=W.Layout(display="none"))
        self.panel.add_class("pk-behind-list")
        self.panel.add_class("pk-closable")  # Esc and a click elsewhere close it (the bridge)
        self.widget = W.VBox([self.style, self.totals, self.panel])
        self.widget.add_class("pk-behind")
        self._quiet = False

    @property
    def t(self) -> Any:
        return self.state.t

    @property
    def key(self) -> str | None:
        i = self.totals.index
        return BEHIND[i] if i is not None else None

    def update(self, changes: Any) -> None:
        """New figures (a new range, partner, date or language): relabel, keep the picked total."""
        t = self.t
        self.changes = changes
        keep = self.totals.index
        self._quiet = True
        try:
            with self.totals.hold_sync():
                self.totals.options = [
                    f"{total_label(t, k)}\n{t.points(changes.total(k))}" for k in BEHIND]
                self.totals.tooltips = [t("Show the clients behind this total")] * len(BEHIND)
                self.totals.index = keep
        finally:
            self._quiet = False
        self.export_csv.description = t("Export CSV")
        self.export_xlsx.description = t("Export XLSX")
        self.open_table.description = t("Show in the client table")
        self.close.description = t("Close")
        self.download.value = ""
        self._render_list()

    def clear(self) -> None:
        """No figures (e.g. a bad date range): nothing to pick."""
        self.changes = None
        self._quiet = True
        try:
            self.totals.options = []
        finally:
            self._quiet = False
        self.hide()

    def _picked(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self.download.value = ""
            self._render_list()

    def hide(self) -> None:
        self._quiet = True
        try:
            self.totals.index = None
        finally:
            self._quiet = False
        self.panel.layout.display = "none"
        self.list_html.value = self.download.value = ""

    def clients(self) -> pd.DataFrame:
        """The clients behind the picked total, largest first."""
        key = self.key
        if key is None or self.changes is None:
            raise ValueError(self.t("Click a total first."))
        frame: pd.DataFrame = self.changes.clients_behind(key)
        return frame

    def _render_list(self) -> None:
        key = self.key
        if key is None or self.changes is None:
            self.panel.layout.display = "none"
            return
        t, ch = self.t, self.changes
        frame = self.clients()
        heading = t("{n} clients behind {total}, {first} to {last}").format(
            n=len(frame), total=total_label(t, key), first=t.date(ch.first), last=t.date(ch.last))
        rows = [[r.client_name or r.client_id, r.client_id, t.points(getattr(r, key))]
                for r in frame.itertuples(index=False)]
        self.list_html.value = f"<h4>{esc(heading)}</h4><div class='pk-behind-scroll'>" + table(
            [t("Client"), t("Client ID"), total_label(t, key)], rows,
            numeric=[False, False, True], cls="pk-table pk-behind-table",
            empty=t("No client is behind this total.")) + "</div>"
        self.open_table.disabled = self.export_csv.disabled = self.export_xlsx.disabled = (
            frame.empty)
        self.panel.layout.display = ""

    # -- export and the client table -------------------------------------------------------------
    def export_frame(self) -> pd.DataFrame:
        key = self.key
        frame = self.clients()
        assert key is not None
        out = frame[["client_id", "client_name", key]].copy()
        out[key] = [str(Decimal(v)) for v in out[key]]  # exact, as `partnerkit export` writes
        out.insert(0, "total", key)
        out.insert(0, "to", self.changes.last)
        out.insert(0, "from", self.changes.first)
        return out

    def export_bytes(self, fmt: str) -> bytes:
        from partnerkit.store.exporter import write_frame

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"clients.{fmt}"
            write_frame(self.export_frame(), path, fmt)
            return path.read_bytes()

    def export(self, fmt: str) -> None:
        data = self.export_bytes(fmt)
        name = (f"{self.key}-clients-{self.state.partner_id}-{self.changes.first}-"
                f"{self.changes.last}.{fmt}")
        mime = ("text/csv" if fmt == "csv" else
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        self.download.value = (f'<a class="pk-link pk-download" download="{esc(name)}" '
                               f'href="{href}">{esc(self.t("Download {name}").format(name=name))}'
                               "</a>")

    def open_in_table(self) -> None:
        key = self.key
        frame = self.clients()
        assert key is not None
        opener: Callable[..., None] | None = getattr(self.state, "open_clients", None)
        if opener is None:
            raise ValueError(self.t("The client table is not available here."))
        opener(list(frame["client_id"]), key, self.changes.first, self.changes.last)


class ClientIdFilter:
    """The client table's filter "only these clients" (from Tier point changes): a chip saying
    where they come from and how many the table shows, and a button that clears it."""

    def __init__(self, state: Any, on_change: Callable[[], None]) -> None:
        self.state = state
        self.ids: frozenset[str] | None = None
        self.origin: tuple[str, Any, Any] | None = None  # (total, first day, last day)
        self._on_change = on_change
        self.chip = W.HTML()
        self.clear_button = W.Button(icon="times", layout=W.Layout(width="auto"))
        self.clear_button.add_class("pk-id-filter-clear")
        self.clear_button.on_click(state.messages.guard(
            lambda: state.t("Could not clear the filter"))(lambda _b: self.clear()))
        self.widget = W.HBox([self.chip, self.clear_button],
                             layout=W.Layout(display="none", align_items="center",
                                             flex_flow="row wrap"))
        self.widget.add_class("pk-id-filter")

    def set(self, ids: list[str], total: str, first: Any, last: Any) -> None:
        self.ids, self.origin = frozenset(ids), (total, first, last)
        self._on_change()
        self.relabel()

    def clear(self) -> None:
        self.ids, self.origin = None, None
        self.widget.layout.display = "none"
        self._on_change()

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.ids is None:
            return frame
        return frame[frame["client_id"].astype(str).isin(self.ids)]

    def relabel(self) -> None:
        """The chip in the current language (called on every render)."""
        if self.ids is None or self.origin is None:
            return
        t = self.state.t
        total, first, last = self.origin
        shown = len(self.apply(self.state.client_table()))
        text = t("Showing {shown} of the {n} clients behind {total}, {first} to {last} (Tier "
                 "point changes).").format(shown=shown, n=len(self.ids),
                                           total=total_label(t, total), first=t.date(first),
                                           last=t.date(last))
        self.chip.value = f'<span class="pk-badge pk-id-filter-text">{esc(text)}</span>'
        self.clear_button.description = t("Show all clients")
        self.widget.layout.display = ""

"""F2.6 Points breakdown: combined sold and managed points per client.

F2.6.1 Deal type filter (sourced / assisted / managed-only), F2.6.2 Market type filter (growth /
standard), F2.6.3 click a client: its sales and management history, its active sold and managed
points, and which points are active and which expired. Paginated like the client table.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as W
import pandas as pd

from partnerkit.ui.dashboard import labels as L
from partnerkit.ui.dashboard.html import Raw, esc, table
from partnerkit.ui.dashboard.state import INITIAL, DashboardState

PAGE_SIZE = 25
# Columns that narrow (down to their minimum) beside the open drill-down panel (issue 11).
COLS = (
    "minmax(58px,110px) minmax(58px,110px) minmax(58px,110px) minmax(62px,110px) "
    "minmax(84px,140px) minmax(84px,130px)"
)
DEAL_TYPES = ("sourced", "assisted", "managed-only")
MARKETS = ("growth", "standard")


def credit_mask(df: pd.DataFrame, deal_type: str) -> pd.Series:
    """Rows with active points of `deal_type` (sourced / assisted / managed-only)."""

    def pos(col: str) -> pd.Series:
        return df[col].map(lambda v: v is not None and v == v and v > 0)

    if deal_type in ("sourced", "assisted"):
        return pos(deal_type)
    if deal_type == "managed-only":
        return pos("managed") & ~pos("sourced") & ~pos("assisted")
    raise ValueError(f"unknown deal type {deal_type!r}")


def credit_types(t: Any, r: dict[str, Any]) -> str:
    """The credit types a client has active points of, from its points (never its stored type)."""
    kinds = [k for k in ("sourced", "assisted") if (r.get(k) or 0) > 0]
    if not kinds:
        return L.deal_type(t, "managed-only") if (r.get("managed") or 0) > 0 else "—"
    return ", ".join(L.deal_type(t, k) for k in kinds)


class BreakdownView:
    def __init__(self, state: DashboardState) -> None:
        self.state = state
        g = state.messages.guard
        self.deal_type = ""
        self.market = ""
        self.page_no = 0
        self.selected: str | None = None
        self._selected_name = ""
        self.filtered = pd.DataFrame()
        self._quiet = False
        self._memo_standing: Any = None
        self._memo_data: dict[str, dict[Any, Any]] = {}  # per language code
        self.deal_filter = W.Dropdown(style=INITIAL, layout=W.Layout(width="300px"))
        self.deal_filter.add_class("pk-deal-filter")
        self.market_filter = W.Dropdown(style=INITIAL, layout=W.Layout(width="300px"))
        self.market_filter.add_class("pk-breakdown-market-filter")
        for w in (self.deal_filter, self.market_filter):
            w.observe(
                g(lambda: self.t("Could not filter the points breakdown"))(self._filters), "value"
            )
        self.csv_btn = W.Button(description="⤓ CSV", layout=W.Layout(width="auto"))
        self.xlsx_btn = W.Button(description="⤓ XLSX", layout=W.Layout(width="auto"))
        self.csv_btn.add_class("pk-breakdown-csv")
        self.xlsx_btn.add_class("pk-breakdown-xlsx")
        self.csv_btn.on_click(g(lambda: self.t("Could not export"))(lambda _b: self.export("csv")))
        self.xlsx_btn.on_click(
            g(lambda: self.t("Could not export"))(lambda _b: self.export("xlsx"))
        )
        self.summary = W.HTML()
        self.summary.add_class("pk-breakdown-summary")
        self.header = W.HTML()
        # The page's rows are two widgets, whatever the page size: ONE ToggleButtons holding the
        # client names (stacked by CSS, each button on its row; a click opens the client's
        # points, F2.6.3; the buttons stay keyboard-focusable) beside ONE HTML table of the
        # figures with the same fixed row height. A filter, page or language change is then a
        # handful of widget messages, not two per row: the browser draws after the last one.
        self.names = W.ToggleButtons(options=[], value=None, layout=W.Layout(display="none"))
        self.names.add_class("pk-breakdown-names")
        self.names.add_class("pk-opens-panel")  # a click on a name is not a click elsewhere
        self.names.observe(
            g(lambda: self.t("Could not show the client's points"))(self._name_clicked), "value"
        )
        self.table = W.HTML(layout=W.Layout(flex="1 1 auto"))
        self.table.add_class("pk-breakdown-table")
        self.body = W.HBox([self.names, self.table], layout=W.Layout(align_items="flex-start"))
        self.body.add_class("pk-breakdown-body")
        self.prev_btn = W.Button(layout=W.Layout(width="110px"))
        self.next_btn = W.Button(layout=W.Layout(width="110px"))
        self.prev_btn.add_class("pk-breakdown-prev")
        self.next_btn.add_class("pk-breakdown-next")
        self.prev_btn.on_click(
            g(lambda: self.t("Could not change the page"))(lambda _b: self._go(-1))
        )
        self.next_btn.on_click(
            g(lambda: self.t("Could not change the page"))(lambda _b: self._go(1))
        )
        self.page_label = W.HTML()
        self.page_label.add_class("pk-breakdown-page")
        self.detail = W.HTML()
        self.detail.add_class("pk-client-points")
        # F2.6.3 opens in a right-hand drawer like the client panel, so it is seen wherever the
        # user clicked in the list.
        self.close_btn = W.Button(description="✕", layout=W.Layout(width="40px"))
        self.close_btn.add_class("pk-points-close")
        self.close_btn.on_click(
            g(lambda: self.t("Could not close the panel"))(lambda _b: self.close_client())
        )
        # Beside the table (which narrows) on a desktop, a full-screen sheet on a phone; its ✕
        # heads the panel and stays on top while the content scrolls (issue 11).
        self.drawer_title = W.HTML()
        head = W.HBox(
            [self.drawer_title, self.close_btn],
            layout=W.Layout(justify_content="space-between", align_items="center"),
        )
        head.add_class("pk-panel-head")
        self.drawer = W.VBox(
            [head, self.detail], layout=W.Layout(padding="0 12px 8px 12px", display="none")
        )
        for cls in ("pk-client-panel", "pk-points-drawer", "pk-closable"):
            self.drawer.add_class(cls)
        # Built once: a language switch or a filter changes texts and values, never the tree.
        self.title = W.HTML()
        self.main = W.VBox(
            [
                self.title,
                W.HBox(
                    [self.deal_filter, self.market_filter, self.csv_btn, self.xlsx_btn],
                    layout=W.Layout(flex_flow="row wrap", align_items="center"),
                ),
                self.summary,
                self.header,
                self.body,
                W.HBox(
                    [self.prev_btn, self.page_label, self.next_btn],
                    layout=W.Layout(align_items="center"),
                ),
            ],
            layout=W.Layout(flex="1 1 auto", min_width="0"),
        )
        self.main.add_class("pk-breakdown-main")
        self.widget = W.HBox([self.main, self.drawer], layout=W.Layout(width="100%"))
        self.widget.add_class("pk-breakdown-view")

    @property
    def t(self) -> Any:
        return self.state.t

    def render(self) -> None:
        t = self.t
        self._quiet = True
        try:
            with self.deal_filter.hold_sync():  # labels, index and description in one message
                self.deal_filter.options = [(t("All deal types"), "")] + [
                    (L.deal_type(t, d), d) for d in DEAL_TYPES
                ]
                self.deal_filter.value = self.deal_type
                self.deal_filter.description = t("Deal type")
            with self.market_filter.hold_sync():
                self.market_filter.options = [(t("All market types"), "")] + [
                    (L.market(t, m), m) for m in MARKETS
                ]
                self.market_filter.value = self.market
                self.market_filter.description = t("Market type")
        finally:
            self._quiet = False
        self.prev_btn.description = "◀ " + t("Previous")
        self.next_btn.description = t("Next") + " ▶"
        hdr = [t("Sourced"), t("Assisted"), t("Managed"), t("Total"), t("Deal type"), t("Market")]
        self.header.value = (
            '<div style="display:flex"><div class="pk-breakdown-header-name" '
            'style="width:244px;flex:none;font-weight:600;'
            'padding:3px 4px;box-sizing:border-box">'
            f'{esc(t("Client"))}</div><div class="pk-row pk-head" style="--pk-cols:{COLS};flex:1">'
            + "".join(
                f'<div class="{"num" if i < 4 else ""}">{esc(h)}</div>' for i, h in enumerate(hdr)
            )
            + "</div></div>"
        )
        self._apply()
        if self.selected:
            self.show_client(self.selected)
        hint = t("Click a client to see its sales and management history.")
        self.title.value = (
            f"<h3>{esc(t('Points breakdown'))}</h3><p class='pk-muted'>{esc(hint)}</p>"
        )

    def export(self, fmt: str) -> int:
        """Download the filtered breakdown (every page) as CSV or XLSX (issue 11)."""
        from partnerkit.ui.dashboard.export import breakdown_frame, send_download

        st = self.state
        t = self.t
        frame = breakdown_frame(self.filtered, lambda r: credit_types(t, r))
        stem = f"{st.partner_id}-points-breakdown-{st.as_of.isoformat()}"
        return send_download(st.bridge, frame, stem, fmt)

    def close_client(self) -> None:
        closed = self._selected_name if self.selected else None
        self.selected = None
        self.drawer.layout.display = "none"
        self.widget.remove_class("pk-drawer-open")
        bridge = getattr(self.state, "bridge", None)
        if closed and bridge is not None:  # focus back to the client's name button
            from partnerkit.ui.dashboard.bridge import attribute_selector

            bridge.move_focus(f".pk-breakdown-names button{attribute_selector('title', closed)}")

    def _filters(self, _change: Any) -> None:
        if self._quiet:
            return
        self.deal_type = self.deal_filter.value or ""
        self.market = self.market_filter.value or ""
        self.page_no = 0
        self._apply()

    def filtered_points(self) -> pd.DataFrame:
        """F2.6.1 follows the POINTS, not the client's stored deal type (issue 11): a client is
        listed under every credit type it has active points of ("managed-only": managed points
        and no active sold points)."""
        df = self.state.standing().per_client
        if self.deal_type:
            df = df[credit_mask(df, self.deal_type)]
        if self.market:
            df = df[df["market"] == self.market]
        return df

    def _apply(self) -> None:
        """Show the filtered clients' current page: the summary, then only the visible rows."""
        t = self.t
        standing = self.state.standing()
        self.filtered = self.filtered_points()
        pages = max(1, math.ceil(len(self.filtered) / PAGE_SIZE))
        self.page_no = min(self.page_no, pages - 1)
        f = self.filtered
        tot = self._totals(standing, f)
        self.summary.value = '<p class="pk-muted">{}</p>'.format(
            esc(
                t("{n} clients · sold {sold} + managed {managed} = {total} points").format(
                    n=t.decimal(len(f), 0),
                    sold=t.points(tot["sold"]),
                    managed=t.points(tot["managed"]),
                    total=t.points(tot["total"]),
                )
            )
        )
        start = self.page_no * PAGE_SIZE
        recs = f.iloc[start : start + PAGE_SIZE].to_dict("records")
        ids = [str(r["client_id"]) for r in recs]
        names = [str(r.get("client_name") or r["client_id"]) for r in recs]
        with self.names.hold_sync():  # labels, tooltips and the cleared selection: one message
            self.names.value = None
            self.names.options = list(zip(names, ids, strict=True))
            self.names.tooltips = names  # a long name is cut to the button's width
            self.names.layout.display = "" if recs else "none"
        self.table.value = "".join(self._row_html(standing, r) for r in recs)
        self.page_label.value = esc(
            t("Page {page} of {pages}").format(
                page=t.decimal(self.page_no + 1, 0), pages=t.decimal(pages, 0)
            )
        )
        self.prev_btn.disabled = self.page_no == 0
        self.next_btn.disabled = self.page_no >= pages - 1

    def _memo(self, standing: Any) -> dict[Any, Any]:
        """What does not depend on the filters, kept per standing and language (each language
        shown so far, so switching back is not formatted again): the row HTML of each client
        shown so far and the totals of each filter combination."""
        if self._memo_standing is not standing:
            self._memo_standing, self._memo_data = standing, {}
        return self._memo_data.setdefault(self.t.code, {})

    def _totals(self, standing: Any, f: pd.DataFrame) -> dict[str, Any]:
        memo = self._memo(standing)
        key = ("totals", self.deal_type, self.market)
        if key not in memo:
            memo[key] = {
                k: sum(f[f"{k}_exact"], start=0) if len(f) else 0
                for k in ("sold", "managed", "total")
            }
        return memo[key]  # type: ignore[no-any-return]

    def _row_html(self, standing: Any, r: dict[str, Any]) -> str:
        memo = self._memo(standing)
        key = ("row", r["client_id"])
        if key not in memo:
            t = self.t
            cells = [
                t.points(r["sourced_exact"]),
                t.points(r["assisted_exact"]),
                t.points(r["managed_exact"]),
                t.points(r["total_exact"]),
                credit_types(t, r),
                L.market(t, r["market"]),
            ]
            memo[key] = (
                f'<div class="pk-row pk-breakdown-row" style="--pk-cols:{COLS}">'
                + "".join(
                    f'<div class="{"num" if j < 4 else ""}">{esc(c)}</div>'
                    for j, c in enumerate(cells)
                )
                + "</div>"
            )
        return memo[key]  # type: ignore[no-any-return]

    def _go(self, step: int) -> None:
        self.page_no = max(0, self.page_no + step)
        self._apply()

    @property
    def row_ids(self) -> list[str]:
        """The client ids of the visible rows, top to bottom."""
        return [str(v) for _, v in self.names.options]

    @property
    def row_names(self) -> list[str]:
        """The client names on the visible rows' buttons, top to bottom."""
        return [str(label) for label, _ in self.names.options]

    def _name_clicked(self, change: dict[str, Any]) -> None:
        cid = change["new"]
        if cid is None:
            return
        self.names.value = None  # no button stays pressed; the same name can be clicked again
        self.show_client(str(cid))

    def show_client(self, client_id: str) -> None:
        """F2.6.3: one client's history, active sold/managed points, active vs expired."""
        t = self.t
        s = self.state.standing()
        self.selected = client_id
        self.drawer.layout.display = ""
        self.widget.add_class("pk-drawer-open")
        self.close_btn.tooltip = t("Close")  # set when shown: no message while the drawer is shut
        ev = s.client_events(client_id)
        row = s.per_client[s.per_client["client_id"] == client_id]
        name = str(row.iloc[0]["client_name"]) if len(row) else client_id
        self._selected_name = name
        self.drawer_title.value = f'<h3 class="pk-panel-title">{esc(t("Points breakdown"))}</h3>'
        bridge = getattr(self.state, "bridge", None)
        if bridge is not None:
            bridge.move_focus(".pk-points-drawer .pk-points-close")
        sold = row.iloc[0]["sold_exact"] if len(row) else 0
        managed = row.iloc[0]["managed_exact"] if len(row) else 0
        sales = ev[ev["kind"] == "sold"]
        mgd = ev[ev["kind"] == "managed"]
        expired = sum(
            (p for p, st in zip(sales["points"], sales["status"], strict=True) if st == "expired"),
            start=0,
        )

        def two(top: str, below: str) -> Raw:
            return Raw(f"{esc(top)}<br><span class='pk-muted'>{esc(below)}</span>")

        # Four two-line columns: the panel beside the table is narrow, and a value must never be
        # cut or broken one letter a line (issue 11).
        def rows(df: pd.DataFrame) -> list[list[Any]]:
            out = []
            for r in df.to_dict("records"):
                ends = t.date(r["expires_on"]) if r.get("expires_on") is not None else ""
                out.append(
                    [
                        t.date(r["date"]),
                        two(
                            r.get("product_line") or "",
                            L.deal_type(t, r["deal_type"]) if r["deal_type"] else "",
                        ),
                        two(t.money(r["amount"], r["currency"]), L.market(t, r["market"])),
                        two(
                            t.points(r["points"]),
                            " · ".join(x for x in (L.point_status(t, r["status"]), ends) if x),
                        ),
                    ]
                )
            return out

        heads = [t("Date"), t("Product"), t("Amount"), t("Points")]
        numeric = [False, False, True, True]
        self.detail.value = (
            f'<div class="pk-card"><h3 class="pk-client-points-name">{esc(name)}</h3>'
            '<p class="pk-client-points-active">{}</p>'.format(
                esc(
                    t(
                        "Active sold points: {sold} · active managed points: {managed} · expired sold "  # noqa: E501
                        "points: {expired}"
                    ).format(
                        sold=t.points(sold), managed=t.points(managed), expired=t.points(expired)
                    )
                )
            )
            + f"<h4>{esc(t('Sales history'))}</h4>"
            + table(
                heads,
                rows(sales),
                numeric=numeric,
                cls="pk-table pk-sales-history",
                empty=t("No sales recorded for this client."),
            )
            + f"<h4>{esc(t('Management history'))}</h4>"
            + table(
                heads,
                rows(mgd.head(24)),
                numeric=numeric,
                cls="pk-table pk-managed-history",
                empty=t("This client is not managed."),
            )
            + "</div>"
        )

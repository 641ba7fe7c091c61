"""Issue 18: Tier point changes -> clients. Clicking a total (new sold, lost sold, new managed,
lost managed points) lists the clients behind it; the list exports to CSV/XLSX with formulas
neutralised like `partnerkit export`, and opens in the client table as a filter with a chip that
clears it (widget level, a real SQLite book)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from partnerkit.changes import PointChanges, changes_between
from tests.unit.ui.test_dashboard import make_dashboard, text_of

FIRST, LAST = dt.date(2026, 10, 1), dt.date(2026, 10, 31)  # last month: the tab's default


def changes_tab(tmp_path: Path, **kw: object):  # type: ignore[no-untyped-def]
    d = make_dashboard(tmp_path, **kw)
    d.nav.select("tier")
    d.tier.tabs.selected_index = 3
    assert d.messages.value == ""
    return d, d.tier.changes


def test_each_total_is_a_button_showing_its_figure(tmp_path: Path) -> None:
    d, view = changes_tab(tmp_path)
    expected = changes_between(d.state.valuation(), FIRST, LAST)
    t = d.state.t
    assert list(view.behind.totals.options) == [
        f"New sold points\n{t.points(expected.total('new_sold'))}",
        f"Lost sold points\n{t.points(expected.total('lost_sold'))}",
        f"New managed points\n{t.points(expected.total('new_managed'))}",
        f"Lost managed points\n{t.points(expected.total('lost_managed'))}"]
    assert view.behind.totals.index is None and view.behind.panel.layout.display == "none"


def test_clicking_a_total_lists_the_clients_behind_it(tmp_path: Path) -> None:
    d, view = changes_tab(tmp_path)
    expected = changes_between(d.state.valuation(), FIRST, LAST).clients_behind("new_sold")
    assert len(expected) > 0
    view.behind.totals.index = 0  # "New sold points"
    assert d.messages.value == ""
    assert view.behind.panel.layout.display == ""
    text = text_of(view.behind.list_html.value)
    assert f"{len(expected)} clients behind New sold points, Oct 1, 2026 to Oct 31, 2026" in text
    shown = view.behind.clients()
    assert list(shown["client_id"]) == list(expected["client_id"])
    assert all(Decimal(v) != 0 for v in shown["new_sold"])
    # The list goes with the range: another month, other clients.
    view.first.value = dt.date(2026, 1, 1)
    again = changes_between(d.state.valuation(), dt.date(2026, 1, 1), LAST)
    assert list(view.behind.clients()["client_id"]) == list(
        again.clients_behind("new_sold")["client_id"])
    view.behind.close.click()
    assert view.behind.totals.index is None and view.behind.panel.layout.display == "none"
    view.behind.totals.index = 1
    d._close_top()  # what Esc does (the dashboard's bridge)
    assert view.behind.totals.index is None and view.behind.panel.layout.display == "none"


def test_the_list_exports_with_formulas_neutralised(tmp_path: Path) -> None:
    d, view = changes_tab(tmp_path)
    view.behind.totals.index = 0
    ch = view.behind.changes
    frame = ch.clients.copy()
    first = view.behind.clients()["client_id"].iloc[0]
    frame.loc[frame["client_id"] == first, "client_name"] = '=HYPERLINK("http://x")'
    view.behind.changes = PointChanges(ch.first, ch.last, frame)
    rows = list(csv.reader(io.StringIO(view.behind.export_bytes("csv").decode("utf-8-sig"))))
    assert rows[0] == ["from", "to", "total", "client_id", "client_name", "new_sold"]
    assert rows[1][:5] == ["2026-10-01", "2026-10-31", "new_sold", first,
                           "'=HYPERLINK(\"http://x\")"]
    assert Decimal(rows[1][5]) == frame.loc[frame["client_id"] == first, "new_sold"].iloc[0]
    assert len(rows) == len(view.behind.clients()) + 1
    assert view.behind.export_bytes("xlsx")[:2] == b"PK"
    view.behind.export_xlsx.click()
    assert 'download="new_sold-clients-p1-2026-10-01-2026-10-31.xlsx"' in view.behind.download.value
    assert d.messages.value == ""


def test_the_clients_open_in_the_client_table_as_a_filter(tmp_path: Path) -> None:
    d, view = changes_tab(tmp_path)
    view.behind.totals.index = 0
    behind = set(view.behind.clients()["client_id"])
    view.behind.open_table.click()
    assert d.messages.value == ""
    assert d.nav.value == "clients"
    page = d.clients
    assert set(page.filtered["client_id"]) == behind & set(d.state.client_table()["client_id"])
    assert page.id_filter.widget.layout.display == ""
    chip = text_of(page.id_filter.chip.value)
    assert f"Showing {len(page.filtered)} of the {len(behind)} clients behind New sold points" in (
        chip)
    # The other filters still narrow it; the chip's button clears it.
    page.rel_filter.value = "managed"
    assert set(page.filtered["client_id"]) <= behind
    page.rel_filter.value = ""
    page.id_filter.clear_button.click()
    assert page.id_filter.widget.layout.display == "none"
    assert len(page.filtered) == len(d.state.client_table())


def test_the_chip_follows_the_language_and_another_partner_clears_it(tmp_path: Path) -> None:
    d, view = changes_tab(tmp_path)
    view.behind.totals.index = 0
    view.behind.open_table.click()
    d.language.value = "pt_PT"
    chip = text_of(d.clients.id_filter.chip.value)
    assert "A mostrar 2 dos 2 clientes por trás de Novos pontos vendidos, de 01/10/2026" in chip
    d.partner_picker.value = "p2"
    assert d.clients.id_filter.ids is None
    assert d.clients.id_filter.widget.layout.display == "none"


def test_a_bad_range_leaves_nothing_to_click(tmp_path: Path) -> None:
    d, view = changes_tab(tmp_path)
    view.last.value = dt.date(2026, 9, 1)
    assert list(view.behind.totals.options) == []
    assert view.behind.panel.layout.display == "none"
    assert d.messages.value == "" and view.behind.changes is None

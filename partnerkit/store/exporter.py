"""`partnerkit export`: any view to CSV (UTF-8 with BOM, for Excel) or XLSX (issue 3).

Cells that a spreadsheet would run as a formula (text starting with =, +, -, @, tab or carriage
return) are written with a leading apostrophe, so `=cmd|' /C calc'!A0` in a client name stays text.
The importer strips that apostrophe again, so an export re-imports unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from partnerkit.atomic_file import atomic_path
from partnerkit.store.importer import FORMULA_START

VIEWS = ("clients", "renewals", "ledger", "audit", "points")
FORMATS = ("csv", "xlsx")


def neutralise(value: Any) -> Any:
    """A cell value safe for a spreadsheet: formula-looking text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """Python value for a cell: Decimal/int/date/str; missing values become empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return value.item()
    return value


def view_frame(
    store: Any, partner_id: str, view: str, as_of: dt.date | None = None
) -> pd.DataFrame:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: use one of {', '.join(VIEWS)}")
    as_of = as_of or store.data_as_of(partner_id)
    if view == "clients":
        return store.client_table(partner_id, as_of, include_ended=True)
    if view == "renewals":
        days = int(store.rules.policy_value("renewal_lookahead_days", as_of))
        return store.renewals_due(partner_id, as_of, days=days)
    if view == "ledger":
        ledger = store.load_ledger(partner_id, include_stopped=True)
        from partnerkit.ledger import LEDGER_COLUMNS

        return pd.DataFrame(ledger.to_records(), columns=list(LEDGER_COLUMNS))
    if view == "audit":
        return store.audit_log(partner_id)
    from partnerkit.standing import compute_standing, exact_points

    standing = compute_standing(store.load_ledger(partner_id), as_of, store.rules)
    return exact_points(standing.per_client).reset_index(drop=True)  # files keep exact Decimals


def write_frame(frame: pd.DataFrame, path: str | Path, fmt: str | None = None) -> int:
    """Write `frame` to CSV or XLSX (by `fmt` or the file's suffix); return the number of rows."""
    p = Path(path)
    fmt = (fmt or p.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use csv or xlsx")
    header = [str(c) for c in frame.columns]
    rows = ([neutralise(_plain(v)) for v in row] for row in frame.itertuples(index=False))
    with atomic_path(p) as out:  # a failure leaves the previous file whole (issue 15, item 5)
        if fmt == "csv":
            with out.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                for row in rows:
                    w.writerow([_csv_text(v) for v in row])
        else:
            _write_xlsx(out, header, rows)
    return len(frame)


def _csv_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _write_xlsx(p: Path, header: list[str], rows: Any) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("export")
    ws.append(header)
    for row in rows:
        out = []
        for v in row:
            if isinstance(v, str):
                v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)
            elif isinstance(v, dt.datetime) and v.tzinfo is not None:
                v = v.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones
            out.append(v)
        ws.append(out)
    wb.save(p)


def export_view(
    store: Any, partner_id: str, view: str, path: str | Path, fmt: str | None = None,
    as_of: dt.date | None = None,
) -> int:
    return write_frame(view_frame(store, partner_id, view, as_of), path, fmt)

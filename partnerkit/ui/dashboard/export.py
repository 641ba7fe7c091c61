"""Export from the UI (issue 11): the current client table view, the alerts list and the points
breakdown as CSV or XLSX, and the Clients page's full print list.

The files are written by `partnerkit.store.exporter.write_frame`, the writer of
`partnerkit export`, so formula-looking text is neutralised the same way; the bytes reach the
browser through the Bridge (a download, no server route, no other host).
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

MAX_BYTES = 25 * 1024 * 1024  # a download larger than this is refused with a message
MIME = {
    "csv": "text/csv;charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CLIENT_COLUMNS = (
    "client_id", "name", "domain", "relationship", "market", "country", "products", "tools_used",
    "engagement_score", "mrr_partner_currency", "mrr", "currency", "portal_id", "crm_record_id",
)


def frame_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """The bytes of `frame` written as `fmt` (csv or xlsx) by the CLI's export writer."""
    from partnerkit.store.exporter import write_frame

    if fmt not in MIME:
        raise ValueError(f"unknown export format {fmt!r}: use csv or xlsx")
    with tempfile.TemporaryDirectory(prefix="partnerkit-export-") as folder:
        path = Path(folder) / f"export.{fmt}"
        write_frame(frame, path, fmt)
        return path.read_bytes()


def client_view_frame(filtered: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in CLIENT_COLUMNS if c in filtered.columns]
    return filtered.reindex(columns=cols).reset_index(drop=True)


def alerts_frame(prioritised: pd.DataFrame) -> pd.DataFrame:
    cols = [
        "client_id", "client_name", "decision_deadline", "renewal_date", "status", "overdue",
        "cancellation", "owner", "renewal_manager", "current_subscription", "renewal_subscription",
    ]
    return prioritised.reindex(columns=[c for c in cols if c in prioritised.columns])


def breakdown_frame(filtered: pd.DataFrame, credit_types: Any) -> pd.DataFrame:
    out = pd.DataFrame({
        "client_id": filtered["client_id"].astype(str),
        "client_name": filtered["client_name"],
    })
    for col in ("sourced", "assisted", "managed", "total"):
        exact = f"{col}_exact"
        out[f"{col}_points"] = filtered[exact] if exact in filtered else filtered[col]
    out["credit_types"] = [credit_types(r) for r in filtered.to_dict("records")]
    out["market"] = filtered["market"]
    return out.reset_index(drop=True)


def send_download(bridge: Any, frame: pd.DataFrame, stem: str, fmt: str) -> int:
    """Hand the file to the browser as a download; returns its size in bytes."""
    data = frame_bytes(frame, fmt)
    if len(data) > MAX_BYTES:
        raise ValueError(
            f"the file would be {len(data) // 1_000_000} MB (limit {MAX_BYTES // 1_000_000} MB); "
            "narrow the view with the filters, or use 'partnerkit export'"
        )
    bridge.send_file(f"{stem}.{fmt}", MIME[fmt], base64.b64encode(data).decode("ascii"))
    return len(data)

"""reports/index.html: every report under the output root, newest month first (F5.1).

Built from the JSON headline files only (the JSON is moved into place last, so a listed report
is a complete one). Every value from data is escaped.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

_MONTH_DIR = re.compile(r"^\d{4}-\d{2}$")

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#213343}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #ff7a59}
table{border-collapse:collapse;width:100%;max-width:70rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid #dfe3eb;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
a{color:#0091ae}.muted{color:#7c98b6}
"""


def collect(root: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if not root.is_dir():
        return rows
    for month_dir in sorted(root.iterdir(), reverse=True):
        if not (month_dir.is_dir() and _MONTH_DIR.match(month_dir.name)):
            continue
        for f in sorted(month_dir.glob("*.json")):
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            data["_month_dir"] = month_dir.name
            data["_slug"] = f.stem
            rows.append(data)
    return rows


def _points(value: Any) -> str:
    """An exact Decimal string from the JSON, shown with one decimal ('1,016.1')."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}"
    except (InvalidOperation, ValueError):
        return str(value)


def _link(month: str, name: str, label: str, root: Path) -> str:
    if not (root / month / name).exists():
        return ""
    href = html.escape(f"{month}/{name}", quote=True)
    return f'<a href="{href}">{html.escape(label)}</a>'


def render(root: Path) -> str:
    rows = collect(root)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Monthly tier reports</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Monthly tier reports</h1>",
    ]
    if not rows:
        parts.append(
            "<p class='muted'>No reports yet: run "
            "<code>partnerkit report --all --month last</code>.</p>"
        )
    current = None
    for r in rows:
        month = r["_month_dir"]
        if month != current:
            if current is not None:
                parts.append("</tbody></table>")
            current = month
            parts.append(f"<h2 id='m{html.escape(month)}'>{html.escape(month)}</h2>")
            parts.append(
                "<table><thead><tr><th>Partner</th><th>Credited tier</th>"
                "<th>Performance tier</th><th>Total points</th><th>Gap to next tier</th>"
                "<th>Data as of</th><th>Report</th></tr></thead><tbody>"
            )
        slug = r["_slug"]
        files = r.get("files") or {}
        links = [
            _link(month, files.get(s, f"{slug}.{s}"), label, root)
            for s, label in (
                ("html", "HTML"),
                ("pdf", "PDF"),
                ("ipynb", "notebook"),
                ("json", "JSON"),
            )
        ]
        gap = _points(r.get("gap_to_next"))
        nxt = r.get("next_tier")
        gap_text = f"{gap} to {nxt}" if nxt and gap else "—"

        def cell(value: Any) -> str:
            return html.escape("—" if value in (None, "") else str(value))

        parts.append(
            "<tr>"
            f"<td>{cell(r.get('partner_name') or r.get('partner_id'))}"
            f" <span class='muted'>{cell(r.get('partner_id'))}</span></td>"
            f"<td>{cell(r.get('credited_tier') or 'untiered')}</td>"
            f"<td>{cell(r.get('performance_tier') or 'untiered')}</td>"
            f"<td class='num'>{cell(_points(r.get('total_points')))}</td>"
            f"<td>{cell(gap_text)}</td>"
            f"<td>{cell(r.get('data_as_of'))}</td>"
            f"<td>{' · '.join(link for link in links if link)}</td>"
            "</tr>"
        )
    if current is not None:
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_index(root: str | Path) -> Path:
    """(Re)write root/index.html atomically; returns its path."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = root / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render(root))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target

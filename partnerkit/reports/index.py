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
OUTCOMES = ".outcomes.json"  # skipped/failed partners of a month, with the reason
STALE_AFTER = 6 * 3600.0  # s: a .tmp-* folder older than any report run is debris

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#213343}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #ff7a59}
table{border-collapse:collapse;width:100%;max-width:70rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid #dfe3eb;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
a{color:#0091ae}.muted{color:#7c98b6}
tr.failed td{color:#b3261e}tr.skipped td,tr.cancelled td{color:#516f90}
"""


def collect(root: Path) -> list[dict[str, Any]]:
    """Every month's rows, newest month first: its reports (from the JSON files), then the
    partners skipped or failed in its last run (from .outcomes.json) with the reason."""
    rows: list[dict[str, Any]] = []
    if not root.is_dir():
        return rows
    for month_dir in sorted(root.iterdir(), reverse=True):
        if not (month_dir.is_dir() and _MONTH_DIR.match(month_dir.name)):
            continue
        reported = set()
        for f in sorted(month_dir.glob("[!.]*.json")):  # not .outcomes.json
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(data, dict):
                continue
            data["_month_dir"] = month_dir.name
            data["_slug"] = f.stem
            reported.add(str(data.get("partner_id")))
            rows.append(data)
        for pid, outcome in sorted(_outcomes(month_dir).items()):
            rows.append({
                "_month_dir": month_dir.name, "_slug": "", "partner_id": pid,
                "_status": outcome.get("status", ""), "_reason": outcome.get("reason", ""),
                "_has_report": pid in reported,
            })
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


_HEAD = (
    "<table><thead><tr><th>Partner</th><th>Credited tier</th><th>Performance tier</th>"
    "<th>Total points</th><th>Gap to next tier</th><th>Data as of</th><th>Report</th>"
    "</tr></thead><tbody>"
)


def _cell(value: Any) -> str:
    return html.escape("—" if value in (None, "") else str(value))


def _report_row(r: dict[str, Any], month: str, root: Path) -> str:
    slug = r["_slug"]
    files = r.get("files") or {}
    links = [
        _link(month, files.get(s, f"{slug}.{s}"), label, root)
        for s, label in (("html", "HTML"), ("pdf", "PDF"), ("ipynb", "notebook"), ("json", "JSON"))
    ]
    gap = _points(r.get("gap_to_next"))
    nxt = r.get("next_tier")
    gap_text = f"{gap} to {nxt}" if nxt and gap else "—"
    return (
        "<tr>"
        f"<td>{_cell(r.get('partner_name') or r.get('partner_id'))}"
        f" <span class='muted'>{_cell(r.get('partner_id'))}</span></td>"
        f"<td>{_cell(r.get('credited_tier') or 'untiered')}</td>"
        f"<td>{_cell(r.get('performance_tier') or 'untiered')}</td>"
        f"<td class='num'>{_cell(_points(r.get('total_points')))}</td>"
        f"<td>{_cell(gap_text)}</td>"
        f"<td>{_cell(r.get('data_as_of'))}</td>"
        f"<td>{' · '.join(link for link in links if link)}</td>"
        "</tr>"
    )


def _outcome_row(r: dict[str, Any]) -> str:
    status = str(r.get("_status", ""))
    word = {"skipped": "Skipped", "failed": "Failed", "cancelled": "Not started"}.get(
        status, status.capitalize()
    )
    note = " (the report above is from an earlier run)" if r.get("_has_report") else ""
    return (
        f"<tr class='{html.escape(status)}' data-outcome='{html.escape(status)}'>"
        f"<td><span class='muted'>{_cell(r.get('partner_id'))}</span></td>"
        f"<td colspan='6'><strong>{html.escape(word)}</strong>: "
        f"{_cell(r.get('_reason'))}{html.escape(note)}</td></tr>"
    )


def render(root: Path) -> str:
    rows = collect(root)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
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
            parts.append(_HEAD)  # one layout for every month
        parts.append(_outcome_row(r) if r.get("_status") else _report_row(r, month, root))
    if current is not None:
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def file_mode() -> int:
    """The mode a new file gets under this process's umask (0644 with the usual 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_index(root: str | Path) -> Path:
    """(Re)write root/index.html atomically, readable as the umask allows (mkstemp's 0600
    would make a web server running as another user answer 403); returns its path."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = root / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render(root))
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def record_outcomes(root: str | Path, month: str, outcomes: dict[str, tuple[str, str]]) -> None:
    """Remember the partners of `month` that were skipped or failed, and why ({partner_id:
    (status, reason)}), in root/<month>/.outcomes.json; a partner whose report is done is
    dropped from it. The index shows them next to the reports."""
    month_dir = Path(root) / month
    path = month_dir / OUTCOMES
    known = _outcomes(month_dir)
    for pid, (status, reason) in outcomes.items():
        if status == "done":
            known.pop(pid, None)
        else:
            known[pid] = {"status": status, "reason": reason}
    if not known:  # nothing to tell: no file (a month of good reports holds only reports)
        path.unlink(missing_ok=True)
        return
    month_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".outcomes-", suffix=".json", dir=month_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(known, fh, ensure_ascii=False, indent=1, sort_keys=True)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _outcomes(month_dir: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((month_dir / OUTCOMES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}


def remove_stale_temporaries(root: str | Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove .tmp-* report folders (and .index-* files) left by a killed worker or process,
    when older than `older_than` seconds (a report running right now is never that old)."""
    import shutil
    import time

    root = Path(root)
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    limit = time.time() - older_than
    candidates = [*root.glob(".index-*"), *root.glob("*/.tmp-*"), *root.glob("*/.outcomes-*")]
    for path in candidates:
        try:
            if path.lstat().st_mtime >= limit:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed

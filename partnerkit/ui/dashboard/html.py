"""Small HTML builders for the dashboard. Every piece of text from the data is escaped here.

Widget code never formats HTML by hand with data values: it calls `esc()` or one of these
builders, which escape every cell. A client named `<img src=x onerror=alert(1)>` is shown as that
text (features F1.2, "Quality").
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from urllib.parse import quote


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def link(url: str, text: str, *, cls: str = "pk-link", title: str = "") -> str:
    """An anchor that opens in a new tab (HubSpot records, F1.3.2 / F1.3.3)."""
    t = f' title="{esc(title)}"' if title else ""
    return (
        f'<a class="{cls}" href="{esc(url)}" target="_blank" rel="noopener noreferrer"{t}>'
        f"{esc(text)}</a>"
    )


def mailto(address: str, subject: str, body: str = "") -> str:
    """A mailto: URL with a URL-encoded subject (F4.2)."""
    url = f"mailto:{quote(address, safe='@.+-_')}?subject={quote(subject, safe='')}"
    if body:
        url += f"&body={quote(body, safe='')}"
    return url


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    cls: str = "pk-table",
    numeric: Sequence[bool] | None = None,
    empty: str = "",
) -> str:
    """A plain HTML table; headers and every cell are escaped.

    A cell may be a `Raw` to pass already-built (escaped) HTML such as a link.
    """
    numeric = numeric or [False] * len(headers)
    head = "".join(
        f'<th class="{"num" if n else ""}">{esc(h)}</th>'
        for h, n in zip(headers, numeric, strict=False)
    )
    body_rows = []
    for row in rows:
        cells = "".join(
            f'<td class="{"num" if n else ""}">{cell(c)}</td>'
            for c, n in zip(row, numeric, strict=False)
        )
        body_rows.append(f"<tr>{cells}</tr>")
    if not body_rows and empty:
        body_rows.append(
            f'<tr><td colspan="{len(headers)}" class="pk-empty">{esc(empty)}</td></tr>'
        )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body_rows)}</tbody></table>'  # noqa: E501


class Raw(str):
    """Already-escaped HTML (built by this module) that `table` must not escape again."""


def cell(value: object) -> str:
    return str(value) if isinstance(value, Raw) else esc(value)


def initials(name: str) -> str:
    """Initials for an avatar placeholder: 'Ana Sousa' -> 'AS'; works for any script."""
    parts = [p for p in str(name).split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


# One stylesheet for every dashboard page (in an HTML widget, so Voila needs no template).
CSS = """
<style>
.pk-dash { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #213343; }
.pk-dash .widget-html-content { line-height: 1.35; }
.pk-dash .widget-html { margin-top: 1px; margin-bottom: 1px; }
.pk-dash h2 { font-size: 20px; margin: 6px 0 4px 0; }
.pk-dash h3 { font-size: 16px; margin: 10px 0 4px 0; }
.pk-muted { color: #516f90; font-size: 12px; }
.pk-asof { color: #516f90; font-size: 12px; margin: 2px 0 6px 0; }
.pk-card { border: 1px solid #cbd6e2; border-radius: 6px; padding: 10px 14px; margin: 6px 0;
           background: #fff; }
.pk-big { font-size: 26px; font-weight: 600; }
.pk-alert { background: #fef8f0; border: 1px solid #f5c26b; border-radius: 6px; padding: 8px 12px; }
.pk-warn { background: #fdedee; border: 1px solid #f2545b; border-radius: 6px; padding: 8px 12px;
           color: #8a1c22; }
.pk-ok { background: #e5f8f6; border: 1px solid #00bda5; border-radius: 6px; padding: 8px 12px; }
.pk-table { border-collapse: collapse; font-size: 13px; width: 100%; }
.pk-table th { text-align: left; background: #f5f8fa; border-bottom: 2px solid #cbd6e2;
               padding: 4px 8px; white-space: nowrap; }
.pk-table td { border-bottom: 1px solid #eaf0f6; padding: 4px 8px; vertical-align: top; }
.pk-table .num { text-align: right; white-space: nowrap; }
.pk-empty { color: #516f90; font-style: italic; }
.pk-products { font-size: 12px; }
.pk-row { display: grid; grid-template-columns: var(--pk-cols); gap: 0 8px; align-items: center;
          font-size: 13px; padding: 3px 4px; border-bottom: 1px solid #eaf0f6; min-height: 30px; }
.pk-row.pk-head { font-weight: 600; background: #f5f8fa; border-bottom: 2px solid #cbd6e2; }
.pk-row .num { text-align: right; white-space: nowrap; }
.pk-row > div { overflow: hidden; text-overflow: ellipsis; }
.pk-breakdown-body { gap: 0; }
.pk-nav > div { display: flex; flex-wrap: wrap; }  /* flex items: innerText one per line */
.pk-nav .jupyter-button { margin: 2px 4px 2px 0; box-shadow: none; }
.pk-nav .jupyter-button.mod-active { background-color: var(--jp-info-color1, #0288d1);
                                     color: var(--jp-ui-inverse-font-color1, #fff); }
.pk-breakdown-names, .pk-dash .pk-breakdown-table { margin: 0 !important; }
.pk-breakdown-names { flex: none; width: 244px; }
.pk-breakdown-names > div { display: flex; flex-direction: column; }
.pk-breakdown-names .jupyter-button { width: 240px; height: 30px; line-height: 30px; flex: none;
                                      margin: 2px 4px 2px 0; }
.pk-breakdown-table .pk-row { height: 34px; min-height: 0; box-sizing: border-box;
                              padding: 0 4px; white-space: nowrap; }
.pk-client-grid { display: grid !important; grid-template-columns: minmax(0, 1fr) 178px;
                   grid-auto-flow: row dense; align-items: center; }
.pk-client-grid > .pk-client-rows, .pk-client-grid > .pk-client-rows > .widget-html-content,
.pk-client-grid > .pk-client-actions { display: contents !important; }
.pk-client-grid > .pk-client-rows > .widget-label { display: none !important; }
.pk-client-rows .pk-client-row { grid-column: 1; }
.pk-client-actions > .widget-dropdown { grid-column: 2; }
.pk-badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
            background: #eaf0f6; }
.pk-band-low { background: #fdedee; } .pk-band-medium { background: #fef8f0; }
.pk-band-high { background: #e5f8f6; }
.pk-avatar { width: 64px; height: 64px; border-radius: 50%; background: #ff7a59; color: #fff;
             display: flex; align-items: center; justify-content: center; font-size: 24px;
             font-weight: 600; flex: none; }
.pk-team { display: flex; gap: 16px; align-items: flex-start; }
.pk-client-panel { position: fixed !important; top: 0; right: 0; height: 100vh; overflow-y: auto;
                   background: #fff; z-index: 1000; box-shadow: -4px 0 16px rgba(45,62,80,.18); }
.pk-dash .lm-TabBar-tab { flex: 0 0 auto !important; min-width: 140px; max-width: none !important; }
.pk-derived { color: #7c98b6; font-style: italic; }
.pk-link { color: #0091ae; }
.pk-msg-error { background: #fdedee; border: 1px solid #f2545b; color: #8a1c22; border-radius: 6px;
                padding: 6px 10px; }
.pk-msg-info { background: #e5f5f8; border: 1px solid #7fd1de; border-radius: 6px;
               padding: 6px 10px; }
</style>
"""
# The client table shows 25 rows a page; a page of n rows hides the Actions menus below row n.
CSS = CSS.replace(
    "</style>",
    "".join(
        f".pk-rows-{n} .pk-client-actions > :nth-child(n+{n + 1}) {{ display: none !important; }}\n"
        for n in range(25)
    )
    + "</style>",
)


def month(t: object, d: object) -> str:
    """A month in the translator's locale ('Nov 2026', 'nov. de 2026')."""
    import datetime as dt

    from babel.dates import format_skeleton

    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        d = d.date()
    locale = getattr(t, "locale", "en")
    return str(format_skeleton("yMMM", d, locale=locale))

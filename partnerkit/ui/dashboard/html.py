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


def attr(value: object) -> str:
    """A value for a double-quoted HTML attribute (data-*), escaped; None is empty."""
    return esc("" if value is None else value)


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
.pk-client-grid { border: 1px solid var(--jp-border-color2, #cbd6e2); border-radius: 6px;
                   overflow-x: auto; }
.pk-client-grid .widget-html, .pk-client-grid .widget-html-content { margin: 0; }
.pk-row.pk-head > div { white-space: normal; overflow: visible; line-height: 1.2;
                        overflow-wrap: anywhere; }
.pk-badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
            background: #eaf0f6; white-space: nowrap; }
.pk-actions-btn { font: inherit; font-size: 12px; padding: 3px 8px; cursor: pointer;
                  border: 1px solid var(--jp-border-color1, #99acc2); border-radius: 4px;
                  background: var(--jp-layout-color1, #fff); color: inherit; white-space: nowrap; }
.pk-actions-btn:focus-visible, .pk-menu-item:focus, .pk-restore-btn:focus-visible {
  outline: 2px solid var(--jp-brand-color1, #0091ae); outline-offset: 1px; }
.pk-menu { position: fixed; z-index: 2000; min-width: 210px; display: flex;
           flex-direction: column; padding: 4px 0; font-size: 13px;
           background: var(--jp-layout-color0, #fff);
           border: 1px solid var(--jp-border-color1, #cbd6e2); border-radius: 6px;
           box-shadow: 0 6px 20px rgba(45, 62, 80, .25);
           font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.pk-menu-item { display: block; text-align: left; padding: 8px 14px; border: 0; background: none;
                color: var(--jp-content-font-color1, #213343); font: inherit; cursor: pointer;
                text-decoration: none; }
.pk-menu-item:hover, .pk-menu-item:focus { background: var(--jp-layout-color2, #eaf0f6); }
.pk-menu-item[aria-disabled=true] { color: var(--jp-content-font-color3, #7c98b6);
                                    cursor: not-allowed; }
.pk-link-absent { color: var(--jp-content-font-color3, #99acc2); cursor: help;
                  text-decoration: underline dotted; }
.pk-restore-btn { font: inherit; padding: 3px 10px; cursor: pointer; border-radius: 4px;
                  border: 1px solid var(--jp-border-color1, #99acc2);
                  background: var(--jp-layout-color1, #fff); color: inherit; }
.pk-bridge { display: none !important; }
.pk-band-low { background: #fdedee; } .pk-band-medium { background: #fef8f0; }
.pk-band-high { background: #e5f8f6; }
.pk-avatar { width: 64px; height: 64px; border-radius: 50%; background: #ff7a59; color: #fff;
             display: flex; align-items: center; justify-content: center; font-size: 24px;
             font-weight: 600; flex: none; }
.pk-team { display: flex; gap: 16px; align-items: flex-start; }
/* Panels sit BESIDE their table (which narrows), never over it; on a phone, a full-screen sheet. */
.pk-client-panel { position: sticky !important; top: 0; align-self: flex-start; flex: 0 0 auto;
                   width: min(480px, 42vw); max-height: 100vh; overflow-y: auto;
                   box-sizing: border-box; margin-left: 10px; z-index: 10;
                   background: var(--jp-layout-color0, #fff);
                   border: 1px solid var(--jp-border-color2, #cbd6e2); border-radius: 6px;
                   box-shadow: -4px 0 16px rgba(45, 62, 80, .12); }
/* Inside the Tier page's tab (which clips), the drill-down flows at the top of its tab; opening
   it moves the focus to its ✕, which scrolls it into view. */
.pk-points-drawer { width: min(480px, 36vw); position: relative !important; top: auto;
                    max-height: none; overflow: visible; }
.pk-drawer-open .pk-breakdown-names, .pk-drawer-open .pk-breakdown-names .jupyter-button {
  width: 176px !important; }
.pk-drawer-open .pk-breakdown-header-name { width: 180px !important; }
.pk-panel-head { position: sticky; top: 0; z-index: 5; padding-top: 6px;
                 background: var(--jp-layout-color0, #fff);
                 border-bottom: 1px solid var(--jp-border-color2, #eaf0f6); }
.pk-panel-head .pk-panel-title { margin: 4px 0; overflow-wrap: anywhere; }
.pk-client-panel .pk-table th, .pk-client-panel .pk-table td { white-space: normal;
                                                               overflow-wrap: anywhere; }
.pk-client-panel .lm-TabBar-tab { min-width: 0 !important; }
.pk-client-panel .lm-TabBar-content { flex-wrap: wrap; }
.pk-records .pk-table { margin-bottom: 8px; }
.pk-records .pk-table th { width: 40%; }
.pk-clients-body.pk-panel-open .pk-col-3, .pk-clients-body.pk-panel-open .pk-col-6,
.pk-clients-body.pk-panel-open .pk-col-7 { display: none; }
.pk-clients-body.pk-panel-open .pk-row {
  grid-template-columns: minmax(120px,2fr) minmax(126px,.8fr) minmax(96px,.9fr)
                         minmax(120px,1fr) minmax(96px,1fr) 104px !important; }
.pk-usage { white-space: normal; line-height: 1.6; }
.pk-dialog { position: fixed !important; z-index: 1500; top: 50%; left: 50%;
             transform: translate(-50%, -50%); width: min(560px, calc(100vw - 24px));
             max-height: calc(100vh - 24px); overflow: auto; box-sizing: border-box;
             background: var(--jp-layout-color0, #fff) !important;
             box-shadow: 0 0 0 100vmax rgba(33, 51, 67, .35), 0 10px 30px rgba(0, 0, 0, .3); }
.pk-dialog .widget-text { width: 100% !important; }
.pk-dialog .widget-text input { min-width: 0; }
.pk-book-totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 4px 0 8px 0; }
.pk-total { border: 1px solid var(--jp-border-color2, #cbd6e2); border-radius: 6px;
            padding: 4px 10px; font-size: 12px; background: var(--jp-layout-color1, #f5f8fa); }
.pk-total b { display: block; font-size: 16px; }
.pk-overdue { color: var(--jp-error-color1, #c93b41); font-weight: 600; }
.pk-flag { display: inline-block; border-radius: 10px; padding: 0 6px; font-size: 11px;
           background: var(--jp-error-color3, #fdedee); color: var(--jp-error-color1, #8a1c22);
           white-space: nowrap; }
.pk-print-only { display: none; }
.pk-link-btn { border: 0; background: none; padding: 0; font: inherit; cursor: pointer;
               color: var(--jp-brand-color1, #0091ae); text-align: left;
               text-decoration: underline; }
@media (max-width: 760px) {
  .pk-dash { padding: 2px !important; }
  .pk-dash .widget-text, .pk-dash .widget-dropdown, .pk-dash .widget-datepicker,
  .pk-dash .widget-toggle-button, .pk-dash .jupyter-button.pk-sort-desc {
    width: 100% !important; max-width: 100% !important; }
  .pk-dash .widget-hbox { flex-wrap: wrap; }
  .pk-nav .jupyter-button { width: auto !important; flex: 1 1 auto; }
  .pk-client-grid { border: 0; overflow-x: visible; }
  .pk-client-grid .pk-head { display: none !important; }
  .pk-client-row { grid-template-columns: 1fr 1fr !important; gap: 4px 10px; padding: 8px;
                   margin: 6px 0; border: 1px solid var(--jp-border-color2, #cbd6e2);
                   border-radius: 6px; }
  .pk-client-row > div { white-space: normal; overflow: visible; }
  .pk-client-row > .pk-col-0, .pk-client-row > .pk-col-3 { grid-column: 1 / -1; }
  .pk-client-row > .num { text-align: left; }
  .pk-client-row > .num[data-label]::before { content: attr(data-label); display: block;
                                              font-size: 11px; color: #516f90; }
  .pk-client-row > .pk-actions-cell { grid-column: 1 / -1; }
  .pk-actions-btn { width: 100%; padding: 8px; font-size: 14px; }
  .pk-badge { white-space: normal; }
  .pk-client-panel, .pk-clients-body.pk-panel-open .pk-client-panel {
    position: fixed !important; inset: 0; width: 100vw !important; max-width: 100vw !important;
    height: 100vh; max-height: 100vh; margin: 0; border-radius: 0; z-index: 1200; }
  .pk-panel-close { width: 44px !important; height: 40px; }
  .pk-dash .pk-table { display: block; overflow-x: auto; }
  .pk-breakdown-body { overflow-x: auto; }
  .pk-breakdown-names { position: sticky; left: 0; z-index: 2;
                        background: var(--jp-layout-color0, #fff); }
  .pk-breakdown-names, .pk-breakdown-names .jupyter-button { width: 150px !important; }
  .pk-calc-panel { position: fixed !important; inset: 0; width: 100vw !important;
                   min-width: 0 !important; margin: 0 !important; z-index: 1200;
                   overflow-y: auto; background: var(--jp-layout-color0, #fff); }
  .pk-calc-toggle { position: relative; z-index: 1300; }
}
@media print {
  @page { size: auto; margin: 12mm; }
  .pk-header, .pk-nav, .pk-messages, .pk-pager, .pk-actions-cell, .pk-head .pk-col-8,
  .pk-col-7, .pk-client-panel, .pk-menu, .pk-bridge, .pk-dialog, .pk-undo-box,
  .pk-renewal-toggle, .pk-client-controls, .pk-print-controls, .pk-calc-toggle, .pk-calc-panel,
  .pk-dash .jupyter-button, .pk-dash .widget-dropdown, .pk-dash .widget-text,
  .pk-dash .widget-datepicker, .pk-screen-only { display: none !important; }
  .pk-print-only { display: block !important; }
  .pk-printing .pk-client-grid, .pk-printing .pk-empty { display: none !important; }
  .pk-print-table { font-size: 10px; }
  .pk-print-table td:first-child { white-space: nowrap; }
  /* Voilà's page lives in absolutely placed Lumino panels sized to the window: in print they
     must flow, or everything past the first screen (or all of it) is cut. */
  .jp-LabShell, .lm-BoxPanel, .lm-BoxPanel-child, .lm-Panel, #main, #voila-main {
    position: static !important; height: auto !important; max-height: none !important;
    overflow: visible !important; contain: none !important; inset: auto !important;
    transform: none !important; }
  html, body, #rendered_cells, .jp-Cell, .jp-OutputArea, .jp-OutputArea-output, .lm-Widget,
  .pk-dash, .pk-page, .pk-client-grid { overflow: visible !important; height: auto !important;
                                       max-height: none !important; }
  .pk-row, .pk-table tr, img { break-inside: avoid; }
  .pk-row { grid-template-columns: 2fr .8fr .9fr 1.5fr 1fr 1fr 1fr !important; font-size: 10px; }
}
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

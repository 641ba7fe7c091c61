"""One theme for every partnerkit page (issue 17): dashboard, calculator, report HTML and the
notebook reprs take their colours from JupyterLab's CSS variables, with light fallbacks.

JupyterLab Light/Dark and Voilà (`--theme=light|dark`, `partnerkit serve --theme`) define the
`--jp-*` variables; a page without them (a report opened as a file, a PDF) gets the light
palette. Each app includes `THEME_CSS` after its own stylesheet: the rules here only set colours
(with one more class of specificity), so the apps' layout rules stay where they are.

Tints (alerts, badges) are mixed from the theme's colour and the page background, so they are
pale on a light page and dark on a dark one, and the text on them is the theme's text colour.
"""

from __future__ import annotations

import re

ROOTS = ".pk-dash, .pk-calculator, .pk-report, .pk-repr"
PHONE = 760  # px: the dashboard's phone layout (its @media rule, docs/dashboard.md)
NARROW = 1100  # px: below it tables drop their less needed columns
BREAKPOINTS = (PHONE, NARROW)

_VARIABLES = """
:is(.pk-dash, .pk-calculator, .pk-report, .pk-repr) {
  --pk-bg: var(--jp-layout-color0, #fff);
  --pk-bg-raised: var(--jp-layout-color1, #fff);
  --pk-bg-head: var(--jp-layout-color2, #f5f8fa);
  --pk-fg: var(--jp-content-font-color1, #213343);
  --pk-fg-ui: var(--jp-ui-font-color1, #213343);
  --pk-muted: var(--jp-ui-font-color2, #516f90);
  --pk-border: var(--jp-border-color2, #cbd6e2);
  --pk-border-strong: var(--jp-border-color1, #99acc2);
  --pk-link: var(--jp-content-link-color, #0091ae);
  --pk-warn: var(--jp-warn-color1, #f5c26b);
  --pk-error: var(--jp-error-color1, #f2545b);
  --pk-success: var(--jp-success-color1, #00bda5);
  --pk-info: var(--jp-info-color1, #7fd1de);
  --pk-warn-text: var(--jp-warn-color0, #b5520b);
  /* Status text: the theme's colour pulled towards the text colour, readable on both themes. */
  --pk-up: color-mix(in srgb, var(--jp-success-color1, #00a37c) 70%, var(--pk-fg));
  --pk-down: color-mix(in srgb, var(--jp-error-color1, #d62f3a) 70%, var(--pk-fg));
  color: var(--pk-fg);
}
"""


def _tint(var: str, percent: int = 16) -> str:
    return f"color-mix(in srgb, var({var}) {percent}%, var(--pk-bg))"


_DASHBOARD = f"""
.pk-dash .pk-muted, .pk-dash .pk-asof, .pk-dash .pk-empty, .pk-dash .pk-derived {{
  color: var(--pk-muted); }}
.pk-dash .pk-card, .pk-dash .pk-client-panel {{ background: var(--pk-bg); color: var(--pk-fg);
  border-color: var(--pk-border); }}
.pk-dash .pk-alert {{ background: {_tint("--pk-warn")}; border-color: var(--pk-warn);
  color: var(--pk-fg); }}
.pk-dash .pk-warn, .pk-dash .pk-msg-error {{ background: {_tint("--pk-error")};
  border-color: var(--pk-error); color: var(--pk-fg); }}
.pk-dash .pk-ok {{ background: {_tint("--pk-success")}; border-color: var(--pk-success);
  color: var(--pk-fg); }}
.pk-dash .pk-msg-info {{ background: {_tint("--pk-info")}; border-color: var(--pk-info);
  color: var(--pk-fg); }}
.pk-dash .pk-table th, .pk-dash .pk-row.pk-head {{ background: var(--pk-bg-head);
  color: var(--pk-fg); border-bottom-color: var(--pk-border); }}
.pk-dash .pk-table td, .pk-dash .pk-row {{ border-bottom-color: var(--pk-border); }}
.pk-dash .pk-badge {{ background: var(--pk-bg-head); color: var(--pk-fg); }}
.pk-dash .pk-band-low {{ background: {_tint("--pk-error", 22)}; }}
.pk-dash .pk-band-medium {{ background: {_tint("--pk-warn", 22)}; }}
.pk-dash .pk-band-high {{ background: {_tint("--pk-success", 22)}; }}
.pk-dash .pk-link, .pk-dash a, .pk-dash .pk-progress-details summary {{
  color: var(--pk-link); }}
.pk-dash .pk-risks-urgent {{ background: {_tint("--pk-error")}; border-color: var(--pk-error);
  color: var(--pk-fg); }}
.pk-dash .pk-risks-soon {{ background: {_tint("--pk-warn")}; border-color: var(--pk-warn);
  color: var(--pk-fg); }}
.pk-dash .pk-risks-later {{ background: {_tint("--pk-info")}; border-color: var(--pk-info);
  color: var(--pk-fg); }}
.pk-dash .pk-risks-none {{ background: {_tint("--pk-success")}; border-color: var(--pk-success);
  color: var(--pk-fg); }}
.pk-dash .pk-projection-note {{ color: var(--pk-muted); }}
.pk-dash .pk-change-total, .pk-dash .pk-behind-list,
.pk-dash .pk-behind-totals .jupyter-button {{ background: var(--pk-bg-raised);
  border-color: var(--pk-border); color: var(--pk-fg); }}
.pk-dash .pk-behind-totals .jupyter-button.mod-active {{ background: {_tint("--pk-info", 24)}; }}
.pk-dash .pk-change-new b {{ color: var(--pk-up); }}
.pk-dash .pk-change-lost b {{ color: var(--pk-down); }}
.pk-dash .pk-progress-item {{ background: var(--pk-bg-raised); border-color: var(--pk-border);
  color: var(--pk-fg); }}
.pk-dash .pk-msg-text-error, .pk-calculator .pk-msg-text-error {{ color: var(--pk-down); }}
"""

_CALCULATOR = f"""
.pk-calculator .pk-figure {{ background: var(--pk-bg-head); border-color: var(--pk-border); }}
.pk-calculator .pk-figure-label, .pk-calculator .pk-hint-indent {{ color: var(--pk-muted); }}
.pk-calculator .pk-figure-value, .pk-calculator .pk-how {{ color: var(--pk-fg); }}
.pk-calculator .pk-figure.pk-empty .pk-figure-value {{ color: var(--pk-muted); }}
.pk-calculator .pk-note {{ background: {_tint("--pk-warn")}; border-left-color: var(--pk-warn);
  color: var(--pk-fg); }}
.pk-calculator .pk-gap-table th, .pk-calculator .pk-gap-table td {{
  border-color: var(--pk-border); }}
.pk-calculator .pk-gap-table th {{ background: var(--pk-bg-head); }}
"""

_REPORT = """
.pk-report .muted { color: var(--pk-muted); }
.pk-report .est { color: var(--pk-warn-text); }
.pk-report .up { color: var(--pk-up); } .pk-report .down { color: var(--pk-down); }
.pk-report table th, .pk-report table td { border-bottom-color: var(--pk-border); }
.pk-report .card { border-color: var(--pk-border); background: var(--pk-bg-raised); }
.pk-report .card .big { color: var(--pk-fg); }
.pk-repr table { border-collapse: collapse; }
.pk-repr th { background: var(--pk-bg-head); }
.pk-repr td, .pk-repr th { border-bottom: 1px solid var(--pk-border); }
"""

# Panels are bounded by the visible height of what scrolls them (the notebook in JupyterLab,
# the window in Voila): the host helper measures it into --pk-visible-height.
_PANELS = f"""
.pk-dash .pk-client-panel {{
  max-height: var(--pk-visible-height, 100vh) !important; overflow-y: auto; }}
/* A sticky panel sticks to the nearest box that scrolls: in a notebook that must be the
   notebook, so the boxes between the panel and the notebook (widget boxes, output area) let it
   through. */
.pk-dash[data-pk-host="notebook"],
.pk-dash[data-pk-host="notebook"] .widget-box:has(.pk-client-panel),
.jp-OutputArea:has(.pk-dash[data-pk-host="notebook"] .pk-client-panel),
.jp-OutputArea-child:has(.pk-dash[data-pk-host="notebook"] .pk-client-panel),
.jp-OutputArea-output:has(.pk-dash[data-pk-host="notebook"] .pk-client-panel) {{
  overflow-x: clip !important; overflow-y: visible !important; min-width: 0 !important; }}
/* ... and the table beside an open panel narrows (its grid scrolls sideways by itself). */
.pk-dash[data-pk-host="notebook"] .pk-clients-body > * {{ min-width: 0; }}
.pk-dash[data-pk-host="notebook"] .pk-clients-body .pk-client-panel {{ width: min(480px, 42%); }}
/* In a notebook (not Voila) a narrow dashboard's panel is no full-window sheet over JupyterLab:
   it opens above the table, full width, inside the output area. */
.pk-dash[data-pk-host="notebook"][data-pk-below~="{PHONE}"] .pk-clients-body.pk-panel-open {{
  flex-wrap: wrap !important; }}
.pk-dash[data-pk-host="notebook"][data-pk-below~="{PHONE}"] .pk-clients-body .pk-client-panel {{
  position: sticky !important; inset: auto !important; top: 0; order: -1;
  width: 100% !important; max-width: 100% !important; flex: 0 0 100% !important;
  height: auto !important; max-height: var(--pk-visible-height, 100vh) !important;
  margin: 0 0 8px 0 !important; border-radius: 6px; z-index: 10; }}
"""

# The calculator by its own width (alone, or beside the dashboard): labels above the fields.
_NARROW_CALCULATOR = f"""
.pk-calculator[data-pk-below~="{PHONE}"] .widget-inline-hbox {{ flex-wrap: wrap;
  height: auto !important; }}
.pk-calculator[data-pk-below~="{PHONE}"] .widget-inline-hbox > .widget-label {{
  width: 100% !important; max-width: 100% !important; text-align: left !important;
  white-space: normal; overflow: visible; }}
.pk-calculator[data-pk-below~="{PHONE}"] .widget-inline-hbox > :not(.widget-label) {{
  max-width: 100%; }}
.pk-calculator[data-pk-below~="{PHONE}"] .pk-hint-indent,
.pk-calculator[data-pk-below~="{PHONE}"] .pk-field-message div {{ margin-left: 0; }}
.pk-calculator .widget-tab, .pk-calculator .pk-figures {{ max-width: 100%; }}
"""

# The dashboard's client table in a narrow space (a JupyterLab output area beside the file
# browser is ~1,000 px; a phone is below PHONE): the Links column goes (the row's Actions menu
# opens the same CRM and account links) and the columns tighten, so every cell shows.
_NARROW = f'.pk-dash[data-pk-below~="{NARROW}"]:not([data-pk-below~="{PHONE}"])'
_NARROW_DASHBOARD = f"""
{_NARROW} .pk-clients-body:not(.pk-panel-open) .pk-row .pk-col-7 {{ display: none; }}
{_NARROW} .pk-clients-body:not(.pk-panel-open) .pk-row {{
  grid-template-columns: minmax(128px,2fr) minmax(76px,.8fr) minmax(84px,.9fr)
                         minmax(104px,1.5fr) 112px minmax(92px,1fr) minmax(92px,1fr) 104px
                         !important; }}
"""

THEME_RULES = (_NARROW_DASHBOARD + _VARIABLES + _DASHBOARD + _CALCULATOR + _REPORT + _PANELS
               + _NARROW_CALCULATOR + ".pk-host { display: none !important; }\n")
THEME_CSS = f"<style>{THEME_RULES}</style>"

# --- layout by the app's own width ---------------------------------------------------------------
_MEDIA = re.compile(r"@media\s*\(\s*max-width:\s*(\d+)px\s*\)\s*\{")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _block(css: str, start: int) -> tuple[str, int]:
    """The text inside the braces opening just before `start`, and the index after them."""
    depth, i = 1, start
    while depth and i < len(css):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        i += 1
    return css[start:i - 1], i


def _scoped(selector: str, root: str, scope: str) -> str:
    sel = selector.strip()
    after = sel[len(root):len(root) + 1]
    if sel.startswith(root) and (after == "" or after in " .:[>+~#"):
        return scope + sel[len(root):]  # a rule of the root itself
    return f"{scope} {sel}"


def container_css(css: str, root: str = ".pk-dash") -> str:
    """`css`'s `@media (max-width: Npx)` rules again, applied by the app's own width in a notebook:
    each rule scoped to `root[data-pk-host="notebook"][data-pk-below~="N"]` (set by the host
    helper), so a dashboard in a 700 px JupyterLab output area gets its phone layout as a 700 px
    window does."""
    css = _COMMENT.sub("", css)
    out = []
    for m in _MEDIA.finditer(css):
        # Voila: the window is the app's space and the @media rules do it; a notebook's output
        # area is narrower than the window, so there the app's own width decides.
        scope = f'{root}[data-pk-host="notebook"][data-pk-below~="{m.group(1)}"]'
        inner, _ = _block(css, m.end())
        for sel, body in _RULE.findall(inner):
            if sel.strip().startswith("@"):
                continue
            scoped = ", ".join(_scoped(s, root, scope) for s in sel.split(","))
            out.append(f"{scoped} {{{body}}}")
    return "\n".join(out)


def themed(css: str, root: str = ".pk-dash") -> str:
    """An app's stylesheet (a `<style>` block) followed by its width rules and the theme."""
    extra = container_css(css, root)
    return css + (f"<style>{extra}</style>" if extra else "") + THEME_CSS

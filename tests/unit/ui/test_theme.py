"""The shared theme (issue 17): colours from JupyterLab's variables with light fallbacks, the
apps' `@media` rules applied again by their own width, and the host helper in both apps."""

from __future__ import annotations

import re

from partnerkit.ui.host import HostHelper
from partnerkit.ui.theme import BREAKPOINTS, PHONE, THEME_CSS, container_css, themed


def test_every_theme_colour_is_a_jupyterlab_variable_with_a_light_fallback():
    variables = re.findall(r"--pk-[a-z-]+: var\((--jp-[a-z0-9-]+), (#[0-9a-f]{3,6})\)", THEME_CSS)
    assert len(variables) >= 12
    assert {v for v, _ in variables} >= {"--jp-layout-color0", "--jp-ui-font-color2",
                                         "--jp-border-color2", "--jp-content-font-color1"}
    # No fixed light background left for a card, a table header or the calculator's figures.
    for selector in (".pk-dash .pk-card", ".pk-dash .pk-table th", ".pk-calculator .pk-figure"):
        rule = THEME_CSS.split(selector, 1)[1].split("}", 1)[0]
        assert "background: var(--pk-" in rule, selector


def test_media_rules_are_repeated_for_the_apps_own_width():
    css = """<style>.a { color: red; }
    @media (max-width: 760px) {
      .pk-dash { padding: 2px; }
      .pk-dash .widget-text, .pk-row > div { width: 100%; }  /* a comment { } */
    }
    @media print { .pk-nav { display: none; } }</style>"""
    out = container_css(css)
    scope = '.pk-dash[data-pk-host="notebook"][data-pk-below~="760"]'
    assert out.splitlines() == [
        f'{scope} {{ padding: 2px; }}',
        f'{scope} .widget-text, {scope} .pk-row > div {{ width: 100%; }}',
    ]
    assert "print" not in out and ".a" not in out
    assert themed(css).startswith(css) and themed(css).endswith(THEME_CSS)


def test_the_dashboard_and_the_calculator_carry_the_host_helper_and_the_theme():
    from partnerkit.ui.calculator import PointsCalculator

    calc = PointsCalculator()
    hosts = [c for c in calc.children if isinstance(c, HostHelper)]
    assert len(hosts) == 1 and hosts[0].root_selector == ".pk-calculator"
    assert hosts[0].breakpoints == list(BREAKPOINTS) and PHONE in BREAKPOINTS
    assert any(THEME_CSS in getattr(c, "value", "") for c in calc.children)
    from partnerkit.ui.host import ESM

    assert "data-lm-suppress-shortcuts" in ESM.read_text(encoding="utf-8")

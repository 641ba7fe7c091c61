"""The host helper (issue 17): one invisible anywidget inside an app's root that suppresses
JupyterLab's command-mode shortcuts on it, lays it out by its own width, bounds its panels by the
visible area and reports the page's theme. Its JavaScript (host.js, beside this file) is loaded
from the package, never from a CDN.

Used by the dashboard and the calculator: put `HostHelper(".pk-dash")` among the root's children.
`BREAKPOINTS` are the dashboard's widths (px) for a phone and a narrow table; the root carries
`data-pk-below="760 1100"` (the breakpoints its width is below), which `theme.container_css`
turns the apps' `@media (max-width: …)` rules into.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from partnerkit.ui.theme import BREAKPOINTS

ESM = Path(__file__).with_name("host.js")


class HostHelper(anywidget.AnyWidget):  # type: ignore[misc]  # anywidget is untyped
    _esm = ESM
    root_selector = traitlets.Unicode(".pk-dash, .pk-calculator").tag(sync=True)
    breakpoints = traitlets.List(traitlets.Int(), list(BREAKPOINTS)).tag(sync=True)
    dark = traitlets.Bool(False).tag(sync=True)

    def __init__(self, root_selector: str = ".pk-dash, .pk-calculator") -> None:
        super().__init__(root_selector=root_selector)
        self.add_class("pk-host")

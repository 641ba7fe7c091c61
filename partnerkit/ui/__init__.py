"""partnerkit's interactive UIs (ipywidgets, served by Voila): the points calculator (F3,
issue 5), the dashboard (F1, F2, F4; issue 4) and their shared i18n layer (`partnerkit.ui.i18n`).

Importing this package is cheap: the widget modules import ipywidgets only when used.
"""

from __future__ import annotations

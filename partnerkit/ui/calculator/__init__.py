"""The points calculator (F3, issues 5 and 11) as a package, like `partnerkit.ui.dashboard`.

Modules: `fields` (inputs that parse and explain themselves), `base` (CSS, default date, shared tab
plumbing), `points_tab` (F3.1), `currency_tab` (F3.2), `target_tab` ("What does it take?") and
`app` (the `PointsCalculator` VBox that puts them together). Imports go one way (fields -> base ->
tabs -> app), so there is no import cycle. The public names stay importable from here:
`from partnerkit.ui.calculator import PointsCalculator`.
"""

from partnerkit.ui.calculator.app import PointsCalculator, calculator
from partnerkit.ui.calculator.base import DOMAIN, default_as_of
from partnerkit.ui.calculator.fields import parse_localised_amount

__all__ = ["DOMAIN", "PointsCalculator", "calculator", "default_as_of", "parse_localised_amount"]

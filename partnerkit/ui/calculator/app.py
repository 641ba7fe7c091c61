"""The points calculator (F3, issue 5): an ipywidgets component with three tabs.

- **Points** (F3.1): amount sold in the client's currency, the client's country (searchable,
  growth markets marked), currency (defaulting from the country), deal type, date, "will you also
  manage this client?" and "how many other partners will manage this client?", and for upsells
  the date the product line was first sold -> Total, Sold and Managed points, how they were
  computed, and a note when a figure rests on an estimate.
- **Currency** (F3.2): points -> currency or currency -> points for a market and currency.
- **What does it take?**: a target tier and the current standing -> the sourced, assisted or
  managed MRR (client's currency) that alone would close each gap.

Every figure comes from the core (`partnerkit.points`, `partnerkit.tiers`); this module only reads
inputs, calls it and formats the answer with the shared Translator. It is a VBox, so the
dashboard embeds it as is (`PointsCalculator(rules, locale, standing)`) and `notebooks/
calculator.ipynb` just displays it. Errors go to a visible message (and the `partnerkit` logger).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as widgets

from partnerkit.ui.calculator.base import (
    CSS,
    DOMAIN,
    default_as_of,
    log,
)
from partnerkit.ui.calculator.currency_tab import CurrencyTab
from partnerkit.ui.calculator.points_tab import PointsTab
from partnerkit.ui.calculator.target_tab import TargetTab
from partnerkit.ui.host import HostHelper
from partnerkit.ui.i18n import LANGUAGES, Translator, translator
from partnerkit.ui.theme import themed
from partnerkit.ui.widgets_common import MessageArea, esc, guarded


class PointsCalculator(widgets.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """The F3 points calculator component (also the dashboard's Tier-page side panel).

    PointsCalculator(rules=None, locale="en", standing=None, on=None)
      rules    a Rulebook (default: load_rules(), i.e. shipped + $PARTNERKIT_RULES)
      locale   "en", "pt_PT" or "pt_BR" (switchable in the component and with set_locale)
      standing the partner's current Standing (from the dashboard) for "What does it take?"
      on       the default date (default: $PARTNERKIT_AS_OF or today)
    """

    def __init__(
        self,
        rules: Any = None,
        locale: str = "en",
        standing: Any = None,
        on: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.add_class("pk-calculator")
        self.t: Translator = translator(locale, DOMAIN)
        self.on: dt.date = on or default_as_of()
        self.standing = standing
        self._rules = rules
        self._rules_error: str | None = None
        self._busy = 0
        self._build_ok = False
        self._standing_applied = False
        self.message = MessageArea(css_class="pk-calc-message")
        self.title = widgets.HTML()
        self.title.add_class("pk-calc-title")
        self.language = widgets.Dropdown(
            options=[(name, code) for code, name in LANGUAGES.items()],
            value=self.t.code,
            layout={"width": "22em"},
        )
        self.language.add_class("pk-language")
        self.points = PointsTab(self)
        self.currency = CurrencyTab(self)
        self.target = TargetTab(self)
        self.tabs = widgets.Tab(children=[self.points.box, self.currency.box, self.target.box])
        self.tabs.add_class("pk-calc-tabs")
        self.children = [
            widgets.HTML(themed(CSS, ".pk-calculator")),  # width rules + theme (issue 17)
            HostHelper(".pk-calculator"),
            widgets.HBox([self.title, self.language]),
            self.message.widget,
            self.tabs,
        ]
        self._busy += 1
        try:
            self._guarded_relabel()
        finally:
            self._busy -= 1
        self.points.watch()
        self.currency.watch()
        self.target.watch()
        self.language.observe(self._on_language, "value")
        self.recompute_all()

    @property
    def widget(self) -> PointsCalculator:
        """The displayable widget (the component itself)."""
        return self

    # -- rules ----------------------------------------------------------------------------------
    def get_rules(self) -> Any:
        """The Rulebook, loading it on first use; None (with the reason shown) if it fails."""
        if self._rules is None and self._rules_error is None:
            try:
                from partnerkit.rules_io import load_rules

                self._rules = load_rules()
            except ValueError as exc:  # RulesError: a plain list of problems
                self._rules_error = str(exc)
                log.error("calculator: cannot load rules: %s", exc)
        if self._rules is None:
            self.message.error(
                self.t(
                    "The program rules could not be loaded: {error}", error=self._rules_error or ""
                )
            )
        return self._rules

    # -- public API used by the dashboard -------------------------------------------------------
    def set_locale(self, code: str) -> None:
        """Switch the language of the whole component (en, pt_PT, pt_BR)."""
        t = translator(code, DOMAIN)
        if t is self.t and self.language.value == t.code:
            return
        self.t = t
        self._busy += 1
        try:
            self.language.value = t.code
            self._guarded_relabel()
        finally:
            self._busy -= 1
        self.recompute_all()

    def set_standing(self, standing: Any) -> None:
        """The partner's current standing (from the dashboard), for "What does it take?"."""
        self.standing = standing
        self._busy += 1
        try:
            self.target.apply_standing(standing)
        finally:
            self._busy -= 1
        self._recompute("target")

    def recompute_all(self) -> None:
        self._recompute("points")
        self._recompute("currency")
        self._recompute("target")

    # -- internals ------------------------------------------------------------------------------
    def _relabel(self) -> None:
        t = self.t
        self.title.value = "<h3>{}</h3>".format(esc(t("Points calculator")))
        self.language.description = t("Language")
        for i, title in enumerate((t("Points"), t("Currency"), t("What does it take?"))):
            self.tabs.set_title(i, title)
        self.points.relabel()
        self.currency.relabel()
        self.target.relabel()

    @guarded(lambda self: self.message, "building the calculator")
    def _guarded_relabel(self) -> None:
        self._build_ok = False
        self._relabel()
        if self.standing is not None and not self._standing_applied:
            self._standing_applied = True
            self.target.apply_standing(self.standing)
        self._build_ok = True  # not reached when relabelling failed: keep its message up

    @guarded(lambda self: self.message, "the calculation")
    def _recompute(self, which: str) -> None:
        getattr(self, which).recompute()
        if self._rules is not None and self._build_ok:
            self.message.clear()

    def _event(self, which: str, before: str | None = None) -> None:
        if self._busy:
            return
        self._busy += 1
        try:
            if before:
                self._step(which, before)
        finally:
            self._busy -= 1
        self._recompute(which)

    @guarded(lambda self: self.message, "the update")
    def _step(self, which: str, step: str) -> None:
        getattr(getattr(self, which), step)()

    def _on_language(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        self._guarded_locale(change["new"])

    @guarded(lambda self: self.message, "the language switch")
    def _guarded_locale(self, code: str) -> None:
        self.set_locale(code)

    def _on_points_change(self, change: dict[str, Any]) -> None:
        self._event("points")

    def _on_points_manage(self, change: dict[str, Any]) -> None:
        self._event("points")

    def _on_points_country(self, change: dict[str, Any]) -> None:
        self._event("points", "country_changed")

    def _on_points_date(self, change: dict[str, Any]) -> None:
        self._event("points", "refresh_lists")

    def _on_currency_change(self, change: dict[str, Any]) -> None:
        self._event("currency")

    def _on_currency_country(self, change: dict[str, Any]) -> None:
        self._event("currency", "country_changed")

    def _on_currency_date(self, change: dict[str, Any]) -> None:
        self._event("currency", "refresh_lists")

    def _on_target_change(self, change: dict[str, Any]) -> None:
        self._event("target")

    def _on_target_date(self, change: dict[str, Any]) -> None:
        self._event("target", "date_changed")

    def _on_target_country(self, change: dict[str, Any]) -> None:
        self._event("target", "country_changed")


def calculator(**kwargs: Any) -> PointsCalculator:
    """Build the calculator (for notebooks: `calculator()` displays as the last expression)."""
    return PointsCalculator(**kwargs)


__all__ = ["PointsCalculator", "calculator"]


def _dynamic_msgids(t: Translator) -> list[str]:
    """Tier names shown through t(name): listed here so the extractor sees them."""
    return [t("Gold"), t("Platinum"), t("Diamond"), t("Elite")]

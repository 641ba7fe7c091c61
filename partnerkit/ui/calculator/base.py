"""The calculator's shared parts (issue 5; package since issue 11): its CSS, the default date,
figure cards and the plumbing every tab shares (`_Tab`, `_ClientTab`)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from partnerkit.explain import RuleRef
from partnerkit.ui.calculator.fields import (
    CountryField,
    CurrencyField,
    DateField,
    default_currency,
)
from partnerkit.ui.i18n import Translator
from partnerkit.ui.widgets_common import MessageArea, esc

if TYPE_CHECKING:
    from partnerkit.ui.calculator.app import PointsCalculator

log = logging.getLogger("partnerkit")

DOMAIN = "calculator"
AS_OF_ENV = "PARTNERKIT_AS_OF"

CSS = """
<style>
.pk-calculator { max-width: 60em; }
.pk-calc-title h3 { margin: 0.2em 0; }
.pk-figures { display: flex; gap: 1em; flex-wrap: wrap; margin: 0.6em 0; }
.pk-figure { border: 1px solid #cbd6e2; border-radius: 6px; padding: 0.4em 0.9em;
             min-width: 9em; background: #f5f8fa; }
.pk-figure-label { font-size: 0.85em; color: #516f90; }
.pk-figure-value { font-size: 1.6em; font-weight: 600; color: #2d3e50; }
.pk-figure.pk-empty .pk-figure-value { color: #99acc2; }
.pk-how { font-size: 0.9em; color: #33475b; }
.pk-how ul { margin: 0.2em 0 0.2em 1.2em; padding: 0; }
.pk-note { background: #fef8f0; border-left: 3px solid #f5c26b; padding: 0.3em 0.6em;
           font-size: 0.9em; }
.pk-hint-indent { margin-left: min(27em, 45%); font-size: 0.85em; color: #516f90; }
.pk-field-message div { font-size: 0.85em; margin: 0 0 0.3em min(27em, 45%); }
.pk-gap-table { border-collapse: collapse; margin: 0.5em 0; }
.pk-gap-table th, .pk-gap-table td { border: 1px solid #cbd6e2; padding: 0.25em 0.6em;
                                     text-align: right; }
.pk-gap-table th:first-child, .pk-gap-table td:first-child { text-align: left; }
/* Narrow places (the dashboard's side panel, a phone): each label above its field, never cut. */
.pk-calc-panel .pk-calculator .widget-inline-hbox { flex-wrap: wrap; }
.pk-calc-panel .pk-calculator .widget-inline-hbox > .widget-label {
  width: 100% !important; max-width: 100% !important; text-align: left !important;
  white-space: normal; overflow: visible; }
.pk-calc-panel .pk-calculator .widget-inline-hbox > :not(.widget-label) {
  flex: 1 1 auto; width: auto !important; min-width: 0; }
.pk-calc-panel .pk-hint-indent, .pk-calc-panel .pk-field-message div { margin-left: 0; }
.pk-calc-panel .pk-calculator .widget-inline-hbox {
  width: 100% !important; max-width: 100% !important; height: auto !important; }
.pk-calc-panel .pk-calculator select, .pk-calc-panel .pk-calculator input {
  max-width: 100%; box-sizing: border-box; }
@media (max-width: 760px) {
  .pk-calculator .widget-inline-hbox { flex-wrap: wrap; width: 100% !important;
                                       max-width: 100% !important; height: auto !important; }
  .pk-calculator select, .pk-calculator input { max-width: 100%; box-sizing: border-box; }
  .pk-calculator .widget-tab { width: 100% !important; }
  .pk-calculator .widget-inline-hbox > .widget-label {
    width: 100% !important; max-width: 100% !important; text-align: left !important;
    white-space: normal; overflow: visible; }
  .pk-calculator .widget-inline-hbox > :not(.widget-label) {
    flex: 1 1 auto; width: auto !important; min-width: 0; }
  .pk-hint-indent, .pk-field-message div { margin-left: 0; }
  .pk-calculator .lm-TabBar-tab { min-width: 0 !important; }
}
</style>
"""


def default_as_of() -> dt.date:
    """$PARTNERKIT_AS_OF (YYYY-MM-DD) when set, else today."""
    raw = os.environ.get(AS_OF_ENV, "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            log.warning("%s=%r is not a YYYY-MM-DD date; using today", AS_OF_ENV, raw)
    return dt.date.today()


def _core() -> Any:
    """The core calculator API (imported lazily: the core may be replaced in tests)."""
    from partnerkit import points

    return points


def estimated_currencies(rules: Any, on: dt.date) -> set[str]:
    """Currencies whose amount in force on `on` is an estimate (one pass over the rows)."""
    return {
        c.currency
        for c in rules.currencies_
        if c.in_force(on) and c.provenance in ("estimate", "derived")
    }


def _figure(css: str, label: str, value: str | None, exact: object = None) -> str:
    empty = value is None
    shown = "—" if empty else value
    data = f' data-exact="{esc(exact)}"' if exact is not None else ""
    return (
        f'<div class="pk-figure {css}{" pk-empty" if empty else ""}">'
        f'<div class="pk-figure-label">{esc(label)}</div>'
        f'<div class="pk-figure-value"{data}>{esc(shown)}</div></div>'
    )


def _figures(items: list[str]) -> str:
    return '<div class="pk-figures">' + "".join(items) + "</div>"


def _points_figures(t: Any, result: Any) -> str:
    """Total, sold and managed points of an estimate or conversion (blank before the first one)."""
    names = (
        ("pk-total", "total_points"),
        ("pk-sold", "sold_points"),
        ("pk-managed", "managed_points"),
    )
    labels = {
        "total_points": t("Total points"),
        "sold_points": t("Sold points"),
        "managed_points": t("Managed points"),
    }
    if result is None:
        return _figures([_figure(css, labels[attr], None) for css, attr in names])
    return _figures(
        [
            _figure(css, labels[attr], t.points(getattr(result, attr)), getattr(result, attr))
            for css, attr in names
        ]
    )


class _Tab:
    """Shared plumbing of one tab: the parent component, a result area, rendering helpers."""

    def __init__(self, calc: PointsCalculator) -> None:
        self.calc = calc
        self.figures = widgets.HTML()
        self.figures.add_class("pk-results")
        self.how = widgets.HTML()
        self.how.add_class("pk-how")
        self.note = widgets.HTML()
        self.note.add_class("pk-notes")
        self.problem = MessageArea(css_class="pk-tab-message")
        self.result: Any = None

    @property
    def t(self) -> Translator:
        return self.calc.t

    def estimate_note(self, refs: list[RuleRef], rules: Any, on: dt.date) -> str:
        """A visible note for every figure behind the result that is not HubSpot's own."""
        t = self.t
        lines = []
        for ref in refs:
            if not ref.is_estimate and ref.provenance != "user":
                continue
            if ref.table == "currencies":
                try:
                    amount = rules.currency_rule(ref.key, on).local_per_100
                    what = t(
                        "The amount of {ccy} that counts as US$100 ({amount}) is a partnerkit "
                        "estimate, not HubSpot's figure.",
                        ccy=ref.key,
                        amount=t.decimal(amount, places=2),
                    )
                except ValueError:
                    what = t("The {ccy} amount is a partnerkit estimate.", ccy=ref.key)
            elif ref.table == "growth_markets":
                what = t(
                    "The growth-market list for this country is a partnerkit estimate "
                    "(HubSpot does not list its Latin American countries)."
                )
            elif ref.table == "tiers":
                what = t(
                    "The {tier} thresholds are derived by partnerkit from HubSpot's older "
                    "figures, not published by HubSpot.",
                    tier=t(ref.key),
                )
            elif ref.table == "rates":
                what = t(
                    "The {key} rate is derived by partnerkit, not published by HubSpot.",
                    key=ref.key,
                )
            else:
                what = t("{table} {key} is an estimate.", table=ref.table, key=ref.key)
            if ref.provenance == "user":
                what = "{}: {} ({}: {})".format(
                    t("Rules changed by the user"), what, t("Rules file"), ref.source
                )
            lines.append(what)
        if not lines:
            return ""
        lines.append(t("HubSpot's own record decides"))
        heading = t("Note: estimate")
        body = "".join(f"<li>{esc(x)}</li>" for x in dict.fromkeys(lines))
        return f'<div class="pk-note"><b>{esc(heading)}</b><ul>{body}</ul></div>'

    def clear_outputs(self, figures_html: str) -> None:
        self.result = None
        self.figures.value = figures_html
        self.how.value = ""
        self.note.value = ""


class _ClientTab(_Tab):
    """A tab with the client's country, currency and a date: the lists follow the date's rules
    (growth markets, supported currencies) and the currency follows the country."""

    country: CountryField
    currency: CurrencyField
    date: DateField

    def __init__(self, calc: PointsCalculator) -> None:
        super().__init__(calc)
        self._country_currency = ""
        self._growth_key: tuple[str, frozenset[str]] | None = None

    def refresh_lists(self, force: bool = False) -> None:
        """Country list (growth markets on the date) and supported currencies on the date."""
        calc = self.calc
        on = self.date.widget.value or calc.on
        rules = calc.get_rules()
        if rules is None:
            return
        growth = rules.growth_countries(on)
        key = (self.t.code, growth)
        if force or key != self._growth_key:
            self.country.relabel(self.t, growth)
            self._growth_key = key
        supported = rules.currencies(on)
        estimated = estimated_currencies(rules, on)
        keep = self.currency.widget.value
        if keep is None:
            keep = self._default_currency(supported, on)
        self.currency.relabel(self.t, supported, estimated, keep)

    def _default_currency(self, supported: list[str], on: dt.date) -> str | None:
        code = self.country.code()
        if code is None:
            return None
        ccy, own = default_currency(code, on, supported)
        self._country_currency = own
        return ccy

    def country_changed(self) -> None:
        """A new country: its currency becomes the default (the user may change it after)."""
        rules = self.calc.get_rules()
        if rules is None or self.country.code() is None:
            return
        on = self.date.widget.value or self.calc.on
        ccy = self._default_currency(rules.currencies(on), on)
        self.currency.widget.value = ccy

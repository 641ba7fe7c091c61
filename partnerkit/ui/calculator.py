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
import logging
import os
from decimal import Decimal
from typing import Any

import ipywidgets as widgets

from partnerkit.explain import RuleRef
from partnerkit.ui.calculator_fields import (
    DESCRIPTION_STYLE,
    FIELD_LAYOUT,
    AmountField,
    CountField,
    CountryField,
    CurrencyField,
    DateField,
    default_currency,
    set_options_keeping,
)
from partnerkit.ui.i18n import LANGUAGES, Translator, translator
from partnerkit.ui.widgets_common import MessageArea, esc, guarded

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
    names = (("pk-total", "total_points"), ("pk-sold", "sold_points"),
             ("pk-managed", "managed_points"))
    labels = {"total_points": t("Total points"), "sold_points": t("Sold points"),
              "managed_points": t("Managed points")}
    if result is None:
        return _figures([_figure(css, labels[attr], None) for css, attr in names])
    return _figures([
        _figure(css, labels[attr], t.points(getattr(result, attr)), getattr(result, attr))
        for css, attr in names
    ])


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


class PointsTab(_ClientTab):
    """F3.1: what one deal earns."""

    def __init__(self, calc: PointsCalculator) -> None:
        super().__init__(calc)
        on = calc.on
        self.amount = AmountField("pk-amount")
        self.country = CountryField("pk-country", code="US")
        self.currency = CurrencyField("pk-currency")
        self.deal_type = widgets.Dropdown(
            options=[("sourced", "sourced")],
            value="sourced",
            style=DESCRIPTION_STYLE,
            layout=FIELD_LAYOUT,
        )
        self.deal_type.add_class("pk-deal-type")
        self.date = DateField("pk-date", on)
        self.manage = widgets.Checkbox(value=False, indent=False)
        self.manage.add_class("pk-manage")
        self.others = CountField("pk-others")
        self.first_sold = DateField("pk-first-sold", None)
        self.first_sold_hint = widgets.HTML()
        self.heading_out = widgets.HTML()
        self.box = widgets.VBox(
            [
                self.amount.box,
                self.country.box,
                self.currency.box,
                self.deal_type,
                self.date.box,
                self.first_sold.box,
                self.first_sold_hint,
                self.manage,
                self.others.box,
                self.problem.widget,
                self.heading_out,
                self.figures,
                self.how,
                self.note,
            ]
        )
        self.box.add_class("pk-points-tab")
        self.others.show(False)

    def watch(self) -> None:
        calc = self.calc
        for w in (
            self.amount.widget,
            self.deal_type,
            self.others.widget,
            self.first_sold.widget,
            self.currency.widget,
        ):
            w.observe(calc._on_points_change, "value")
        self.manage.observe(calc._on_points_manage, "value")
        self.country.widget.observe(calc._on_points_country, "value")
        self.date.widget.observe(calc._on_points_date, "value")

    def relabel(self) -> None:
        t = self.t
        self.amount.widget.description = t("Amount sold (monthly, client's currency)")
        self.amount.widget.placeholder = t("e.g. 1000")
        self.country.widget.description = t("Client's country")
        self.country.widget.placeholder = t("Type to search, e.g. Brazil")
        self.currency.widget.description = t("Client's currency")
        self.deal_type.description = t("Deal type")
        set_options_keeping(
            self.deal_type,
            [(t("Partner sourced"), "sourced"), (t("Partner assisted"), "assisted")],
            self.deal_type.value,
            "sourced",
        )
        self.date.widget.description = t("Date of the sale")
        self.first_sold.widget.description = t("Product line first sold on (upsells)")
        self.first_sold_hint.value = (
            '<div class="pk-hint pk-hint-indent">'
            + esc(
                t(
                    "Optional. For an upsell, the date the client first bought this product "
                    "line: it decides the sourced rate."
                )
            )
            + "</div>"
        )
        self.manage.description = t("Will you also manage this client?")
        self.others.widget.description = t("How many other partners will manage this client?")
        self.heading_out.value = "<h4>{}</h4>".format(esc(t("Points for this deal")))
        self.refresh_lists(force=True)

    def figures_html(self, e: Any = None) -> str:
        t = self.t
        return _points_figures(t, e)

    def recompute(self) -> None:
        t = self.t
        self.others.show(bool(self.manage.value))
        rules = self.calc.get_rules()
        amount = self.amount.read(t)
        country = self.country.read(t)
        currency = self.currency.read(t, self._country_currency)
        on = self.date.read(t)
        first_sold = self.first_sold.read(t, required=False)
        others = self.others.read(t) if self.manage.value else 0
        if self.deal_type.value != "sourced" or first_sold is None:
            self.first_sold.message.clear()
        if first_sold is not None and on is not None and first_sold > on:
            self.first_sold.message.error(
                t("The product line cannot be first sold after this sale's date.")
            )
            first_sold = None
            amount = None  # invalid input: no result
        if (
            rules is None
            or amount is None
            or country is None
            or currency is None
            or on is None
            or others is None
        ):
            self.problem.clear()
            self.clear_outputs(self.figures_html(None))
            return
        try:
            e = _core().estimate_points(
                amount=amount,
                currency=currency,
                country=country,
                deal_type=self.deal_type.value,
                on=on,
                rules=rules,
                first_sold=first_sold,
                manage=bool(self.manage.value),
                other_partners=others,
            )
        except ValueError as exc:  # the core's plain input errors
            self.problem.error(str(exc))
            self.clear_outputs(self.figures_html(None))
            return
        self.problem.clear()
        self.result = e
        self.figures.value = self.figures_html(e)
        self.how.value = self.how_html(e, rules, amount, currency, country, on, first_sold, others)
        self.note.value = self.estimate_note(list(e.rules_used), rules, on)

    def how_html(
        self,
        e: Any,
        rules: Any,
        amount: Decimal,
        currency: str,
        country: str,
        on: dt.date,
        first_sold: dt.date | None,
        others: int,
    ) -> str:
        t = self.t
        deal = self.deal_type.value
        local = rules.currency_rule(currency, on).local_per_100
        sold_rate = rules.rate(deal, e.market, on, first_sold).points_per_100
        lines = [
            t(
                "{amount} sold; {local} counts as US$100.",
                amount=t.money(amount, currency),
                local=t.money(local, currency),
            ),
            t(
                "{country}: {market}.",
                country=t.country(country),
                market=t("growth market") if e.market == "growth" else t("standard market"),
            ),
        ]
        if deal == "sourced":
            lines.append(
                t("Partner sourced: {rate} sold points per US$100.", rate=t.decimal(sold_rate, 0))
            )
        else:
            lines.append(
                t("Partner assisted: {rate} sold points per US$100.", rate=t.decimal(sold_rate, 0))
            )
        if first_sold is not None and deal == "sourced" and first_sold < on:
            lines.append(
                t(
                    "Rate decided by the product line's first sale on {date}.",
                    date=t.date(first_sold),
                )
            )
        if e.market == "growth":
            std = rules.rate(deal, "standard", on, first_sold).points_per_100
            lines.append(
                t(
                    "Growth-market rate: {growth} instead of {standard} per US$100.",
                    growth=t.decimal(sold_rate, 0),
                    standard=t.decimal(std, 0),
                )
            )
        if self.manage.value:
            mrate = rules.rate("managed", e.market, on).points_per_100
            if others:
                lines.append(
                    t(
                        "Managed: {rate} points per US$100, split among {n} partners.",
                        rate=t.decimal(mrate, 0),
                        n=others + 1,
                    )
                )
            else:
                lines.append(
                    t("Managed: {rate} points per US$100, all yours.", rate=t.decimal(mrate, 0))
                )
        else:
            lines.append(t("Not managed by you: no managed points."))
        return _how_block(t, lines, e.explanation)


def _how_block(t: Translator, lines: list[str], core_lines: list[str]) -> str:
    heading = t("How this was computed")
    details = t("The calculation step by step")
    body = "".join(f"<li>{esc(x)}</li>" for x in lines)
    steps = "".join(f"<li>{esc(x)}</li>" for x in core_lines)
    return (
        f"<div><b>{esc(heading)}</b><ul class='pk-how-summary'>{body}</ul>"
        f"<details class='pk-how-steps'><summary>{esc(details)}</summary>"
        f"<ul>{steps}</ul></details></div>"
    )


class CurrencyTab(_ClientTab):
    """F3.2: points -> currency, or currency -> points."""

    def __init__(self, calc: PointsCalculator) -> None:
        super().__init__(calc)
        self.method = widgets.Dropdown(
            options=[("", "to_currency")],
            value="to_currency",
            style=DESCRIPTION_STYLE,
            layout=FIELD_LAYOUT,
        )
        self.method.add_class("pk-method")
        self.country = CountryField("pk-cur-country", code="US")
        self.currency = CurrencyField("pk-cur-currency")
        self.deal_type = widgets.Dropdown(
            options=[("sourced", "sourced")],
            value="sourced",
            style=DESCRIPTION_STYLE,
            layout=FIELD_LAYOUT,
        )
        self.deal_type.add_class("pk-cur-deal-type")
        self.date = DateField("pk-cur-date", calc.on)
        self.first_sold = DateField("pk-cur-first-sold", None)
        self.others = CountField("pk-cur-others")
        self.sold_points = AmountField("pk-sold-points")
        self.managed_points = AmountField("pk-managed-points")
        self.sold_value = AmountField("pk-sold-value")
        self.managed_value = AmountField("pk-managed-value")
        self.heading_out = widgets.HTML()
        self.box = widgets.VBox(
            [
                self.method,
                self.country.box,
                self.currency.box,
                self.deal_type,
                self.date.box,
                self.first_sold.box,
                self.others.box,
                self.sold_points.box,
                self.managed_points.box,
                self.sold_value.box,
                self.managed_value.box,
                self.problem.widget,
                self.heading_out,
                self.figures,
                self.how,
                self.note,
            ]
        )
        self.box.add_class("pk-currency-tab")

    def watch(self) -> None:
        calc = self.calc
        for w in (
            self.sold_points.widget,
            self.managed_points.widget,
            self.sold_value.widget,
            self.managed_value.widget,
            self.deal_type,
            self.currency.widget,
            self.method,
            self.first_sold.widget,
            self.others.widget,
        ):
            w.observe(calc._on_currency_change, "value")
        self.country.widget.observe(calc._on_currency_country, "value")
        self.date.widget.observe(calc._on_currency_date, "value")

    def relabel(self) -> None:
        t = self.t
        self.method.description = t("Conversion method")
        set_options_keeping(
            self.method,
            [(t("Points → currency"), "to_currency"), (t("Currency → points"), "to_points")],
            self.method.value,
            "to_currency",
        )
        self.country.widget.description = t("Client's country")
        self.country.widget.placeholder = t("Type to search, e.g. Brazil")
        self.currency.widget.description = t("Client's currency")
        self.deal_type.description = t("Deal type")
        set_options_keeping(
            self.deal_type,
            [(t("Partner sourced"), "sourced"), (t("Partner assisted"), "assisted")],
            self.deal_type.value,
            "sourced",
        )
        self.date.widget.description = t("Date")
        self.first_sold.widget.description = t("Product line first sold on (upsells)")
        self.others.widget.description = t("How many other partners manage this client?")
        self.sold_points.widget.description = t("Sold points")
        self.managed_points.widget.description = t("Managed points")
        self.sold_value.widget.description = t("Sold value (monthly)")
        self.managed_value.widget.description = t("Managed value (monthly)")
        for f in (self.sold_points, self.managed_points, self.sold_value, self.managed_value):
            f.widget.placeholder = "0"
        self.refresh_lists(force=True)

    def figures_html(self, c: Any = None, currency: str = "") -> str:
        t = self.t
        if self.method.value == "to_currency":
            if c is None:
                return _figures(
                    [
                        _figure("pk-sold-value-out", t("Sold value"), None),
                        _figure("pk-managed-value-out", t("Managed value"), None),
                    ]
                )
            return _figures(
                [
                    _figure(
                        "pk-sold-value-out",
                        t("Sold value"),
                        t.money(c.sold_value, currency),
                        c.sold_value,
                    ),
                    _figure(
                        "pk-managed-value-out",
                        t("Managed value"),
                        t.money(c.managed_value, currency),
                        c.managed_value,
                    ),
                ]
            )
        return _points_figures(t, c)

    def recompute(self) -> None:
        t = self.t
        to_currency = self.method.value == "to_currency"
        for f in (self.sold_points, self.managed_points):
            f.show(to_currency)
        for f in (self.sold_value, self.managed_value):
            f.show(not to_currency)
        self.heading_out.value = "<h4>{}</h4>".format(
            esc(t("Monthly value") if to_currency else t("Points"))
        )
        rules = self.calc.get_rules()
        country = self.country.read(t)
        currency = self.currency.read(t, self._country_currency)
        on = self.date.read(t)
        first_sold = self.first_sold.read(t, required=False)
        others = self.others.read(t)
        if first_sold is not None and on is not None and first_sold > on:
            self.first_sold.message.error(
                t("The product line cannot be first sold after this sale's date.")
            )
            on = None
        if to_currency:
            first, second = self.sold_points, self.managed_points
        else:
            first, second = self.sold_value, self.managed_value
        # An empty field counts as 0 here (you may convert only sold or only managed points).
        a = first.read(t) if first.widget.value.strip() else Decimal(0)
        b = second.read(t) if second.widget.value.strip() else Decimal(0)
        if not first.widget.value.strip():
            first.message.clear()
        if not second.widget.value.strip():
            second.message.clear()
        if (
            rules is None
            or country is None
            or currency is None
            or on is None
            or a is None
            or b is None
            or others is None
        ):
            self.problem.clear()
            self.clear_outputs(self.figures_html(None))
            return
        core = _core()
        common = dict(
            currency=currency,
            country=country,
            deal_type=self.deal_type.value,
            on=on,
            rules=rules,
            first_sold=first_sold,
            other_partners=others,
        )
        try:
            if to_currency:
                c = core.points_to_currency(sold_points=a, managed_points=b, **common)
            else:
                c = core.currency_to_points(sold_value=a, managed_value=b, **common)
        except ValueError as exc:
            self.problem.error(str(exc))
            self.clear_outputs(self.figures_html(None))
            return
        self.problem.clear()
        self.result = c
        self.figures.value = self.figures_html(c, currency)
        local = rules.currency_rule(currency, on).local_per_100
        srate = rules.rate(self.deal_type.value, c.market, on, first_sold).points_per_100
        mrate = rules.rate("managed", c.market, on).points_per_100
        lines = [
            t("{local} counts as US$100.", local=t.money(local, currency)),
            t(
                "{country}: {market}.",
                country=t.country(country),
                market=t("growth market") if c.market == "growth" else t("standard market"),
            ),
            t(
                "Sold: {rate} points per US$100; managed: {mrate} points per US$100.",
                rate=t.decimal(srate, 0),
                mrate=t.decimal(mrate, 0),
            ),
        ]
        self.how.value = _how_block(t, lines, list(c.explanation))
        self.note.value = self.estimate_note(list(c.rules_used), rules, on)


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
        from partnerkit.ui.calculator_target import TargetTab

        self.target = TargetTab(self)
        self.tabs = widgets.Tab(children=[self.points.box, self.currency.box, self.target.box])
        self.tabs.add_class("pk-calc-tabs")
        self.children = [
            widgets.HTML(CSS),
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


__all__ = ["DOMAIN", "PointsCalculator", "calculator", "default_as_of"]


def _dynamic_msgids(t: Translator) -> list[str]:
    """Tier names shown through t(name): listed here so the extractor sees them."""
    return [t("Gold"), t("Platinum"), t("Diamond"), t("Elite")]

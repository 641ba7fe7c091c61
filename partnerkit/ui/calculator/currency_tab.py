"""The calculator's Currency tab (F3.2): points -> currency, or currency -> points."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from partnerkit.ui.calculator.base import (
    _ClientTab,
    _core,
    _figure,
    _figures,
    _points_figures,
)
from partnerkit.ui.calculator.fields import (
    DESCRIPTION_STYLE,
    FIELD_LAYOUT,
    AmountField,
    CountField,
    CountryField,
    CurrencyField,
    DateField,
    set_options_keeping,
)
from partnerkit.ui.calculator.points_tab import _how_block
from partnerkit.ui.widgets_common import esc

if TYPE_CHECKING:
    from partnerkit.ui.calculator.app import PointsCalculator


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
        self.date.relabel(t, t("Date"))
        self.first_sold.relabel(t, t("Product line first sold on (upsells)"))
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
        self.how.value = _how_block(t, lines, [t.message(m) for m in c.explanation_messages])
        self.note.value = self.estimate_note(list(c.rules_used), rules, on)

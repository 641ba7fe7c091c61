"""The calculator's Points tab (F3.1): what one deal earns, and how it was computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from partnerkit.ui.calculator.base import (
    _ClientTab,
    _core,
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
from partnerkit.ui.i18n import Translator
from partnerkit.ui.widgets_common import esc

if TYPE_CHECKING:
    from partnerkit.ui.calculator.app import PointsCalculator


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
        self.date.relabel(t, t("Date of the sale"))
        self.first_sold.relabel(t, t("Product line first sold on (upsells)"))
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
        return _how_block(t, lines, [t.message(m) for m in e.explanation_messages])


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

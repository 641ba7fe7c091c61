"""The calculator's "What does it take?" tab (issue 5): for a target tier and the current
standing, the sourced, assisted or managed MRR in the client's currency that alone would close
the gap on each requirement.

The gaps come from `partnerkit.tiers.evaluate_tier(...).gap_to(tier)`; the MRR for a number of
points from `partnerkit.points.points_to_currency`. Nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from partnerkit.ui.calculator.base import _ClientTab
from partnerkit.ui.calculator.fields import (
    DESCRIPTION_STYLE,
    FIELD_LAYOUT,
    AmountField,
    CountryField,
    CurrencyField,
    DateField,
    set_options_keeping,
)
from partnerkit.ui.gates import gates_html
from partnerkit.ui.widgets_common import esc

if TYPE_CHECKING:
    from partnerkit.ui.calculator.app import PointsCalculator

# Which credits count toward each kind of requirement (program-rules.md §6): the total counts
# everything, the sold minimum counts sourced and assisted, the sourced minimum only sourced.
CREDITS_FOR = {
    "total": ("sourced", "assisted", "managed"),
    "sold": ("sourced", "assisted"),
    "sourced": ("sourced",),
    "managed": ("managed",),
}


def _as_input(points: Decimal) -> Decimal:
    """A gap as the core's converters accept it (at most 4 decimal places, like any typed
    amount), rounded up so the MRR shown still closes the whole gap."""
    return points.quantize(Decimal("0.0001"), rounding=ROUND_UP)


class TargetTab(_ClientTab):
    def __init__(self, calc: PointsCalculator) -> None:
        super().__init__(calc)
        self.tier = widgets.Dropdown(
            options=[], value=None, style=DESCRIPTION_STYLE, layout=FIELD_LAYOUT
        )
        self.tier.add_class("pk-target-tier")
        self.standing_note = widgets.HTML()
        self.sourced = AmountField("pk-now-sourced", "0")
        self.assisted = AmountField("pk-now-assisted", "0")
        self.managed = AmountField("pk-now-managed", "0")
        self.country = CountryField("pk-target-country", code="US")
        self.currency = CurrencyField("pk-target-currency")
        self.date = DateField("pk-target-date", calc.on)
        self.heading_out = widgets.HTML()
        self.table = widgets.HTML()
        self.table.add_class("pk-gap")
        self.box = widgets.VBox(
            [
                self.tier,
                self.standing_note,
                self.sourced.box,
                self.assisted.box,
                self.managed.box,
                self.country.box,
                self.currency.box,
                self.date.box,
                self.problem.widget,
                self.heading_out,
                self.table,
                self.how,
                self.note,
            ]
        )
        self.box.add_class("pk-target-tab")
        self.gaps: list[dict[str, Any]] = []
        self._exact: dict[int, tuple[str, Decimal]] = {}

    def apply_standing(self, standing: Any) -> None:
        """Fill the "points now" fields from the dashboard's standing (or leave them as typed)."""
        if standing is None:
            return
        for field, value in (
            (self.sourced, standing.sourced_points),
            (self.assisted, standing.assisted_points),
            (self.managed, standing.managed_points),
        ):
            exact = Decimal(str(value))
            shown = str(exact.quantize(Decimal("0.01")))  # "1234.57": reads the same everywhere
            self._exact[id(field)] = (shown, exact)
            field.widget.value = shown
        as_of = getattr(standing, "as_of", None)
        if isinstance(as_of, dt.date):
            self.date.widget.value = as_of
        self.target_next_tier(standing)

    def target_next_tier(self, standing: Any) -> None:
        """Point the target at the tier above the one the standing performs at (if any)."""
        rules = self.calc.get_rules()
        if rules is None:
            return
        from partnerkit.tiers import evaluate_tier

        on = self.date.widget.value or self.calc.on
        self.refresh_tiers()
        nxt = evaluate_tier(standing, on, rules).next_tier
        values = [v for _label, v in self.tier.options]
        if nxt in values:
            self.tier.value = nxt

    def read_points(self, field: AmountField) -> Decimal | None:
        """A "points now" field; the standing's exact value while it shows the rounded one."""
        shown, exact = self._exact.get(id(field), (None, None))
        if shown is not None and field.widget.value == shown:
            field.message.clear()
            return exact
        return field.read(self.t)

    def watch(self) -> None:
        calc = self.calc
        for w in (
            self.tier,
            self.sourced.widget,
            self.assisted.widget,
            self.managed.widget,
            self.currency.widget,
        ):
            w.observe(calc._on_target_change, "value")
        self.date.widget.observe(calc._on_target_date, "value")
        self.country.widget.observe(calc._on_target_country, "value")

    def relabel(self) -> None:
        t = self.t
        self.tier.description = t("Target tier")
        self.sourced.widget.description = t("Your sourced points now")
        self.assisted.widget.description = t("Your assisted points now")
        self.managed.widget.description = t("Your managed points now")
        self.country.widget.description = t("Client's country")
        self.country.widget.placeholder = t("Type to search, e.g. Brazil")
        self.currency.widget.description = t("Client's currency")
        self.date.relabel(t, t("Date"))
        self.heading_out.value = "<h4>{}</h4>".format(
            esc(t("Monthly revenue that alone would close each gap"))
        )
        self.refresh_lists(force=True)
        self.refresh_tiers()

    def date_changed(self) -> None:
        self.refresh_lists()
        self.refresh_tiers()

    def refresh_tiers(self) -> None:
        rules = self.calc.get_rules()
        if rules is None:
            return
        on = self.date.widget.value or self.calc.on
        ladder = [r.tier for r in rules.tier_ladder(on)]
        options = [(self.t(name), name) for name in ladder]
        set_options_keeping(self.tier, options, self.tier.value, ladder[0] if ladder else None)

    def recompute(self) -> None:
        t = self.t
        rules = self.calc.get_rules()
        standing = self.calc.standing
        if standing is not None:
            self.standing_note.value = '<div class="pk-hint">{}</div>'.format(
                esc(
                    t("Your team's current standing")
                    + " ("
                    + t.date(getattr(standing, "as_of", self.calc.on))
                    + ")"
                )
            )
        else:
            self.standing_note.value = '<div class="pk-hint">{}</div>'.format(
                esc(t("Type your current points (or open the calculator from the dashboard)."))
            )
        sourced = self.read_points(self.sourced)
        assisted = self.read_points(self.assisted)
        managed = self.read_points(self.managed)
        country = self.country.read(t)
        currency = self.currency.read(t, self._country_currency)
        on = self.date.read(t)
        tier = self.tier.value
        self.gaps = []
        self.result = None
        if (
            rules is None
            or sourced is None
            or assisted is None
            or managed is None
            or country is None
            or currency is None
            or on is None
            or tier is None
        ):
            self.problem.clear()
            self.table.value = ""
            self.how.value = ""
            self.note.value = ""
            return
        from partnerkit.points import points_to_currency
        from partnerkit.tiers import Points, evaluate_tier

        try:
            perf = evaluate_tier(Points(sourced, assisted, managed), on, rules)
            reqs = perf.gap_to(tier)
            rows = []
            refs = []
            for req in reqs:
                if req.name == "certification" or req.required is None:
                    continue
                if req.ref is not None:
                    refs.append(req.ref)
                row: dict[str, Any] = {
                    "requirement": req.name,
                    "required": req.required,
                    "actual": req.actual,
                    "gap": req.gap,
                    "met": req.met,
                }
                for credit in ("sourced", "assisted", "managed"):
                    if req.met or credit not in CREDITS_FOR.get(req.name, ()):
                        row[credit] = None
                        continue
                    if credit == "managed":
                        c = points_to_currency(
                            sold_points=0,
                            managed_points=_as_input(req.gap),
                            currency=currency,
                            country=country,
                            deal_type="sourced",
                            on=on,
                            rules=rules,
                        )
                        row[credit] = c.managed_value
                    else:
                        c = points_to_currency(
                            sold_points=_as_input(req.gap),
                            managed_points=0,
                            currency=currency,
                            country=country,
                            deal_type=credit,
                            on=on,
                            rules=rules,
                        )
                        row[credit] = c.sold_value
                    refs.extend(c.rules_used)
                rows.append(row)
        except ValueError as exc:
            self.problem.error(str(exc))
            self.table.value = ""
            self.how.value = ""
            return
        self.problem.clear()
        self.gaps = rows
        self.result = perf
        # Elite's gates partnerkit does not compute (issue 12), with its requirements.
        self.table.value = self.table_html(rows, currency, tier) + gates_html(
            rules, tier, on, self.t.code)
        self.how.value = self.how_html(perf, tier)
        self.note.value = self.estimate_note(refs, rules, on)

    def requirement_label(self, name: str) -> str:
        t = self.t
        return {
            "total": t("Total points"),
            "sold": t("Sold points (sourced + assisted)"),
            "sourced": t("Sourced points"),
            "managed": t("Managed points"),
        }.get(name, name)

    def table_html(self, rows: list[dict[str, Any]], currency: str, tier: str) -> str:
        t = self.t
        if rows and all(r["met"] for r in rows):
            return '<p class="pk-met">{}</p>'.format(
                esc(t("You already meet every points requirement of {tier}.", tier=t(tier)))
            )
        head = [
            t("Requirement"),
            t("Required"),
            t("You have"),
            t("Gap"),
            t("Sourced MRR"),
            t("Assisted MRR"),
            t("Managed MRR"),
        ]
        body = []
        for r in rows:

            def cell(key: str, r: dict[str, Any] = r) -> str:
                value = r[key]
                if value is None:
                    return "—"
                return t.money(value, currency)

            gap = t("met") if r["met"] else t.points(r["gap"])
            cells = [
                self.requirement_label(r["requirement"]),
                t.points(r["required"]),
                t.points(r["actual"] or Decimal(0)),
                gap,
                cell("sourced"),
                cell("assisted"),
                cell("managed"),
            ]
            body.append(
                f'<tr class="pk-gap-{esc(r["requirement"])}">'
                + "".join(f"<td>{esc(c)}</td>" for c in cells)
                + "</tr>"
            )
        header = "".join(f"<th>{esc(h)}</th>" for h in head)
        caption = t("Each amount alone (a new monthly deal of that kind) closes that gap.")
        return (
            f'<table class="pk-gap-table"><thead><tr>{header}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table><p class="pk-hint">{esc(caption)}</p>'
        )

    def how_html(self, perf: Any, tier: str) -> str:
        t = self.t
        now = t(perf.tier) if perf.tier else t("no tier yet")
        line = t("Your points perform at: {tier}. Target: {target}.", tier=now, target=t(tier))
        steps = "".join(f"<li>{esc(t.message(m))}</li>" for m in perf.explanation_messages)
        return (
            f"<div><b>{esc(t('How this was computed'))}</b><p>{esc(line)}</p>"
            f"<details class='pk-how-steps'><summary>"
            f"{esc(t('The calculation step by step'))}</summary><ul>{steps}</ul></details></div>"
        )

"""The points calculator (F3): what one deal is worth, and points <-> currency.

Pure and exact: Decimal in, Decimal out, with the rule rows behind every figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from partnerkit import display
from partnerkit.countries import normalise_country
from partnerkit.explain import PROVENANCE_LABEL, RuleRef, fmt_points
from partnerkit.money import parse_amount, parse_currency
from partnerkit.rules import RateRule, Rulebook

HUNDRED = Decimal(100)
# Enough for any realistic count of co-managing partners; above it is a typo.
MAX_OTHER_PARTNERS = 100


@dataclass(frozen=True)
class PointsEstimate:
    sold_points: Decimal
    managed_points: Decimal
    total_points: Decimal
    market: str
    currency: str
    on: dt.date
    explanation: list[str]
    rules_used: list[RuleRef]
    estimates: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return display.estimate_repr(self)

    def _repr_html_(self) -> str:
        return display.estimate_html(self)

    def as_json(self) -> dict[str, object]:
        return {
            "sold_points": float(self.sold_points),
            "managed_points": float(self.managed_points),
            "total_points": float(self.total_points),
            "sold_points_exact": str(self.sold_points),
            "managed_points_exact": str(self.managed_points),
            "total_points_exact": str(self.total_points),
            "market": self.market,
            "currency": self.currency,
            "date": self.on.isoformat(),
            "rules": [r.version for r in self.rules_used],
            "estimates": self.estimates,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Conversion:
    currency: str
    market: str
    on: dt.date
    sold_points: Decimal
    managed_points: Decimal
    sold_value: Decimal
    managed_value: Decimal
    explanation: list[str]
    rules_used: list[RuleRef]
    estimates: list[str] = field(default_factory=list)

    @property
    def total_points(self) -> Decimal:
        return self.sold_points + self.managed_points

    def __repr__(self) -> str:
        return display.conversion_repr(self)

    def _repr_html_(self) -> str:
        return display.conversion_html(self)

    def as_json(self, to: str) -> dict[str, object]:
        common: dict[str, object] = {
            "currency": self.currency, "market": self.market, "date": self.on.isoformat(),
            "rules": [r.version for r in self.rules_used], "estimates": self.estimates,
            "explanation": self.explanation,
        }
        if to == "currency":
            return {"sold_value": float(_round_money(self.sold_value)),
                    "managed_value": float(_round_money(self.managed_value)),
                    "sold_value_exact": str(self.sold_value),
                    "managed_value_exact": str(self.managed_value), **common}
        return {"sold_points": float(self.sold_points),
                "managed_points": float(self.managed_points),
                "total_points": float(self.total_points), **common}


def _once(x: Fraction) -> Decimal:
    """The exact rational correctly rounded ONCE to the Decimal context, as the standing does
    (partnerkit/standing.py): the calculator and the standing give equal Decimals for one sale."""
    return Decimal(x.numerator) / Decimal(x.denominator) if x else Decimal(0)


def _round_money(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"))


def _estimate_notes(refs: list[RuleRef]) -> list[str]:
    notes = []
    for r in refs:
        if r.provenance in ("estimate", "derived"):
            what = f"{r.table} {r.key}"
            detail = f": {r.note}" if r.note else ""
            label = PROVENANCE_LABEL[r.provenance]
            notes.append(f"{what} is {label}, not HubSpot's figure{detail}")
    return notes


@dataclass(frozen=True)
class _Context:
    currency: str
    country: str
    market: str
    local_per_100: Decimal
    refs: list[RuleRef]


def _context(rules: Rulebook, currency: str, country: str, on: dt.date) -> _Context:
    ccy = parse_currency(currency)
    cc = normalise_country(country)
    crule = rules.currency_rule(ccy, on)
    growth = rules.growth_rule(cc, on)
    refs = [crule.ref] + ([growth.ref] if growth else [])
    return _Context(ccy, cc, "growth" if growth else "standard", crule.local_per_100, refs)


def _check_others(other_partners: int) -> int:
    if isinstance(other_partners, bool) or not isinstance(other_partners, int):
        raise ValueError(f"other partners: {other_partners!r} is not a whole number")
    if not 0 <= other_partners <= MAX_OTHER_PARTNERS:
        raise ValueError(
            f"other partners: {other_partners} must be between 0 and {MAX_OTHER_PARTNERS}")
    return other_partners


def _sold_rate(rules: Rulebook, deal_type: str, market: str, on: dt.date,
               first_sold: dt.date | None) -> RateRule:
    if deal_type not in ("sourced", "assisted"):
        raise ValueError(f"deal type: {deal_type!r} is not one of: sourced, assisted")
    if first_sold is not None and first_sold > on:
        raise ValueError(f"first sold: {first_sold} is after the deal date {on}")
    return rules.rate(deal_type, market, on, first_sold)


def estimate_points(
    amount: object, currency: str, country: str, deal_type: str, on: dt.date, rules: Rulebook,
    first_sold: dt.date | None = None, manage: bool = False, other_partners: int = 0,
) -> PointsEstimate:
    """Points for a deal of `amount` MRR (client's currency), plus managed points if you manage it.

    Managed points are split evenly between you and `other_partners` (program-rules.md §5).
    """
    value = parse_amount(amount, "amount")
    ctx = _context(rules, currency, country, on)
    others = _check_others(other_partners)
    sold_rule = _sold_rate(rules, deal_type, ctx.market, on, first_sold)
    usd = value / ctx.local_per_100 * HUNDRED
    # Exact rationals, rounded once per figure (issue 17): never a rounded value re-used.
    per_100 = Fraction(value) / Fraction(ctx.local_per_100)
    sold_exact = per_100 * Fraction(sold_rule.points_per_100)
    sold = _once(sold_exact)
    refs = [*ctx.refs, sold_rule.ref]
    ccy_label = PROVENANCE_LABEL[ctx.refs[0].provenance]
    lines = [
        f"{value:,} {ctx.currency} = US${fmt_points(usd)} at the program amount "
        f"{ctx.local_per_100:,} {ctx.currency} per US$100 ({ccy_label})",
        f"client country {ctx.country}: {ctx.market} market",
        f"{deal_type} rate {sold_rule.points_per_100} points per US$100 "
        f"(in force {sold_rule.effective_from.isoformat()}"
        + (f"; decided by the product line's first sale on {first_sold.isoformat()}"
           if deal_type == "sourced" and first_sold and first_sold < on else "")
        + f") -> {fmt_points(sold)} sold points",
    ]
    managed = Decimal(0)
    managed_exact = Fraction(0)
    if manage:
        mrule = rules.rate("managed", ctx.market, on)
        refs.append(mrule.ref)
        whole_exact = per_100 * Fraction(mrule.points_per_100)
        managed_exact = whole_exact / (others + 1)
        whole, managed = _once(whole_exact), _once(managed_exact)
        split = f", split among {others + 1} partners" if others else ""
        lines.append(f"managed rate {mrule.points_per_100} points per US$100 -> "
                     f"{fmt_points(whole)}{split} -> {fmt_points(managed)} managed points a month")
    total = _once(sold_exact + managed_exact)
    lines.append(f"total {fmt_points(total)} points")
    return PointsEstimate(sold, managed, total, ctx.market, ctx.currency, on, lines, refs,
                          _estimate_notes(refs))


def points_to_currency(
    sold_points: object, managed_points: object, currency: str, country: str, deal_type: str,
    on: dt.date, rules: Rulebook, first_sold: dt.date | None = None, other_partners: int = 0,
) -> Conversion:
    """The MRR (client's currency) that earns the given sold and managed points."""
    sold_p = parse_amount(sold_points, "sold points")
    managed_p = parse_amount(managed_points, "managed points")
    ctx = _context(rules, currency, country, on)
    others = _check_others(other_partners)
    srule = _sold_rate(rules, deal_type, ctx.market, on, first_sold)
    mrule = rules.rate("managed", ctx.market, on)
    local = Fraction(ctx.local_per_100)
    sold_value = _once(Fraction(sold_p) / Fraction(srule.points_per_100) * local)
    managed_value = _once(Fraction(managed_p) * (others + 1) / Fraction(mrule.points_per_100)
                          * local)
    refs = [*ctx.refs, srule.ref, mrule.ref]
    lines = [
        f"{fmt_points(sold_p)} {deal_type} points / {srule.points_per_100} per US$100 x "
        f"{ctx.local_per_100:,} {ctx.currency} = {_round_money(sold_value):,} {ctx.currency} MRR",
        f"{fmt_points(managed_p)} managed points"
        + (f" x {others + 1} partners" if others else "")
        + f" / {mrule.points_per_100} per US$100 x {ctx.local_per_100:,} {ctx.currency} = "
        f"{_round_money(managed_value):,} {ctx.currency} MRR",
        f"client country {ctx.country}: {ctx.market} market",
    ]
    return Conversion(ctx.currency, ctx.market, on, sold_p, managed_p, sold_value, managed_value,
                      lines, refs, _estimate_notes(refs))


def currency_to_points(
    sold_value: object, managed_value: object, currency: str, country: str, deal_type: str,
    on: dt.date, rules: Rulebook, first_sold: dt.date | None = None, other_partners: int = 0,
) -> Conversion:
    """The sold and managed points that the given MRR values (client's currency) earn."""
    sold_v = parse_amount(sold_value, "sold value")
    managed_v = parse_amount(managed_value, "managed value")
    ctx = _context(rules, currency, country, on)
    others = _check_others(other_partners)
    srule = _sold_rate(rules, deal_type, ctx.market, on, first_sold)
    mrule = rules.rate("managed", ctx.market, on)
    local = Fraction(ctx.local_per_100)
    sold_p = _once(Fraction(sold_v) / local * Fraction(srule.points_per_100))
    managed_p = _once(Fraction(managed_v) / local * Fraction(mrule.points_per_100) / (others + 1))
    refs = [*ctx.refs, srule.ref, mrule.ref]
    lines = [
        f"{sold_v:,} {ctx.currency} / {ctx.local_per_100:,} per US$100 x {srule.points_per_100} "
        f"({deal_type}) = {fmt_points(sold_p)} sold points",
        f"{managed_v:,} {ctx.currency} / {ctx.local_per_100:,} per US$100 x "
        f"{mrule.points_per_100} (managed)"
        + (f" / {others + 1} partners" if others else "")
        + f" = {fmt_points(managed_p)} managed points",
        f"client country {ctx.country}: {ctx.market} market",
    ]
    return Conversion(ctx.currency, ctx.market, on, sold_p, managed_p, sold_v, managed_v,
                      lines, refs, _estimate_notes(refs))

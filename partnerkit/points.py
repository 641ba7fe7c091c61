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
from partnerkit.explain import RuleRef
from partnerkit.messages import Message, Term, english_lines, messages_json, msg
from partnerkit.money import Money, parse_amount, parse_currency
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
    explanation_messages: list[Message]
    rules_used: list[RuleRef]
    estimate_messages: list[Message] = field(default_factory=list)

    @property
    def explanation(self) -> list[str]:
        """The explanation in English (the shells render `explanation_messages` per language)."""
        return english_lines(self.explanation_messages)

    @property
    def estimates(self) -> list[str]:
        return english_lines(self.estimate_messages)

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
            "explanation_messages": messages_json(self.explanation_messages),
            "estimate_messages": messages_json(self.estimate_messages),
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
    explanation_messages: list[Message]
    rules_used: list[RuleRef]
    estimate_messages: list[Message] = field(default_factory=list)

    @property
    def explanation(self) -> list[str]:
        return english_lines(self.explanation_messages)

    @property
    def estimates(self) -> list[str]:
        return english_lines(self.estimate_messages)

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
            "explanation_messages": messages_json(self.explanation_messages),
            "estimate_messages": messages_json(self.estimate_messages),
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


def _estimate_notes(refs: list[RuleRef]) -> list[Message]:
    notes = []
    for r in refs:
        if r.provenance in ("estimate", "derived"):
            args = {"table": Term("rule_table", r.table), "key": Term("rule_key", r.key),
                    "provenance": Term("provenance", r.provenance)}
            note = Term("rule_note", r.note)  # rules-file text: translated where catalogued
            notes.append(msg("estimate.not_hubspot_note", **args, note=note) if r.note
                         else msg("estimate.not_hubspot", **args))
    return notes


def _market_line(ctx: _Context) -> Message:
    return msg("points.market", country=Term("country", ctx.country),
               market=Term("market", ctx.market))


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
    rate_args = {"deal_type": Term("deal_type", deal_type), "rate": sold_rule.points_per_100,
                 "since": sold_rule.effective_from, "points": sold}
    lines = [
        msg("points.to_usd", amount=Money(value, ctx.currency), usd=Money(usd, "USD"),
            per_100=Money(ctx.local_per_100, ctx.currency),
            provenance=Term("provenance", ctx.refs[0].provenance)),
        _market_line(ctx),
        msg("points.sold_rate_first_sale", **rate_args, first_sold=first_sold)
        if deal_type == "sourced" and first_sold and first_sold < on
        else msg("points.sold_rate", **rate_args),
    ]
    managed = Decimal(0)
    managed_exact = Fraction(0)
    if manage:
        mrule = rules.rate("managed", ctx.market, on)
        refs.append(mrule.ref)
        whole_exact = per_100 * Fraction(mrule.points_per_100)
        managed_exact = whole_exact / (others + 1)
        whole, managed = _once(whole_exact), _once(managed_exact)
        lines.append(
            msg("points.managed_rate_split", rate=mrule.points_per_100, whole=whole,
                partners=others + 1, points=managed) if others
            else msg("points.managed_rate", rate=mrule.points_per_100, whole=whole, points=managed))
    total = _once(sold_exact + managed_exact)
    lines.append(msg("points.total", points=total))
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
    per_100 = Money(ctx.local_per_100, ctx.currency)
    managed_args = {"points": managed_p, "rate": mrule.points_per_100, "per_100": per_100,
                    "value": Money(managed_value, ctx.currency)}
    lines = [
        msg("convert.sold_to_currency", points=sold_p, deal_type=Term("deal_type", deal_type),
            rate=srule.points_per_100, per_100=per_100, value=Money(sold_value, ctx.currency)),
        msg("convert.managed_to_currency_split", **managed_args, partners=others + 1) if others
        else msg("convert.managed_to_currency", **managed_args),
        _market_line(ctx),
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
    managed_args = {"value": Money(managed_v, ctx.currency), "per_100": ctx.local_per_100,
                    "rate": mrule.points_per_100, "points": managed_p}
    lines = [
        msg("convert.sold_to_points", value=Money(sold_v, ctx.currency),
            per_100=ctx.local_per_100, rate=srule.points_per_100,
            deal_type=Term("deal_type", deal_type), points=sold_p),
        msg("convert.managed_to_points_split", **managed_args, partners=others + 1) if others
        else msg("convert.managed_to_points", **managed_args),
        _market_line(ctx),
    ]
    return Conversion(ctx.currency, ctx.market, on, sold_p, managed_p, sold_v, managed_v,
                      lines, refs, _estimate_notes(refs))

"""Rule rows and the Rulebook that resolves them by date. Pure: standard library only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from partnerkit import display
from partnerkit.explain import RuleRef

CREDITS = ("sourced", "assisted", "managed")
MARKETS = ("standard", "growth")


class RulesError(ValueError):
    """A rules file that cannot be used. `problems` lists every one with file, table and key."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the rules:\n  " + "\n  ".join(self.problems)
        )


class UnknownCurrencyError(ValueError):
    """A currency with no program amount: never converted 1:1."""


@dataclass(frozen=True, slots=True)
class _Dated:
    effective_from: dt.date
    effective_to: dt.date | None
    provenance: str
    source: str
    note: str

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class RateRule(_Dated):
    credit: str
    market: str
    points_per_100: Decimal

    @property
    def ref(self) -> RuleRef:
        return RuleRef("rates", f"{self.credit}/{self.market}", self.effective_from,
                       self.effective_to, self.provenance, self.source, self.note)


@dataclass(frozen=True, slots=True)
class CurrencyRule(_Dated):
    currency: str
    local_per_100: Decimal

    @property
    def ref(self) -> RuleRef:
        return RuleRef("currencies", self.currency, self.effective_from, self.effective_to,
                       self.provenance, self.source, self.note)


@dataclass(frozen=True, slots=True)
class GrowthMarketRule(_Dated):
    country: str
    region: str
    growth: bool = True

    @property
    def ref(self) -> RuleRef:
        return RuleRef("growth_markets", f"{self.region}/{self.country}", self.effective_from,
                       self.effective_to, self.provenance, self.source, self.note)


@dataclass(frozen=True, slots=True)
class TierRequirement(_Dated):
    tier: str
    rank: int  # 1 = lowest tier of the ladder
    total_min: Decimal
    sold_min: Decimal
    sold_min_counts: str  # "sold" (sourced + assisted) or "sourced"
    managed_min: Decimal | None
    invitation_only: bool = False
    other_requirements: tuple[str, ...] = ()

    @property
    def ref(self) -> RuleRef:
        return RuleRef("tiers", self.tier, self.effective_from, self.effective_to,
                       self.provenance, self.source, self.note)


@dataclass(frozen=True, slots=True)
class PolicyRule(_Dated):
    key: str
    value: Any

    @property
    def ref(self) -> RuleRef:
        return RuleRef("policy", self.key, self.effective_from, self.effective_to,
                       self.provenance, self.source, self.note)


@dataclass(frozen=True, slots=True)
class ProgramPolicy:
    """The policy rows in force on one date, as typed attributes."""

    on: dt.date
    sourced_rate_resolved_by: str
    sold_point_lifetime_months: int
    managed_split: str
    review_dates: tuple[tuple[int, int], ...]  # (month, day)
    review_window_months: int
    tier_hold_months: int
    keep_if_met_months: int
    downgrade_to: str
    certification_required: bool
    certification_lapse_effect: str
    upgrade_policy: str
    reach_gold_within_months: int
    renewal_lookahead_days: int
    renewal_decision_days_before: int
    projection_months: int
    engagement_bands: dict[str, tuple[int, int]]
    refs: dict[str, RuleRef] = field(default_factory=dict)

    def engagement_band(self, score: float) -> str:
        """Low / Medium / High for a 0-10 score: the highest band whose lower bound it reaches."""
        best = ""
        for name, (lo, _hi) in sorted(self.engagement_bands.items(), key=lambda b: b[1][0]):
            if score >= lo:
                best = name
        return best


_R = TypeVar("_R", bound=_Dated)


def _pick(rows: Iterable[_R], on: dt.date) -> _R | None:
    for row in rows:
        if row.in_force(on):
            return row
    return None


@dataclass(frozen=True)
class Rulebook:
    """Validated rules; resolves each rule by date. Build with `parse_rules` / `load_rules`."""

    tier_names: tuple[str, ...]
    untiered: str
    rates: tuple[RateRule, ...]
    currencies_: tuple[CurrencyRule, ...]
    growth_markets: tuple[GrowthMarketRule, ...]
    tiers: tuple[TierRequirement, ...]
    policies: tuple[PolicyRule, ...]
    sources: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return display.rulebook_repr(self)

    def _repr_html_(self) -> str:
        return display.rulebook_html(self)

    # -- rates ---------------------------------------------------------------------------------
    def rate(
        self, credit: str, market: str, on: dt.date, first_sold: dt.date | None = None
    ) -> RateRule:
        """Points per US$100 for a credit type in a market, in force on the deciding date.

        Sourced points are decided by the product line's first-sale date when the policy says so
        (the 2024-02-27 rule): an upsell on a line first sold before the cut-over keeps the old
        rate.
        """
        if credit not in CREDITS:
            raise ValueError(f"deal type {credit!r} is not one of: {', '.join(CREDITS)}")
        if market not in MARKETS:
            raise ValueError(f"market {market!r} is not one of: {', '.join(MARKETS)}")
        deciding = self._clamp(self.rate_date(credit, on, first_sold))
        found = _pick((r for r in self.rates if r.credit == credit and r.market == market),
                      deciding)
        if found is None:
            raise RulesError(
                [f"rates: no {credit}/{market} rate in force on {deciding.isoformat()}"])
        return found

    def rate_date(self, credit: str, on: dt.date, first_sold: dt.date | None) -> dt.date:
        if (
            credit == "sourced"
            and first_sold is not None
            and first_sold < on
            and self.policy_value("sourced_rate_resolved_by", on) == "first_sold"
        ):
            return first_sold
        return on

    @property
    def program_start(self) -> dt.date:
        """The first date any rate is in force; earlier dates (older history) resolve to it."""
        return min((r.effective_from for r in self.rates), default=dt.date.min)

    def _clamp(self, on: dt.date) -> dt.date:
        return max(on, self.program_start)

    # -- currencies ------------------------------------------------------------------------------
    def currencies(self, on: dt.date) -> list[str]:
        on = self._clamp(on)  # before the program: the first rows, as currency_rule uses
        return sorted({c.currency for c in self.currencies_ if c.in_force(on)})

    def currency_rule(self, currency: str, on: dt.date) -> CurrencyRule:
        code = currency.strip().upper()
        found = _pick((c for c in self.currencies_ if c.currency == code), self._clamp(on))
        if found is None:
            raise UnknownCurrencyError(
                f"currency {currency!r} has no program amount on {on.isoformat()}; supported: "
                f"{', '.join(self.currencies(self._clamp(on)))} "
                "(add a row to your rules file for another)"
            )
        return found

    # -- growth markets -------------------------------------------------------------------------
    def growth_countries(self, on: dt.date) -> frozenset[str]:
        on = self._clamp(on)  # as growth_rule: dates before the program use the first rows
        return frozenset(g.country for g in self.growth_markets if g.growth and g.in_force(on))

    def growth_rule(self, country: str, on: dt.date) -> GrowthMarketRule | None:
        code = country.strip().upper()
        return _pick((g for g in self.growth_markets if g.country == code and g.growth),
                     self._clamp(on))

    def is_growth_market(self, country: str, on: dt.date) -> bool:
        return self.growth_rule(country, on) is not None

    def market_of(self, country: str, on: dt.date) -> str:
        return "growth" if self.is_growth_market(country, on) else "standard"

    # -- tiers ----------------------------------------------------------------------------------
    def tier_ladder(self, on: dt.date) -> list[TierRequirement]:
        """Thresholds in force on `on`; dates before the first thresholds (the points model began
        2022-07-18) use the first ones, as sales before then use the first points rates."""
        first = min((t.effective_from for t in self.tiers), default=on)
        on = max(on, first)
        ladder = sorted((t for t in self.tiers if t.in_force(on)), key=lambda t: t.rank)
        if not ladder:
            raise RulesError([f"tiers: no tier thresholds in force on {on.isoformat()}"])
        return ladder

    def tier_rank(self, tier: str | None) -> int:
        """0 for untiered (None or the untiered name); 1.. up the ladder."""
        if tier is None or tier == self.untiered or tier == "":
            return 0
        for n, name in enumerate(self.tier_names, start=1):
            if name.lower() == tier.strip().lower():
                return n
        raise ValueError(
            f"tier {tier!r} is not one of: {', '.join((self.untiered, *self.tier_names))}"
        )

    def tier_name(self, rank: int) -> str:
        return self.untiered if rank <= 0 else self.tier_names[rank - 1]

    # -- policy ---------------------------------------------------------------------------------
    def policy_rule(self, key: str, on: dt.date) -> PolicyRule:
        found = _pick((p for p in self.policies if p.key == key), on)
        if found is None:
            # Fall back to the earliest row: policies before the program's records still apply.
            rows = sorted((p for p in self.policies if p.key == key),
                          key=lambda p: p.effective_from)
            if not rows:
                raise RulesError([f"policy: no row for key {key!r}"])
            found = rows[0] if on < rows[0].effective_from else rows[-1]
        return found

    def policy_value(self, key: str, on: dt.date) -> Any:
        return self.policy_rule(key, on).value

    def policy_on(self, on: dt.date) -> ProgramPolicy:
        keys = [
            "sourced_rate_resolved_by", "sold_point_lifetime_months", "managed_split",
            "review_dates", "review_window_months", "tier_hold_months", "keep_if_met_months",
            "downgrade_to", "certification_required", "certification_lapse_effect",
            "upgrade_policy", "reach_gold_within_months", "renewal_lookahead_days",
            "renewal_decision_days_before", "projection_months", "engagement_bands",
        ]
        rows = {k: self.policy_rule(k, on) for k in keys}
        v = {k: r.value for k, r in rows.items()}
        reviews = tuple(
            (int(s.split("-")[0]), int(s.split("-")[1])) for s in v["review_dates"]
        )
        bands = {str(k): (int(b[0]), int(b[1])) for k, b in dict(v["engagement_bands"]).items()}
        return ProgramPolicy(
            on=on,
            sourced_rate_resolved_by=str(v["sourced_rate_resolved_by"]),
            sold_point_lifetime_months=int(v["sold_point_lifetime_months"]),
            managed_split=str(v["managed_split"]),
            review_dates=reviews,
            review_window_months=int(v["review_window_months"]),
            tier_hold_months=int(v["tier_hold_months"]),
            keep_if_met_months=int(v["keep_if_met_months"]),
            downgrade_to=str(v["downgrade_to"]),
            certification_required=bool(v["certification_required"]),
            certification_lapse_effect=str(v["certification_lapse_effect"]),
            upgrade_policy=str(v["upgrade_policy"]),
            reach_gold_within_months=int(v["reach_gold_within_months"]),
            renewal_lookahead_days=int(v["renewal_lookahead_days"]),
            renewal_decision_days_before=int(v["renewal_decision_days_before"]),
            projection_months=int(v["projection_months"]),
            engagement_bands=bands,
            refs={k: r.ref for k, r in rows.items()},
        )

    @property
    def policy(self) -> ProgramPolicy:
        """The policy in force today (use `policy_on(date)` for another date)."""
        return self.policy_on(dt.date.today())

    # -- for the vectorised engine ----------------------------------------------------------------
    def boundaries(self) -> list[dt.date]:
        """Every date on which some rate, currency amount or growth market changes."""
        dates: set[dt.date] = set()
        for row in (*self.rates, *self.currencies_, *self.growth_markets):
            dates.add(row.effective_from)
            if row.effective_to is not None:
                dates.add(row.effective_to + dt.timedelta(days=1))
        return sorted(dates)

    def versions(self) -> list[RuleRef]:
        rows: tuple[RateRule | CurrencyRule | GrowthMarketRule | TierRequirement | PolicyRule,
                    ...] = (*self.rates, *self.currencies_, *self.growth_markets, *self.tiers,
                            *self.policies)
        return [r.ref for r in rows]

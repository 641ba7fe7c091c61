"""Tiers (F2.1-F2.5): the tier your points perform at, the gaps, and the credited tier over time.

Performance: the highest tier whose every requirement holds on a date (certification included).
Credited tier: upgrades per the upgrade policy; downgrades only at reviews (Jan 15 / Jul 15), with
the 6-month hold, the keep-if-met-one-month rule, the downgrade-to-best-tier-in-the-window rule and
the certification gate - every number and date from the rules (program-rules.md §6-7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from partnerkit import display
from partnerkit.explain import RuleRef
from partnerkit.ledger import Ledger
from partnerkit.messages import Message, Term, english_lines, msg
from partnerkit.retention import (
    CustomerRetention,
    customer_dollar_retention,
    percent,
    retention_minimum,
)
from partnerkit.rules import Rulebook, TierRequirement
from partnerkit.standing import Standing, Valuation, add_months, compute_standing, month_end

ZERO = Decimal(0)


class HasPoints(Protocol):
    @property
    def sourced_points(self) -> Decimal: ...
    @property
    def assisted_points(self) -> Decimal: ...
    @property
    def managed_points(self) -> Decimal: ...


@dataclass(frozen=True)
class Points:
    """Plain points, e.g. a what-if standing typed by a user."""

    sourced_points: Decimal = ZERO
    assisted_points: Decimal = ZERO
    managed_points: Decimal = ZERO


@dataclass(frozen=True)
class Requirement:
    tier: str
    name: str  # total | sold | sourced | managed | certification
    required: Decimal | None
    actual: Decimal | None
    met: bool
    ref: RuleRef | None = None
    note: Message | None = None

    @property
    def gap(self) -> Decimal:
        if self.required is None or self.actual is None:
            return ZERO
        return max(self.required - self.actual, ZERO)

    @property
    def is_derived(self) -> bool:
        return self.ref is not None and self.ref.provenance in ("derived", "estimate")

    def message(self) -> Message:
        """The requirement, what you have and what is missing, as a message."""
        if self.name == "retention":
            return self._retention_message()
        if self.name == "certification":
            return msg("tier.certification_valid" if self.met else "tier.certification_not_valid",
                       tier=self.tier, note=self.note or "")
        args = {"tier": self.tier, "requirement": Term("requirement", self.name),
                "required": self.required or ZERO, "actual": self.actual or ZERO,
                "provenance": Term("provenance", self.ref.provenance if self.ref else "")}
        if self.met:
            return msg("tier.requirement_met", **args)
        return msg("tier.requirement_short", **args, gap=self.gap)

    def describe(self) -> str:
        return self.message().english().strip()

    def _retention_message(self) -> Message:
        """The retention requirement as a message (issue 18)."""
        state = ("met" if self.met else "short" if self.actual is not None
                 else "not_recorded")
        return msg(f"tier.retention_{state}", tier=self.tier,
                   required=percent(self.required or ZERO),
                   actual=percent(self.actual or ZERO), gap=percent(self.gap),
                   provenance=Term("provenance", self.ref.provenance if self.ref else "hubspot"))


def _retention(req: TierRequirement, on: dt.date, rules: Rulebook,
               retention: CustomerRetention | None) -> list[Requirement]:
    """Elite's customer-retention gate (a policy row): the 12-month average C$R against the
    minimum; not a requirement at all when no ledger was given to compute it from."""
    minimum = retention_minimum(rules, on).get(req.tier)
    if minimum is None or retention is None:
        return []
    ref = rules.policy_rule("customer_retention_min", on).ref
    actual = retention.average_12m
    return [Requirement(req.tier, "retention", minimum, actual,
                        actual is not None and actual >= minimum, ref)]


def _requirements(req: TierRequirement, pts: HasPoints, certified: bool | None,
                  cert_note: Message) -> list[Requirement]:
    sold = pts.sourced_points + pts.assisted_points
    total = sold + pts.managed_points
    counted = pts.sourced_points if req.sold_min_counts == "sourced" else sold
    out = [
        Requirement(req.tier, "total", req.total_min, total, total >= req.total_min, req.ref),
        Requirement(req.tier, req.sold_min_counts, req.sold_min, counted, counted >= req.sold_min,
                    req.ref),
    ]
    if req.managed_min is not None:
        out.append(Requirement(req.tier, "managed", req.managed_min, pts.managed_points,
                               pts.managed_points >= req.managed_min, req.ref))
    if certified is not None:
        out.append(Requirement(req.tier, "certification", None, None, certified, None, cert_note))
    return out


@dataclass(frozen=True)
class TierPerformance:
    on: dt.date
    tier: str | None  # None = untiered
    rank: int
    requirements: dict[str, list[Requirement]]
    ladder: tuple[str, ...]
    untiered: str
    certified: bool
    certification_message: Message
    explanation_messages: list[Message] = field(default_factory=list)

    @property
    def certification_note(self) -> str:
        return self.certification_message.english()

    @property
    def explanation(self) -> list[str]:
        """The explanation in English (the shells render `explanation_messages` per language)."""
        return english_lines(self.explanation_messages)

    @property
    def tier_label(self) -> str:
        return self.tier or self.untiered

    def __repr__(self) -> str:
        return display.performance_repr(self)

    def _repr_html_(self) -> str:
        return display.performance_html(self)

    @property
    def tiers_met(self) -> list[str]:
        return [t for t in self.ladder if all(r.met for r in self.requirements.get(t, []))]

    @property
    def next_tier(self) -> str | None:
        return self.ladder[self.rank] if self.rank < len(self.ladder) else None

    def gap_to(self, tier: str) -> list[Requirement]:
        """Each requirement of `tier` with what is missing ("Get to")."""
        for name in self.ladder:
            if name.lower() == tier.strip().lower():
                return self.requirements[name]
        raise ValueError(f"tier {tier!r} is not one of: {', '.join(self.ladder)}")

    @property
    def keep_minimum(self) -> list[Requirement]:
        """The requirements of the tier you perform at: the minimum to keep it."""
        return self.requirements.get(self.tier, []) if self.tier else []

    @property
    def binding_requirement(self) -> Requirement | None:
        """The requirement of the next tier that is furthest from met."""
        nxt = self.next_tier
        if nxt is None:
            return None
        unmet = [r for r in self.requirements[nxt] if not r.met]
        if not unmet:
            return None
        return max(unmet, key=lambda r: (r.name != "certification", r.gap))


def evaluate_tier(points: HasPoints, on: dt.date, rules: Rulebook,
                  certified_until: dt.date | None = None, *,
                  retention: CustomerRetention | None = None) -> TierPerformance:
    """The highest tier whose every requirement holds on `on`, with every gap. With `retention`
    (partnerkit.retention.customer_dollar_retention), a tier's retention minimum is checked."""
    policy = rules.policy_on(on)
    if certified_until is None:
        certified, cert_note = True, msg("tier.certification_assumed")
    else:
        certified = certified_until >= on
        cert_note = msg("tier.certification_until", date=certified_until)
    gate = certified if policy.certification_required else None
    ladder = rules.tier_ladder(on)
    reqs = {t.tier: _requirements(t, points, gate, cert_note) + _retention(t, on, rules, retention)
            for t in ladder}
    rank = 0
    for t in ladder:
        if all(r.met for r in reqs[t.tier]):
            rank = t.rank
    names = tuple(t.tier for t in ladder)
    tier = rules.tier_name(rank) if rank else None
    lines = [msg("tier.performance", date=on, tier=Term("tier", tier or rules.untiered))]
    for t in ladder:
        for r in reqs[t.tier]:
            lines.append(r.message())
        minimum = retention_minimum(rules, on).get(t.tier)
        if minimum is not None and retention is None:
            lines.append(msg("tier.retention_not_checked", tier=t.tier, required=percent(minimum),
                             provenance=Term("provenance", "hubspot")))
        if t.invitation_only:
            lines.append(msg("tier.invitation_only", tier=t.tier,
                             needs=[Term("other_requirement", x) for x in t.other_requirements]))
    return TierPerformance(on, tier, rank, reqs, names, rules.untiered, certified, cert_note, lines)


def review_dates_between(rules: Rulebook, start: dt.date, end: dt.date) -> list[dt.date]:
    """Review dates in (start, end]."""
    out = []
    for year in range(start.year, end.year + 1):
        for month, day in rules.policy_on(dt.date(year, 1, 1)).review_dates:
            d = dt.date(year, month, day)
            if start < d <= end:
                out.append(d)
    return sorted(out)


def next_review(rules: Rulebook, after: dt.date) -> dt.date:
    dates = review_dates_between(rules, after, dt.date(after.year + 2, 12, 31))
    return dates[0]


def _month_ends_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Month ends in (start, end]."""
    out = []
    d = month_end(start.year, start.month)
    if d <= start:
        d = add_months(dt.date(start.year, start.month, 1), 1)
        d = month_end(d.year, d.month)
    while d <= end:
        out.append(d)
        nxt = add_months(dt.date(d.year, d.month, 1), 1)
        d = month_end(nxt.year, nxt.month)
    return out


@dataclass(frozen=True)
class TierChange:
    on: dt.date
    from_tier: str
    to_tier: str
    reason_message: Message

    @property
    def reason(self) -> str:
        return self.reason_message.english()


@dataclass(frozen=True)
class CreditedTier:
    tier: str
    since: dt.date
    as_of: dt.date
    changes: list[TierChange]
    performance: TierPerformance
    next_review: dt.date
    next_review_tier: str
    next_review_message: Message
    held_until: dt.date
    explanation_messages: list[Message]

    @property
    def next_review_outcome(self) -> str:
        """What the next review does if nothing changes, in English."""
        return self.next_review_message.english()

    @property
    def explanation(self) -> list[str]:
        return english_lines(self.explanation_messages)

    def __repr__(self) -> str:
        return display.credited_repr(self)

    def _repr_html_(self) -> str:
        return display.credited_html(self)


class _Evaluator:
    def __init__(self, v: Valuation, rules: Rulebook, certified_until: dt.date | None,
                 project_from: dt.date | None = None, projected: Valuation | None = None) -> None:
        self.v, self.rules, self.cert = v, rules, certified_until
        self.project_from, self.projected = project_from, projected
        self.as_of: dt.date | None = None  # the date asked about (its retention is shown)
        self.cache: dict[tuple[dt.date, bool], TierPerformance] = {}

    def standing(self, on: dt.date) -> Standing:
        if self.project_from is not None and on > self.project_from and self.projected is not None:
            s = compute_standing(self.projected, on, with_clients=False)
            now = compute_standing(self.projected, self.project_from, with_clients=False)
            # Projection: no new deals; managed points stay at today's level.
            return Standing(on, s.sourced_points, s.assisted_points, now.managed_points,
                            s.expired_points, s.expiring, s.per_client, now.managed_month)
        return compute_standing(self.v, on, with_clients=False)

    def perf(self, on: dt.date, with_cert: bool = True) -> TierPerformance:
        key = (on, with_cert)
        if key not in self.cache:
            pts, cert = self.standing(on), self.cert if with_cert else None
            perf = evaluate_tier(pts, on, self.rules, cert)
            # Retention (issue 18) is computed only where it can decide the tier: the points
            # meet a tier with a retention minimum (Elite), or it is the date asked about.
            gated = retention_minimum(self.rules, on)
            if gated and (on == self.as_of or any(t in gated for t in perf.tiers_met)):
                source = self.projected if self.project_from and on > self.project_from else self.v
                perf = evaluate_tier(pts, on, self.rules, cert, retention=(
                    customer_dollar_retention(source or self.v, on, self.rules)))
            self.cache[key] = perf
        return self.cache[key]


def _review(ev: _Evaluator, rules: Rulebook, rank: int, since: dt.date, review: dt.date,
            cert: dt.date | None) -> tuple[int, Message]:
    """New rank after the review on `review`, and why."""
    policy = rules.policy_on(review)
    name = rules.tier_name(rank)
    if rank == 0:
        return 0, msg("review.untiered")
    held_until = add_months(since, policy.tier_hold_months)
    cert_lapsed = policy.certification_required and cert is not None and cert < review
    if review < held_until:
        new, why = rank, msg("review.held", tier=name, until=held_until,
                             months=policy.tier_hold_months)
    else:
        window_start = add_months(review, -policy.review_window_months)
        dates = [*_month_ends_between(window_start - dt.timedelta(days=1), review), review]
        dates = sorted({d for d in dates if d >= window_start})
        ranks = [ev.perf(d, with_cert=False).rank for d in dates]
        met = sum(1 for r in ranks if r >= rank)
        if met >= policy.keep_if_met_months:
            new, why = rank, msg("review.keeps", tier=name, met=met, checks=len(dates),
                                 start=window_start, end=review)
        else:
            best = max(ranks, default=0)
            new = min(best, rank)
            why = msg("review.moves", new=Term("tier", rules.tier_name(new)), tier=name,
                      start=window_start, end=review, best=Term("tier", rules.tier_name(best)))
    if cert_lapsed:
        down = max(rank - 1, 0) if policy.certification_lapse_effect == "down_one_tier" else 0
        if down < new:
            new = down
            why = msg("review.certification_lapsed", new=Term("tier", rules.tier_name(new)),
                      expired=cert if cert else "?")
    return new, why


def credited_tier(
    ledger: Ledger | Valuation, rules: Rulebook, credited: str | None, credited_since: dt.date,
    as_of: dt.date, certified_until: dt.date | None = None, upgrades: bool = True,
) -> CreditedTier:
    """Apply upgrades and reviews between `credited_since` and `as_of` to the credited tier.

    upgrades=False: between two records of the credited-tier history the later record says when
    the tier went up, so no upgrade is simulated there (reviews still are; issue 12)."""
    v = ledger if isinstance(ledger, Valuation) else Valuation(ledger, rules)
    if as_of < credited_since:
        raise ValueError(f"as-of date {as_of} is before the credited-since date {credited_since}")
    rank = rules.tier_rank(credited)
    since = credited_since
    ev = _Evaluator(v, rules, certified_until)
    ev.as_of = as_of
    changes: list[TierChange] = []
    lines = [msg("credited.since", tier=Term("tier", rules.tier_name(rank)), since=since)]
    events = [(d, "month") for d in _month_ends_between(credited_since, as_of)]
    events += [(d, "review") for d in review_dates_between(rules, credited_since, as_of)]
    for day, what in sorted(events):
        if what == "review":
            new, why = _review(ev, rules, rank, since, day, certified_until)
            lines.append(msg("credited.review", date=day, why=why))
            if new != rank:
                changes.append(TierChange(day, rules.tier_name(rank), rules.tier_name(new), why))
                rank, since = new, day
        elif upgrades and rules.policy_on(day).upgrade_policy == "monthly_refresh":
            perf = ev.perf(day)
            if perf.rank > rank:
                why = msg("credited.upgrade_reason", date=day, tier=Term("tier", perf.tier_label))
                changes.append(TierChange(day, rules.tier_name(rank), perf.tier_label, why))
                lines.append(msg("credited.upgrade", date=day, why=why))
                rank, since = perf.rank, day
    performance = ev.perf(as_of)
    # What the next review does if nothing changes: no new deals, managed points as today.
    nxt = next_review(rules, as_of)
    f = v.ledger.frame
    future_rows = (f["date"] > str(as_of)).any()
    projected = Valuation(Ledger(f[f["date"] <= str(as_of)]), rules) if future_rows else v
    pev = _Evaluator(v, rules, certified_until, project_from=as_of, projected=projected)
    pev.cache.update({k: p for k, p in ev.cache.items() if k[0] <= as_of})
    new, why = _review(pev, rules, rank, since, nxt, certified_until)
    policy = rules.policy_on(as_of)
    held_until = add_months(since, policy.tier_hold_months)
    lines.append(msg("credited.next_review", date=nxt, why=why))
    return CreditedTier(rules.tier_name(rank), since, as_of, changes, performance, nxt,
                        rules.tier_name(new), why, held_until, lines)


def reach_gold_deadline(joined_on: dt.date, rules: Rulebook) -> dt.date:
    """Partners must reach the first tier within N months of joining (program-rules.md §7)."""
    return add_months(joined_on, rules.policy_on(joined_on).reach_gold_within_months)

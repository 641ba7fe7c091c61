"""Tier risks (F2.1-F2.7; issue 12): what may cost the partner a tier, with a date and a number.

Computed from the standing, its projection (no new deals; sold points expire on their dates;
managed points stay at the latest snapshot: the same projection as `standing.history`), the review
calendar and the certification. Kinds, soonest first:

- below_minimum: the first projected month end (or today) in the warning horizon on which points
  fall below a requirement of the credited tier (and of the performance tier, if higher). Month
  ends because the reviews check month ends and the chart draws them: one figure on every surface.
- review_downgrade: the next review would move the credited tier down.
- certification_expires: the certification expires before the next review, or soon.
- points_expiring: sold points expiring soon whose loss drops the performance tier.
- gold_deadline: a partner not yet at the first tier within its deadline after joining.

The warning windows are rows of the rules file (`risk_*` policies), not constants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from partnerkit.ledger import Ledger
from partnerkit.messages import Message, Term, msg
from partnerkit.rules import Rulebook
from partnerkit.standing import Valuation, add_months, compute_standing, history
from partnerkit.tier_history import CreditedOn
from partnerkit.tiers import (
    Points,
    Requirement,
    evaluate_tier,
    next_review,
    reach_gold_deadline,
    review_dates_between,
)

KINDS = ("below_minimum", "review_downgrade", "certification_expires", "points_expiring",
         "gold_deadline")
_NUMERIC = ("total", "sourced", "sold", "managed")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Risk:
    kind: str
    date: dt.date
    tier: str  # the tier at risk
    requirement: str  # total | sourced | sold | managed | certification | review
    required: Decimal | None
    projected: Decimal | None
    shortfall: Decimal | None
    message: Message
    explanation: list[Message] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The `risks` item of the JSON contract (numbers as JSON numbers, dates ISO)."""
        def num(x: Decimal | None) -> float | None:
            return None if x is None else float(x)

        return {"kind": self.kind, "date": self.date.isoformat(), "tier": self.tier,
                "requirement": self.requirement, "required": num(self.required),
                "projected": num(self.projected), "shortfall": num(self.shortfall),
                "message": self.message.english()}

    def days_left(self, as_of: dt.date) -> int:
        return (self.date - as_of).days


def _as_valuation(ledger: Ledger | Valuation, rules: Rulebook) -> Valuation:
    return ledger if isinstance(ledger, Valuation) else Valuation(ledger, rules)


def _truncated(v: Valuation, as_of: dt.date) -> Valuation:
    """The valuation of the ledger up to `as_of`: the projection knows no later deals."""
    f = v.ledger.frame
    if not (f["date"] > str(as_of)).any():
        return v
    return Valuation(Ledger(f[f["date"] <= str(as_of)]), v.rules)


def _numeric(reqs: list[Requirement]) -> list[Requirement]:
    return [r for r in reqs if r.name in _NUMERIC and r.required is not None]


def _worst(unmet: list[Requirement]) -> Requirement:
    # The requirement furthest from met, relative to its size (a 50-point gap on 60 outweighs it
    # on 800).
    return max(unmet, key=lambda r: r.gap / r.required if r.required else r.gap)


def _requirements_on(pts: Points, on: dt.date, rules: Rulebook, tier: str) -> list[Requirement]:
    perf = evaluate_tier(pts, on, rules)
    return _numeric(perf.requirements.get(tier, []))


def _below_minimum(v: Valuation, rules: Rulebook, as_of: dt.date, tiers: list[str],
                   horizon: int) -> list[Risk]:
    proj = history(v, as_of, months=0, projection_months=horizon)
    end = add_months(as_of, horizon)
    rows = proj[(proj["is_as_of"] | proj["projected"]) & (proj["month_end"] <= end)]
    out = []
    for tier in tiers:
        for r in rows.itertuples(index=False):
            pts = Points(r.sourced_exact, r.assisted_exact, r.managed_exact)  # exact twins
            unmet = [q for q in _requirements_on(pts, r.month_end, rules, tier) if not q.met]
            if not unmet:
                continue
            q = _worst(unmet)
            assert q.required is not None and q.actual is not None
            mid = "risk.below_minimum_now" if r.month_end == as_of else "risk.below_minimum"
            out.append(Risk("below_minimum", r.month_end, tier, q.name, q.required, q.actual,
                            q.gap, msg(mid, date=r.month_end, tier=tier,
                                       requirement=Term("requirement", q.name),
                                       projected=q.actual, required=q.required, shortfall=q.gap),
                            [msg("risk.projection_basis", as_of=as_of)]))
            break
    return out


def _projected_points(v: Valuation, vt: Valuation, as_of: dt.date, on: dt.date,
                      managed_now: Decimal) -> Points:
    """Points on `on`: the standing up to as_of; after it, no new deals (sold points expire on
    their dates) and managed points at as_of's level (`managed_now`, computed once)."""
    if on <= as_of:
        s = compute_standing(v, on, with_clients=False)
        return Points(s.sourced_points, s.assisted_points, s.managed_points)
    s = compute_standing(vt, on, with_clients=False)
    return Points(s.sourced_points, s.assisted_points, managed_now)


def _months_met(v: Valuation, vt: Valuation, rules: Rulebook, as_of: dt.date, review: dt.date,
                rank: int, managed_now: Decimal) -> tuple[int, int]:
    """(checks meeting `rank`, checks) in the review's window: each month end and the review day,
    as the review itself counts them (tiers._review)."""
    policy = rules.policy_on(review)
    start = add_months(review, -policy.review_window_months)
    days = {review}
    d = start
    while d < review:
        nxt = add_months(dt.date(d.year, d.month, 1), 1)
        end = nxt - dt.timedelta(days=1)
        if start <= end <= review:
            days.add(end)
        d = nxt
    ranks = [evaluate_tier(_projected_points(v, vt, as_of, day, managed_now), day, rules).rank
             for day in sorted(days)]
    return sum(1 for r in ranks if r >= rank), len(ranks)


def _review_risks(v: Valuation, vt: Valuation, rules: Rulebook, credited: CreditedOn,
                  certified_until: dt.date | None, managed_now: Decimal) -> list[Risk]:
    detail = credited.detail
    if detail is None or credited.tier is None:
        return []
    rank, new = rules.tier_rank(credited.tier), rules.tier_rank(detail.next_review_tier)
    if new >= rank:
        return []
    review = detail.next_review
    policy = rules.policy_on(review)
    cert_lapse = (policy.certification_required and certified_until is not None
                  and certified_until < review)
    if cert_lapse:
        assert certified_until is not None
        return [Risk("review_downgrade", review, credited.tier, "certification", None, None, None,
                     msg("risk.review_downgrade_certification", date=review, tier=credited.tier,
                         to_tier=detail.next_review_tier, expires=certified_until))]
    need = Decimal(policy.keep_if_met_months)
    met, checks = _months_met(v, vt, rules, credited.as_of, review, rank, managed_now)
    return [Risk("review_downgrade", review, credited.tier, "review", need, Decimal(met),
                 max(need - met, ZERO),
                 msg("risk.review_downgrade", date=review, tier=credited.tier,
                     to_tier=detail.next_review_tier, met=met, checks=checks, need=int(need)),
                 [msg("risk.projection_basis", as_of=credited.as_of)])]


def _certification_risk(rules: Rulebook, as_of: dt.date, credited: CreditedOn,
                        performance_tier: str | None, certified_until: dt.date | None
                        ) -> list[Risk]:
    if certified_until is None or not rules.policy_on(as_of).certification_required:
        return []
    tier = credited.tier or performance_tier
    if tier is None or rules.tier_rank(tier) == 0:
        return []
    review = next_review(rules, as_of)
    warn = int(rules.policy_value("risk_certification_warning_days", as_of))
    if certified_until < as_of:
        message = msg("risk.certification_expired", date=certified_until, tier=tier)
    elif certified_until < review:
        message = msg("risk.certification_expires_before_review", date=certified_until,
                      review=review, tier=tier)
    elif (certified_until - as_of).days <= warn:
        message = msg("risk.certification_expires_soon", date=certified_until,
                      days=(certified_until - as_of).days, tier=tier)
    else:
        return []
    return [Risk("certification_expires", certified_until, tier, "certification", None, None,
                 None, message)]


def _points_expiring(v: Valuation, vt: Valuation, rules: Rulebook, as_of: dt.date,
                     performance_tier: str | None, managed_now: Decimal) -> list[Risk]:
    if performance_tier is None:
        return []
    window = int(rules.policy_value("risk_points_expiring_days", as_of))
    limit = as_of + dt.timedelta(days=window)
    now = _projected_points(v, vt, as_of, as_of, managed_now)
    # Distinct expiry days in (as_of, limit], vectorised (a ledger can hold millions of sales).
    expiries = np.unique(vt.expires[vt.is_sold])
    lo, hi = np.datetime64(as_of, "D"), np.datetime64(limit, "D")
    days = [d.astype(dt.date) for d in expiries[(expiries > lo) & (expiries <= hi)]]
    before = now
    for day in days:
        pts = _projected_points(v, vt, as_of, day, managed_now)
        unmet = [q for q in _requirements_on(pts, day, rules, performance_tier) if not q.met]
        if unmet:
            q = _worst(unmet)
            assert q.required is not None and q.actual is not None
            lost = (before.sourced_points + before.assisted_points
                    - pts.sourced_points - pts.assisted_points)
            return [Risk("points_expiring", day, performance_tier, q.name, q.required, q.actual,
                         q.gap, msg("risk.points_expiring", points=lost, date=day,
                                    tier=performance_tier,
                                    requirement=Term("requirement", q.name), projected=q.actual,
                                    required=q.required))]
        before = pts
    return []


def _gold_deadline(rules: Rulebook, as_of: dt.date, credited: CreditedOn,
                   performance_rank: int, now: Points, joined_on: dt.date | None) -> list[Risk]:
    if joined_on is None:
        return []
    deadline = reach_gold_deadline(joined_on, rules)
    credited_rank = rules.tier_rank(credited.tier) if credited.tier else 0
    if as_of >= deadline or max(credited_rank, performance_rank) >= 1:
        return []
    first = rules.tier_name(1)
    unmet = [q for q in _requirements_on(now, as_of, rules, first) if not q.met]
    q = _worst(unmet) if unmet else None
    months = rules.policy_on(joined_on).reach_gold_within_months
    return [Risk("gold_deadline", deadline, first, q.name if q else "total",
                 q.required if q else None, q.actual if q else None, q.gap if q else ZERO,
                 msg("risk.gold_deadline", tier=first, date=deadline, months=months,
                     joined=joined_on, shortfall=q.gap if q else ZERO,
                     requirement=Term("requirement", q.name if q else "total")))]


def tier_risks(
    ledger: Ledger | Valuation, rules: Rulebook, as_of: dt.date, credited: CreditedOn,
    certified_until: dt.date | None = None, joined_on: dt.date | None = None,
) -> list[Risk]:
    """Every tier risk on `as_of`, soonest first (an empty list: nothing is at risk)."""
    v = _as_valuation(ledger, rules)
    vt = _truncated(v, as_of)
    now = _projected_points(v, vt, as_of, as_of, ZERO)
    managed_now = now.managed_points
    perf = evaluate_tier(now, as_of, rules, certified_until)
    # The performance tier without the certification gate: the certification is its own risk.
    perf_points = evaluate_tier(now, as_of, rules)
    horizon = int(rules.policy_value("risk_horizon_months", as_of))
    tiers: list[str] = []
    credited_rank = rules.tier_rank(credited.tier) if credited.tier else 0
    if credited_rank:
        tiers.append(rules.tier_name(credited_rank))
    if perf_points.rank > credited_rank:
        tiers.append(rules.tier_name(perf_points.rank))
    risks = _below_minimum(v, rules, as_of, tiers, horizon)
    risks += _review_risks(v, vt, rules, credited, certified_until, managed_now)
    risks += _certification_risk(rules, as_of, credited, perf_points.tier, certified_until)
    risks += _points_expiring(v, vt, rules, as_of, perf_points.tier, managed_now)
    risks += _gold_deadline(rules, as_of, credited, max(perf.rank, perf_points.rank), now,
                            joined_on)
    return sorted(risks, key=lambda r: (r.date, KINDS.index(r.kind)))


def reviews_in_horizon(rules: Rulebook, as_of: dt.date) -> list[dt.date]:
    """Review dates within the warning horizon (for the chart and the report)."""
    horizon = int(rules.policy_value("risk_horizon_months", as_of))
    return review_dates_between(rules, as_of, add_months(as_of, horizon))

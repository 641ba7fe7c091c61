"""The credited tier over time from its recorded history (F2.1; issue 12).

A partner's credited tiers are data: records of (tier, credited from, source). `recorded` is what
HubSpot credited (entered or imported); `computed` is partnerkit's review simulation kept by a user.
The credited tier on a date starts from the latest record on or before that date and simulates the
upgrades and reviews from there (`partnerkit.tiers.credited_tier`). Before the first record the
credited tier is unknown: "not recorded", never a tier held by assumption.

Every surface (CLI, dashboard, report, JSON) asks `credited_on` so they give one answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from partnerkit.ledger import Ledger
from partnerkit.messages import Message, Term, msg
from partnerkit.retention import customer_dollar_retention, retention_minimum
from partnerkit.rules import Rulebook
from partnerkit.standing import Valuation, compute_standing
from partnerkit.tiers import CreditedTier, TierChange, TierPerformance, credited_tier, evaluate_tier

SOURCES = ("recorded", "computed")
BASIS_RECORDED, BASIS_COMPUTED, BASIS_NOT_RECORDED = "recorded", "computed", "not recorded"


@dataclass(frozen=True, slots=True)
class TierRecord:
    """One credited tier from a date: what HubSpot credited (recorded) or a kept simulation."""

    credited_from: dt.date
    tier: str
    source: str = "recorded"
    note: str = ""


@dataclass(frozen=True)
class CreditedOn:
    """The credited tier on `as_of` with its basis.

    `tier` is None before the first record (basis "not recorded"). Otherwise basis is
    "recorded" when the record itself is the answer, "computed" when a simulated upgrade or review
    since the record decided it (`decided_by`).
    """

    as_of: dt.date
    tier: str | None
    basis: str
    since: dt.date | None
    record: TierRecord | None
    first_recorded: dt.date | None
    detail: CreditedTier | None
    decided_by: TierChange | None
    message: Message
    performance: TierPerformance  # the tier the points perform at on as_of (shown either way)

    @property
    def known(self) -> bool:
        return self.tier is not None


def sorted_history(history: Iterable[TierRecord]) -> list[TierRecord]:
    """Records by date; two records on one date are a data error (the store's key forbids it)."""
    out = sorted(history, key=lambda r: r.credited_from)
    for a, b in itertools.pairwise(out):
        if a.credited_from == b.credited_from:
            raise ValueError(f"two credited-tier records on {a.credited_from.isoformat()}")
    return out


def latest_record(history: Sequence[TierRecord], on: dt.date) -> TierRecord | None:
    """The latest record credited on or before `on`, or None."""
    found = None
    for r in sorted_history(history):
        if r.credited_from <= on:
            found = r
    return found


def credited_on(
    ledger: Ledger | Valuation, rules: Rulebook, history: Sequence[TierRecord], as_of: dt.date,
    certified_until: dt.date | None = None,
) -> CreditedOn:
    """The credited tier on `as_of`: the latest record on or before it, then the reviews (and,
    after the last record, the upgrades the rules' upgrade policy credits)."""
    v = ledger if isinstance(ledger, Valuation) else Valuation(ledger, rules)
    records = sorted_history(history)
    first = records[0].credited_from if records else None
    rec = latest_record(records, as_of)
    if rec is None:
        message = (msg("credited.not_recorded_before", first=first) if first
                   else msg("credited.never_recorded"))
        return CreditedOn(as_of, None, BASIS_NOT_RECORDED, None, None, first, None, None, message,
                          performance_on(v, rules, as_of, certified_until))
    rules.tier_rank(rec.tier)  # an unknown tier name is a clear error, not a silent untiered
    # A later record says when the tier went up: no upgrade is simulated before it.
    later = any(r.credited_from > as_of for r in records)
    detail = credited_tier(v, rules, rec.tier, rec.credited_from, as_of, certified_until,
                           upgrades=not later)
    decided = detail.changes[-1] if detail.changes else None
    if decided is None:
        basis = BASIS_COMPUTED if rec.source == "computed" else BASIS_RECORDED
        message = msg("credited.recorded", tier=detail.tier, since=rec.credited_from,
                      source=Term("credited_basis", rec.source))
    else:
        basis = BASIS_COMPUTED
        message = msg("credited.computed", tier=detail.tier, since=detail.since,
                      recorded_tier=rec.tier, recorded_from=rec.credited_from,
                      reason=decided.reason_message)
    return CreditedOn(as_of, detail.tier, basis, detail.since, rec, first, detail, decided,
                      message, detail.performance)


def performance_on(v: Valuation, rules: Rulebook, as_of: dt.date,
                   certified_until: dt.date | None = None) -> TierPerformance:
    """The tier the points perform at on `as_of`, as `credited_tier` evaluates that day (with
    the retention gate where the rules have one)."""
    s = compute_standing(v, as_of, with_clients=False)
    if retention_minimum(rules, as_of):
        return evaluate_tier(s, as_of, rules, certified_until,
                             retention=customer_dollar_retention(v, as_of, rules))
    return evaluate_tier(s, as_of, rules, certified_until)


def month_over_month(previous: CreditedOn, current: CreditedOn, rules: Rulebook) -> Message:
    """This month's credited tier against last month's, like with like ("up from", "unchanged",
    "first recorded"); never "unchanged" against a month that was not recorded."""
    if current.tier is None:
        return current.message
    if previous.tier is None:
        return msg("credited.first_recorded", tier=current.tier, since=current.since)
    now, before = rules.tier_rank(current.tier), rules.tier_rank(previous.tier)
    if now > before:
        return msg("credited.up_from", tier=current.tier, previous=previous.tier,
                   since=current.since)
    if now < before:
        return msg("credited.down_from", tier=current.tier, previous=previous.tier,
                   since=current.since)
    return msg("credited.unchanged", tier=current.tier, since=current.since)

"""partnerkit: a HubSpot Solutions Partner's client book, points and tier.

The public API for notebook users (see docs/architecture.md):

    from partnerkit import load_rules, estimate_points, compute_standing, evaluate_tier
"""

from __future__ import annotations

from partnerkit.ledger import Ledger, LedgerError, ManagedSnapshot, SoldEvent, parse_ledger_csv
from partnerkit.money import MoneyError, parse_amount
from partnerkit.points import (
    Conversion,
    PointsEstimate,
    currency_to_points,
    estimate_points,
    points_to_currency,
)
from partnerkit.rules import Rulebook, RulesError, UnknownCurrencyError
from partnerkit.rules_io import load_rules
from partnerkit.standing import Standing, Valuation, compute_standing, history, point_changes
from partnerkit.tiers import (
    CreditedTier,
    Points,
    TierPerformance,
    credited_tier,
    evaluate_tier,
    next_review,
    reach_gold_deadline,
)

__version__ = "0.1.0"

__all__ = [
    "Conversion",
    "CreditedTier",
    "Ledger",
    "LedgerError",
    "ManagedSnapshot",
    "MoneyError",
    "Points",
    "PointsEstimate",
    "Rulebook",
    "RulesError",
    "SoldEvent",
    "Standing",
    "TierPerformance",
    "UnknownCurrencyError",
    "Valuation",
    "compute_standing",
    "credited_tier",
    "currency_to_points",
    "estimate_points",
    "evaluate_tier",
    "history",
    "load_rules",
    "next_review",
    "parse_amount",
    "parse_ledger_csv",
    "point_changes",
    "points_to_currency",
    "reach_gold_deadline",
]

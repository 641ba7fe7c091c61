"""partnerkit: a HubSpot Solutions Partner's client book, points and tier.

The public API for notebook users (see docs/architecture.md):

    from partnerkit import load_rules, estimate_points, compute_standing, evaluate_tier
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Imported on first use (PEP 562): `import partnerkit` and `partnerkit COMMAND --help` stay fast;
# pandas, numpy and the engine load when a name that needs them is used (issue 16).
_HOME = {
    "Ledger": "ledger", "LedgerError": "ledger", "ManagedSnapshot": "ledger",
    "SoldEvent": "ledger", "parse_ledger_csv": "ledger",
    "MoneyError": "money", "parse_amount": "money",
    "Conversion": "points", "PointsEstimate": "points", "currency_to_points": "points",
    "estimate_points": "points", "points_to_currency": "points",
    "Rulebook": "rules", "RulesError": "rules", "UnknownCurrencyError": "rules",
    "load_rules": "rules_io",
    "Standing": "standing", "Valuation": "standing", "compute_standing": "standing",
    "history": "standing", "point_changes": "standing",
    "CreditedTier": "tiers", "Points": "tiers", "TierPerformance": "tiers",
    "credited_tier": "tiers", "evaluate_tier": "tiers", "next_review": "tiers",
    "reach_gold_deadline": "tiers",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'partnerkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"partnerkit.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


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

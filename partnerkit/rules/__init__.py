"""Program rules as effective-dated data (program-rules.md).

`parse_rules(text, …)` turns TOML text into a validated `Rulebook`; `partnerkit.rules_io.load_rules`
adds the shipped file and a user's override file.
"""

from partnerkit.rules.model import (
    CREDITS,
    MARKETS,
    CurrencyRule,
    GrowthMarketRule,
    PolicyRule,
    ProgramPolicy,
    RateRule,
    Rulebook,
    RulesError,
    TierRequirement,
    UnknownCurrencyError,
)
from partnerkit.rules.parse import merge_rules, parse_rules

__all__ = [
    "CREDITS",
    "MARKETS",
    "CurrencyRule",
    "GrowthMarketRule",
    "PolicyRule",
    "ProgramPolicy",
    "RateRule",
    "Rulebook",
    "RulesError",
    "TierRequirement",
    "UnknownCurrencyError",
    "merge_rules",
    "parse_rules",
]

"""Where a number came from: the rule rows (with provenance) and inputs behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PROVENANCES = ("hubspot", "derived", "estimate", "user")
PROVENANCE_LABEL = {
    "hubspot": "HubSpot",
    "derived": "derived by partnerkit",
    "estimate": "partnerkit estimate",
    "user": "your rules file",
}


@dataclass(frozen=True, slots=True)
class RuleRef:
    """One rules-file row: which table, which key, which version, and how much to trust it."""

    table: str
    key: str
    effective_from: dt.date
    effective_to: dt.date | None
    provenance: str
    source: str = "program-rules.toml"
    note: str = ""

    @property
    def is_estimate(self) -> bool:
        return self.provenance in ("estimate", "derived")

    @property
    def version(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "open"
        return f"{self.table}:{self.key}@{self.effective_from.isoformat()}..{end}"

    def describe(self) -> str:
        end = f" to {self.effective_to.isoformat()}" if self.effective_to else ""
        return (
            f"{self.table} {self.key} (from {self.effective_from.isoformat()}{end}; "
            f"{PROVENANCE_LABEL.get(self.provenance, self.provenance)}; {self.source})"
        )


def fmt_points(value: object) -> str:
    """Points for explanation text: up to 2 decimals, no trailing zeros."""
    from decimal import Decimal

    d = value if isinstance(value, Decimal) else Decimal(str(value))
    q = d.quantize(Decimal("0.01"))
    text = f"{q:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text

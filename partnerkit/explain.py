"""Where a number came from: the rule rows (with provenance) and inputs behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from partnerkit.messages import TERMS, Message, Term, msg, points_text

PROVENANCES = ("hubspot", "derived", "estimate", "user")
# English labels (the shells translate the `Term("provenance", ...)` of a message instead).
PROVENANCE_LABEL = dict(TERMS["provenance"])


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

    def message(self) -> Message:
        """The row as a message: table, key, dates, provenance and source file."""
        args = {"table": Term("rule_table", self.table), "key": Term("rule_key", self.key),
                "start": self.effective_from, "provenance": Term("provenance", self.provenance),
                "source": self.source}
        if self.effective_to:
            return msg("rule.describe_to", **args, end=self.effective_to)
        return msg("rule.describe", **args)

    def describe(self) -> str:
        return self.message().english()


def fmt_points(value: object) -> str:
    """Points for explanation text: up to 2 decimals, no trailing zeros."""
    return points_text(value)

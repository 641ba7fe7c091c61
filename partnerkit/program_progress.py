"""Program Progress (issue 18): the money and retention figures of HubSpot's 2025 partner
dashboard, computed once for every surface (CLI, dashboard, report, JSON).

Pure: no files, no widgets, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from partnerkit.ledger import Ledger
from partnerkit.messages import Message
from partnerkit.progress import SoldMrr, assisted_mrr_12m, sourced_mrr_12m, valuation_of
from partnerkit.retention import CustomerRetention, customer_dollar_retention
from partnerkit.rules import Rulebook
from partnerkit.standing import Valuation


@dataclass(frozen=True)
class ProgramProgress:
    as_of: dt.date
    sourced: SoldMrr
    assisted: SoldMrr
    retention: CustomerRetention

    def as_json(self) -> dict[str, object]:
        """The `partnerkit tier --json` and report-JSON keys (the issue's contract)."""
        return {"sourced_mrr_12m": self.sourced.as_json(),
                "assisted_mrr_12m": self.assisted.as_json(),
                "customer_dollar_retention": self.retention.as_json()}

    @property
    def explanation(self) -> list[Message]:
        return [*self.sourced.explanation, *self.assisted.explanation[:1],
                *self.retention.explanation]


def program_progress(source: Ledger | Valuation, as_of: dt.date, rules: Rulebook,
                     currency: str) -> ProgramProgress:
    """12-month sourced MRR (and assisted, for context) in US$ and `currency` (the partner's),
    and customer dollar retention with its 12-month average, on `as_of`."""
    v = valuation_of(source, rules)  # valued once for the three figures
    return ProgramProgress(as_of, sourced_mrr_12m(v, as_of, rules, currency),
                           assisted_mrr_12m(v, as_of, rules, currency),
                           customer_dollar_retention(v, as_of, rules))

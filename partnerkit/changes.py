"""Tier point changes (HubSpot's 2025 dashboard view; issue 12): new and lost sold and managed
points over a date range, their totals, and the clients behind each total.

Pure helpers over `partnerkit.standing.point_changes` (which computes the per-client figures), so
the dashboard, the report and an export show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from partnerkit.ledger import Ledger
from partnerkit.rules import Rulebook
from partnerkit.standing import Valuation, add_months, point_changes

TOTALS = ("new_sold", "lost_sold", "new_managed", "lost_managed", "net")
ZERO = Decimal(0)


@dataclass(frozen=True)
class PointChanges:
    """Changes on the days `first`..`last` (both included)."""

    first: dt.date
    last: dt.date
    clients: pd.DataFrame  # client_id, client_name, new_sold, lost_sold, new_managed, ...

    def total(self, column: str) -> Decimal:
        if column not in TOTALS:
            raise ValueError(f"unknown total {column!r}: use one of {', '.join(TOTALS)}")
        return sum((Decimal(v) for v in self.clients[column]), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {c: self.total(c) for c in TOTALS}

    def clients_behind(self, column: str) -> pd.DataFrame:
        """The per-client rows that make up one total (non-zero in that column), largest first."""
        self.total(column)  # validates the name
        rows = self.clients[self.clients[column] != 0]
        order = rows[column].map(lambda v: abs(Decimal(v)))
        return rows.assign(_k=order).sort_values("_k", ascending=False, kind="stable").drop(
            columns="_k").reset_index(drop=True)


def last_month(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month before `as_of`'s month: the view's default range."""
    first = add_months(dt.date(as_of.year, as_of.month, 1), -1)
    return first, dt.date(as_of.year, as_of.month, 1) - dt.timedelta(days=1)


def changes_between(ledger: Ledger | Valuation, first: dt.date, last: dt.date,
                    rules: Rulebook | None = None) -> PointChanges:
    """New and lost points per client on the days first..last (inclusive)."""
    if last < first:
        raise ValueError(f"the end date {last} is before the start date {first}")
    frame = point_changes(ledger, first - dt.timedelta(days=1), last, rules)
    return PointChanges(first, last, frame)

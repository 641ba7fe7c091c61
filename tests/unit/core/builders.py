"""Small builders for core tests: a sold event, a managed snapshot, a ledger, rules with an edit.

Every builder has sensible defaults (a US$1,000 sourced deal to a US client in March 2024) and takes
keyword overrides, so a test states only what matters to it.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from decimal import Decimal
from typing import Any

from partnerkit.ledger import Ledger, ManagedSnapshot, SoldEvent, parse_ledger_csv
from partnerkit.rules import Rulebook, merge_rules, parse_rules
from partnerkit.rules_io import shipped_rules
from partnerkit.tiers import Points

D = dt.date


def dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def a_sold_event(**overrides: Any) -> SoldEvent:
    """A sourced US$1,000 deal closed 2024-03-15 with a US client (the 5-point era)."""
    fields: dict[str, Any] = {
        "client_id": "acme",
        "close_date": D(2024, 3, 15),
        "deal_type": "sourced",
        "amount": Decimal("1000"),
        "currency": "USD",
        "country": "US",
        "product_line": "Sales Hub Professional",
        "first_sold": None,
        "client_name": "Acme",
    }
    fields.update(overrides)
    fields["amount"] = dec(fields["amount"])
    return SoldEvent(**fields)


def a_managed_snapshot(**overrides: Any) -> ManagedSnapshot:
    """A US client with US$1,000 MRR serviced in March 2024, by us alone."""
    fields: dict[str, Any] = {
        "client_id": "acme",
        "month": D(2024, 3, 1),
        "amount": Decimal("1000"),
        "currency": "USD",
        "country": "US",
        "other_partners": 0,
        "client_name": "Acme",
    }
    fields.update(overrides)
    fields["amount"] = dec(fields["amount"])
    return ManagedSnapshot(**fields)


def a_ledger(*events: SoldEvent | ManagedSnapshot) -> Ledger:
    return Ledger.from_events(events)


def a_csv_ledger(text: str, source: str = "test.csv") -> Ledger:
    return parse_ledger_csv(io.StringIO(textwrap.dedent(text).lstrip()), source)


def shipped() -> Rulebook:
    return shipped_rules()


def rules_with(toml_text: str, source: str = "my-rules.toml") -> Rulebook:
    """The shipped rules overridden by a user's rules file with this text."""
    override = parse_rules(textwrap.dedent(toml_text), source, default_provenance="user",
                           partial=True)
    return merge_rules(shipped_rules(), override)


def points(sourced: object = 0, assisted: object = 0, managed: object = 0) -> Points:
    return Points(dec(sourced), dec(assisted), dec(managed))


# MRR (USD, US client) of a managed snapshot that, with `a_steady_sold_base`, makes a month end
# perform at exactly that tier under the 2022-2025 shipped thresholds (sold 420 points active
# from 2023-08-01 to 2024-07-31; Gold needs managed 60, Platinum 200, Diamond 500 and total 800).
MANAGED_MRR_FOR = {None: 0, "Gold": 6_000, "Platinum": 20_000, "Diamond": 50_000}


def a_steady_sold_base() -> SoldEvent:
    """US$14,000 sourced on 2023-08-01 at 3 points/US$100 = 420 sold points until 2024-08-01."""
    return a_sold_event(client_id="base", client_name="Base", close_date=D(2023, 8, 1),
                        amount="14000")


def a_ledger_performing(months: dict[tuple[int, int], str | None]) -> Ledger:
    """A ledger whose month ends perform at the given tiers ((year, month) -> tier or None)."""
    events: list[SoldEvent | ManagedSnapshot] = [a_steady_sold_base()]
    for (year, month), tier in sorted(months.items()):
        events.append(a_managed_snapshot(client_id="serviced", client_name="Serviced",
                                         month=D(year, month, 1), amount=MANAGED_MRR_FOR[tier]))
    return a_ledger(*events)


def every_month(start: tuple[int, int], end: tuple[int, int], tier: str | None
                ) -> dict[tuple[int, int], str | None]:
    out: dict[tuple[int, int], str | None] = {}
    y, m = start
    while (y, m) <= end:
        out[(y, m)] = tier
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out

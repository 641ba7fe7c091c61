"""Program Progress money figures (issue 18): the rolling 12-month sold MRR of HubSpot's 2025
partner dashboard, in US$ at the program's currency amounts and in the partner's currency.

HubSpot shows "the rolling 12-month sourced MRR ($)"; it does not publish how it is summed, so this
is partnerkit's reading (marked so wherever it shows): the MRR of the sourced deals closed in the
window ending on the date (`sourced_mrr_window_months`, a policy row), each converted at the
program amount of its currency in force on its close date, as points are. The partner's-currency
figure converts each deal at the same date's program amounts, so deals already in the partner's
currency add up to their plain sum. Assisted MRR is computed the same way, for context.

Exact and vectorised: rows are reduced to integer unit sums per (client, currency, rule epoch),
then converted with one exact rational per group. Pure: no files, no widgets, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from partnerkit.explain import RuleRef
from partnerkit.ledger import Ledger
from partnerkit.messages import Message, Term, msg
from partnerkit.money import AMOUNT_SCALE, Money
from partnerkit.rules import Rulebook
from partnerkit.standing import Valuation, _np_add_months, add_months

ZERO = Decimal(0)
MRR_CLIENT_COLUMNS = ["client_id", "client_name", "deals", "usd", "amount"]
# How many clients an explanation names (the full list is `SoldMrr.clients`).
EXPLAINED_CLIENTS = 10


def to_decimal(value: Fraction) -> Decimal:
    """An exact rational as a Decimal: one division, correctly rounded to the context."""
    if value.denominator == 1:
        return Decimal(value.numerator)
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class SoldMrr:
    """Sold MRR of one deal type (sourced or assisted) in the window ending on `as_of`."""

    deal_type: str
    as_of: dt.date
    window_start: dt.date  # first close date counted
    usd: Decimal
    currency: str  # the partner's currency
    amount: Decimal  # the same MRR in the partner's currency
    deals: int
    clients: pd.DataFrame = field(repr=False)  # MRR_CLIENT_COLUMNS, largest first
    refs: tuple[RuleRef, ...] = ()
    explanation: tuple[Message, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The CLI/report contract: {"usd": number, "currency": code, "amount": number}."""
        return {"usd": float(self.usd), "currency": self.currency, "amount": float(self.amount)}


def _ledger(source: Ledger | Valuation) -> Ledger:
    return source.ledger if isinstance(source, Valuation) else source


def sold_mrr_12m(source: Ledger | Valuation, as_of: dt.date, rules: Rulebook, currency: str,
                 deal_type: str = "sourced") -> SoldMrr:
    """MRR of the `deal_type` deals closed in the rolling window ending on `as_of`."""
    if deal_type not in ("sourced", "assisted"):
        raise ValueError(f"deal type {deal_type!r} is not one of: sourced, assisted")
    home = currency.strip().upper()
    rules.currency_rule(home, as_of)  # a clear error for a currency without a program amount
    window_rule = rules.policy_rule("sourced_mrr_window_months", as_of)
    months = int(window_rule.value)
    start = add_months(as_of, -months) + dt.timedelta(days=1)
    f = _ledger(source).frame
    kind = f["kind"].to_numpy()
    deal = f["deal_type"].to_numpy()
    days = f["date"].to_numpy().astype("datetime64[D]")
    # In the window iff closed on or before as_of and not yet `months` old (as sold points live).
    day = np.datetime64(as_of, "D")
    keep = (kind == "sold") & (deal == deal_type) & (days <= day)
    keep &= _np_add_months(days, np.full(days.shape, months)) > day
    rows = np.flatnonzero(keep)
    sel = f.iloc[rows]
    groups = _group_units(sel, days[rows], rules)
    refs: dict[str, RuleRef] = {window_rule.ref.version: window_rule.ref}
    usd_by: dict[str, Fraction] = {}
    home_by: dict[str, Fraction] = {}
    for (client, cur, on), units in groups.items():
        crule = rules.currency_rule(cur, on)
        hrule = rules.currency_rule(home, on)
        refs.setdefault(crule.ref.version, crule.ref)
        refs.setdefault(hrule.ref.version, hrule.ref)
        local = Fraction(crule.local_per_100) * AMOUNT_SCALE
        usd_by[client] = usd_by.get(client, Fraction(0)) + Fraction(units * 100) / local
        home_by[client] = (home_by.get(client, Fraction(0))
                           + Fraction(units) * Fraction(hrule.local_per_100) / local)
    usd = to_decimal(sum(usd_by.values(), Fraction(0)))
    amount = to_decimal(sum(home_by.values(), Fraction(0)))
    clients = _client_frame(sel, usd_by, home_by)
    lines = [msg(f"progress.{deal_type}_mrr", months=months, usd=Money(usd, "USD"),
                 amount=Money(amount, home), deals=len(rows), clients=len(clients),
                 start=start, end=as_of),
             msg("progress.mrr_reading", provenance=Term("provenance", "derived"))]
    for row in clients.head(EXPLAINED_CLIENTS).itertuples(index=False):
        lines.append(msg("progress.mrr_client", client=row.client_name or row.client_id,
                         usd=Money(row.usd, "USD"), deals=int(row.deals)))
    if len(clients) > EXPLAINED_CLIENTS:
        lines.append(msg("progress.more_clients", n=len(clients) - EXPLAINED_CLIENTS))
    lines += [msg("progress.rule", rule=r.version, provenance=Term("provenance", r.provenance))
              for r in refs.values()]
    return SoldMrr(deal_type, as_of, start, usd, home, amount, len(rows), clients,
                   tuple(refs.values()), tuple(lines))


def sourced_mrr_12m(source: Ledger | Valuation, as_of: dt.date, rules: Rulebook,
                    currency: str) -> SoldMrr:
    """HubSpot's "rolling 12-month sourced MRR", as partnerkit reads it (see the module doc)."""
    return sold_mrr_12m(source, as_of, rules, currency, "sourced")


def assisted_mrr_12m(source: Ledger | Valuation, as_of: dt.date, rules: Rulebook,
                     currency: str) -> SoldMrr:
    """The same figure for assisted deals, shown alongside for context."""
    return sold_mrr_12m(source, as_of, rules, currency, "assisted")


def _group_units(sel: pd.DataFrame, days: np.ndarray, rules: Rulebook
                 ) -> dict[tuple[str, str, dt.date], int]:
    """Exact unit sums per (client, currency, rule epoch), keyed by a date inside the epoch
    (within an epoch every currency amount is the same, so one lookup serves the group)."""
    if not len(sel):
        return {}
    bounds = np.array(rules.boundaries(), dtype="datetime64[D]")
    epoch = np.searchsorted(bounds, days, side="right")
    frame = pd.DataFrame({
        "client": sel["client_id"].astype(str).to_numpy(),
        "currency": sel["currency"].astype(str).to_numpy(),
        "epoch": epoch,
        "day": days,
        "units": _safe_units(sel["amount_units"].to_numpy()),
    })
    grouped = frame.groupby(["client", "currency", "epoch"], sort=False).agg(
        units=("units", "sum"), day=("day", "first"))
    out: dict[tuple[str, str, dt.date], int] = {}
    for (client, cur, _), units, day in zip(grouped.index, grouped["units"], grouped["day"],
                                            strict=True):
        out[(str(client), str(cur), pd.Timestamp(day).date())] = int(units)
    return out


def _safe_units(units: np.ndarray) -> np.ndarray:
    """int64 while no sum can overflow (any real book); Python ints beyond."""
    if float(np.abs(units).sum(dtype=np.float64)) < 2**62:
        return units.astype(np.int64)
    return units.astype(object)


def _client_frame(sel: pd.DataFrame, usd_by: dict[str, Fraction],
                  home_by: dict[str, Fraction]) -> pd.DataFrame:
    if not usd_by:
        return pd.DataFrame(columns=MRR_CLIENT_COLUMNS)
    ids = sel["client_id"].astype(str).to_numpy()
    names = sel["client_name"].astype(str).to_numpy()
    counts = pd.Series(ids).value_counts()
    latest_name = dict(zip(ids, names, strict=True))  # the last row's name wins
    order = sorted(usd_by, key=lambda c: (-usd_by[c], c))
    return pd.DataFrame({
        "client_id": order,
        "client_name": [latest_name.get(c, "") for c in order],
        "deals": [int(counts[c]) for c in order],
        "usd": [to_decimal(usd_by[c]) for c in order],
        "amount": [to_decimal(home_by[c]) for c in order],
    }, columns=MRR_CLIENT_COLUMNS)


def partner_currency(ledger: Ledger, default: str = "USD") -> str:
    """The partner's currency when nothing names it: the ledger's only currency, else US$."""
    found = {str(c) for c in pd.unique(ledger.frame["currency"].astype(str)) if c}
    return found.pop() if len(found) == 1 else default

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
import math
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
from partnerkit.standing import Valuation, _codes, _np_add_months, add_months

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


def valuation_of(source: Ledger | Valuation, rules: Rulebook) -> Valuation:
    """The ledger's Valuation (its per-day and per-row codes): reused when given."""
    return source if isinstance(source, Valuation) else Valuation(source, rules)


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
    v = valuation_of(source, rules)
    # In the window iff closed on or before as_of and not yet `months` old (as sold points live),
    # decided once per ledger day, then gathered per row.
    dv = v.day_values
    day = np.datetime64(as_of, "D")
    in_window = (dv <= day) & (_np_add_months(dv, np.full(dv.shape, months)) > day)
    credit = 0 if deal_type == "sourced" else 1  # Valuation.credit: 0 sourced, 1 assisted
    rows = np.flatnonzero(in_window[v.row_day] & (v.credit == credit))
    days = dv[v.row_day[rows]]
    refs: dict[str, RuleRef] = {window_rule.ref.version: window_rule.ref}
    clients, usd, amount = _sum_by_client(v, rows, days, rules, home, refs)
    lines = [msg(f"progress.{deal_type}_mrr", months=months, usd=Money(usd, "USD"),
                 amount=Money(amount, home), deals=len(rows), clients=len(clients),
                 start=start, end=as_of),
             msg("progress.mrr_reading", provenance=Term("provenance", "derived"))]
    for row in clients.head(EXPLAINED_CLIENTS).itertuples(index=False):
        lines.append(msg("progress.mrr_client", client=row.client_name or row.client_id,
                         usd=Money(row.usd, "USD"), deals=int(row.deals)))
    if len(clients) > EXPLAINED_CLIENTS:
        lines.append(msg("progress.more_clients", n=len(clients) - EXPLAINED_CLIENTS))
    lines += [msg("standing.rule", rule=r.message())
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


def _sum_by_client(v: Valuation, rows: np.ndarray, days: np.ndarray, rules: Rulebook,
                   home: str, refs: dict[str, RuleRef]
                   ) -> tuple[pd.DataFrame, Decimal, Decimal]:
    """Per client and in total: US$ and partner's-currency MRR of `rows`, exactly.

    Rows fall in a few classes (currency x rule epoch: one program amount each). Per class the
    US$ (or home) value of one unit is an exact rational q; over a common denominator D every q
    is an integer weight, so sums are integer sums of units x weight, divided once per figure."""
    if rows.size == 0:
        return pd.DataFrame(columns=MRR_CLIENT_COLUMNS), ZERO, ZERO
    f = v.ledger.frame
    cur_all, currencies = _codes(f["currency"])
    bounds = np.array(rules.boundaries(), dtype="datetime64[D]")
    ne = len(bounds) + 1
    key = cur_all[rows].astype(np.int64) * ne + np.searchsorted(bounds, days, side="right")
    classes, first, cls = np.unique(key, return_index=True, return_inverse=True)
    q_usd: list[Fraction] = []
    q_home: list[Fraction] = []
    for k, i in zip(classes.tolist(), first.tolist(), strict=True):
        on = days[i].astype(dt.date)  # any day of the epoch decides the same amounts
        crule = rules.currency_rule(str(currencies[k // ne]), on)
        hrule = rules.currency_rule(home, on)
        for r in (crule, hrule):
            refs.setdefault(r.ref.version, r.ref)
        local = Fraction(crule.local_per_100) * AMOUNT_SCALE
        q_usd.append(Fraction(100) / local)
        q_home.append(Fraction(hrule.local_per_100) / local)
    client_of, inverse = np.unique(v.client_codes[rows], return_inverse=True)
    units = v.units[rows]
    sums = []
    for q in (q_usd, q_home):
        den = math.lcm(*(x.denominator for x in q))
        weights = [int(x * den) for x in q]
        if float(np.abs(units).sum(dtype=np.float64)) * max(weights) < 2**62:
            num = units * np.array(weights, dtype=np.int64)[cls]
        else:  # beyond int64: Python integers (exact, slower; no real book gets here)
            num = units.astype(object) * np.array(weights, dtype=object)[cls]
        per = np.zeros(len(client_of), dtype=num.dtype)
        np.add.at(per, inverse, num)
        sums.append((per, den))
    (usd_num, usd_den), (home_num, home_den) = sums
    name_codes, names = _codes(f["client_name"])
    last_name = np.empty(len(client_of), dtype=object)
    last_name[inverse] = names[name_codes[rows]]  # the latest row's name wins
    ids = np.asarray(v.client_ids, dtype=object)[client_of]
    order = sorted(range(len(client_of)), key=lambda i: (-int(usd_num[i]), str(ids[i])))
    usd_d, home_d = Decimal(usd_den), Decimal(home_den)
    frame = pd.DataFrame({
        "client_id": [str(ids[i]) for i in order],
        "client_name": [str(last_name[i]) for i in order],
        "deals": np.bincount(inverse, minlength=len(client_of))[order],
        "usd": [Decimal(int(usd_num[i])) / usd_d for i in order],
        "amount": [Decimal(int(home_num[i])) / home_d for i in order],
    }, columns=MRR_CLIENT_COLUMNS)
    return (frame, to_decimal(Fraction(int(usd_num.sum()), usd_den)),
            to_decimal(Fraction(int(home_num.sum()), home_den)))


def partner_currency(ledger: Ledger, default: str = "USD") -> str:
    """The partner's currency when nothing names it: the ledger's only currency, else US$."""
    found = {str(c) for c in pd.unique(ledger.frame["currency"].astype(str)) if c}
    return found.pop() if len(found) == 1 else default

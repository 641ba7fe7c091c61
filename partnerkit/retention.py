"""Customer dollar retention, C$R (issue 18): HubSpot's 2025 partner dashboard shows the 12-month
average, and Elite needs customer retention of at least 85% (program-rules.md §1).

For a month M: the clients managed in M-12 (lookback, a policy row), their MRR in M - each capped
at its MRR in M-12 under the gross policy (expansion does not count; churn and downgrades do) -
divided by their MRR in M-12. Clients who appear only later do not count; a client with no
snapshot in M counts as churned. Gross or net is the policy row `customer_retention_expansion`
(partnerkit's reading: HubSpot does not say). The MRR is the client's full subscription MRR:
sharing the managed credit with other partners does not change it.

Each client is compared in its own currency; clients are added up in US$ at the program's
currency amounts in force in month M (for both months, so a change of the program table does not
look like churn). A month has no value (None, not 0 or 100%) when no client was managed 12 months
earlier, or when the ledger records no managed snapshot in that month.

Exact: amounts are integer units times integer weights per currency; each month's value is one
exact rational, the average their exact mean. Pure: no files, no widgets, no database.
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
from partnerkit.progress import EXPLAINED_CLIENTS, to_decimal, valuation_of
from partnerkit.rules import Rulebook
from partnerkit.standing import Valuation, _codes

ZERO = Decimal(0)
HUNDRED = Decimal(100)
RETENTION_CLIENT_COLUMNS = ["client_id", "client_name", "base_usd", "now_usd", "kept_usd",
                            "change"]
_POLICIES = ("customer_retention_expansion", "customer_retention_lookback_months",
             "customer_retention_average_months")


@dataclass(frozen=True)
class _MonthData:
    """Per base client of one month: integer amounts x weight (US$ = value / scale)."""

    codes: np.ndarray
    base: np.ndarray
    now: np.ndarray
    scale: int


@dataclass(frozen=True)
class RetentionMonth:
    month: dt.date  # first day of M
    base_month: dt.date  # first day of M - lookback
    value: Decimal | None
    status: str  # "value" | "no_base" | "not_recorded"
    base_usd: Decimal = ZERO  # the base clients' MRR in the base month
    kept_usd: Decimal = ZERO  # what counts of their MRR in M (capped under gross)
    base_clients: int = 0
    churned: int = 0
    downgraded: int = 0
    expanded: int = 0
    exact: Fraction | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")


@dataclass(frozen=True)
class CustomerRetention:
    as_of: dt.date
    expansion: str  # gross | net
    months: tuple[RetentionMonth, ...]  # oldest first, the last is as_of's month
    average_12m: Decimal | None
    minimum: dict[str, Decimal] = field(default_factory=dict)  # tier -> required average
    refs: tuple[RuleRef, ...] = ()
    explanation: tuple[Message, ...] = ()
    _detail: dict[dt.date, _MonthData] = field(default_factory=dict, repr=False, compare=False)
    _names: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False,
                                                           compare=False)

    def as_json(self) -> dict[str, object]:
        """The CLI/report contract: fractions (0.85 = 85%), None where a month has no value."""
        return {
            "average_12m": None if self.average_12m is None else float(self.average_12m),
            "monthly": [{"month": m.label, "value": None if m.value is None else float(m.value)}
                        for m in self.months],
        }

    @property
    def values(self) -> list[Decimal | None]:
        return [m.value for m in self.months]

    def clients(self, month: dt.date) -> pd.DataFrame:
        """The base clients of `month` (any day in it): MRR then and now in US$, what counted,
        and how each changed (churned, downgraded, expanded, same)."""
        data = self._detail.get(month.replace(day=1))
        if data is None or self._names is None:
            return pd.DataFrame(columns=RETENTION_CLIENT_COLUMNS)
        ids, names = self._names
        kept = np.minimum(data.now, data.base) if self.expansion == "gross" else data.now
        change = np.where(data.now == 0, "churned", np.where(
            data.now < data.base, "downgraded",
            np.where(data.now > data.base, "expanded", "same")))
        scale = Decimal(data.scale)
        out = pd.DataFrame({
            "client_id": ids[data.codes], "client_name": names[data.codes],
            "base_usd": [Decimal(int(x)) / scale for x in data.base],
            "now_usd": [Decimal(int(x)) / scale for x in data.now],
            "kept_usd": [Decimal(int(x)) / scale for x in kept],
            "change": change,
        }, columns=RETENTION_CLIENT_COLUMNS)
        lost = (data.base - kept).astype(float)
        return out.iloc[np.argsort(-lost, kind="stable")].reset_index(drop=True)


def _month_start(k: int) -> dt.date:
    return dt.date(k // 12, k % 12 + 1, 1)


def _weights(currencies: np.ndarray, used: np.ndarray, on: dt.date, rules: Rulebook
             ) -> tuple[np.ndarray, int, list[RuleRef]]:
    """Integer weight per currency code (0 for codes not `used`) and a scale:
    US$ = units x weight / scale, exactly."""
    per_unit: dict[int, Fraction] = {}
    refs = []
    for c in used.tolist():
        rule = rules.currency_rule(str(currencies[c]), on)
        refs.append(rule.ref)
        per_unit[c] = Fraction(100) / (Fraction(rule.local_per_100) * AMOUNT_SCALE)
    scale = math.lcm(*(q.denominator for q in per_unit.values())) if per_unit else 1
    weights = [int(per_unit[c] * scale) if c in per_unit else 0 for c in range(len(currencies))]
    dtype: type = np.int64 if max(weights, default=0) < 2**31 else object
    return np.array(weights, dtype=dtype), scale, refs


def _sum_by(codes: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Exact integer sums per code: a float bincount while every partial sum stays below 2**53
    (exact there), else integer/Python-integer adds."""
    if values.dtype != object and float(np.abs(values).sum(dtype=np.float64)) < 2**53:
        sums: np.ndarray = np.rint(np.bincount(codes, weights=values, minlength=size))
        return sums.astype(np.int64)
    out = np.zeros(size, dtype=values.dtype)
    if values.size:
        np.add.at(out, codes, values)
    return out


def customer_dollar_retention(source: Ledger | Valuation, as_of: dt.date,
                              rules: Rulebook) -> CustomerRetention:
    """C$R of each of the last `customer_retention_average_months` months ending with as_of's
    month, and their average (the months with a value)."""
    policy = {k: rules.policy_rule(k, as_of) for k in _POLICIES}
    expansion = str(policy["customer_retention_expansion"].value)
    lookback = int(policy["customer_retention_lookback_months"].value)
    span = int(policy["customer_retention_average_months"].value)
    refs: dict[str, RuleRef] = {r.ref.version: r.ref for r in policy.values()}
    minimum = retention_minimum(rules, as_of, refs)
    v = valuation_of(source, rules)
    k_now = as_of.year * 12 + as_of.month - 1
    # Only the managed rows of the months compared (decided per ledger day, gathered per row).
    first_k = k_now - span + 1 - lookback
    wanted_day = (v.month_of_day >= first_k) & (v.month_of_day <= k_now)
    rows = np.flatnonzero(wanted_day[v.row_day] & (v.credit == 2))  # 2: managed
    f = v.ledger.frame
    client_codes = v.client_codes[rows].astype(np.int64)
    ids = np.asarray(v.client_ids, dtype=object)
    name_codes, name_values = _codes(f["client_name"])
    names = np.full(len(ids), "", dtype=object)
    names[client_codes] = name_values[name_codes[rows]]  # the last row's name wins
    month_k = v.month_of_day[v.row_day[rows]].astype(np.int64)
    all_cur, currencies = _codes(f["currency"])
    # Rows by month, so each month is one slice (two binary searches, not a pass per month).
    order = np.argsort(month_k, kind="stable")
    month_k, client_codes = month_k[order], client_codes[order]
    cur_codes, units = all_cur[rows][order], v.units[rows][order]
    nclients = len(ids)
    months: list[RetentionMonth] = []
    detail: dict[dt.date, _MonthData] = {}
    for k in range(k_now - span + 1, k_now + 1):
        month, base_month = _month_start(k), _month_start(k - lookback)
        b0, b1, n0, n1 = np.searchsorted(month_k, [k - lookback, k - lookback + 1, k, k + 1])
        if n0 == n1:
            months.append(RetentionMonth(month, base_month, None, "not_recorded"))
            continue
        sub = np.r_[b0:b1, n0:n1]
        used = np.unique(cur_codes[sub])
        weights, scale, crefs = _weights(currencies, used, month, rules)
        for ref in crefs:
            refs.setdefault(ref.version, ref)
        sub_units, sub_codes = units[sub], client_codes[sub]
        is_now = np.arange(len(sub)) >= b1 - b0
        safe = (float(np.abs(sub_units).sum(dtype=np.float64))
                * max(1, int(weights.max(initial=1))) < 2**62 and weights.dtype != object)
        values = (sub_units * weights[cur_codes[sub]] if safe  # int64 while no sum overflows
                  else sub_units.astype(object) * weights.astype(object)[cur_codes[sub]])
        base_all = _sum_by(sub_codes[~is_now], values[~is_now], nclients)
        now_all = _sum_by(sub_codes[is_now], values[is_now], nclients)
        in_base = np.zeros(nclients, dtype=bool)
        in_base[sub_codes[~is_now]] = True
        codes = np.flatnonzero(in_base)
        base, now = base_all[codes], now_all[codes]
        den = int(base.sum())
        if den == 0:
            months.append(RetentionMonth(month, base_month, None, "no_base"))
            continue
        kept = np.minimum(now, base) if expansion == "gross" else now
        num = int(kept.sum())
        exact = Fraction(num, den)
        detail[month] = _MonthData(codes, base, now, scale)
        months.append(RetentionMonth(
            month, base_month, to_decimal(exact), "value",
            base_usd=to_decimal(Fraction(den, scale)), kept_usd=to_decimal(Fraction(num, scale)),
            base_clients=len(codes), churned=int(np.count_nonzero((now == 0) & (base > 0))),
            downgraded=int(np.count_nonzero((now > 0) & (now < base))),
            expanded=int(np.count_nonzero(now > base)), exact=exact))
    valued = [m.exact for m in months if m.exact is not None]
    average = to_decimal(sum(valued, Fraction(0)) / len(valued)) if valued else None
    result = CustomerRetention(as_of, expansion, tuple(months), average, minimum,
                               tuple(refs.values()), (), detail, (ids, names))
    lines = _explain(result, lookback, span)
    return CustomerRetention(as_of, expansion, tuple(months), average, minimum,
                             tuple(refs.values()), tuple(lines), detail, (ids, names))


def retention_minimum(rules: Rulebook, on: dt.date, refs: dict[str, RuleRef] | None = None
                      ) -> dict[str, Decimal]:
    """The retention each tier needs on `on` (tier -> fraction); {} when the rules set none."""
    if not any(p.key == "customer_retention_min" for p in rules.policies):
        return {}
    row = rules.policy_rule("customer_retention_min", on)
    if refs is not None:
        refs.setdefault(row.ref.version, row.ref)
    return {str(t): Decimal(str(v)) for t, v in dict(row.value).items()}


def percent(value: Decimal) -> Decimal:
    """A fraction as percentage points for messages (0.8512 -> 85.12)."""
    return value * HUNDRED


def _explain(r: CustomerRetention, lookback: int, span: int) -> list[Message]:
    lines: list[Message] = []
    if r.average_12m is None:
        lines.append(msg("retention.average_none", months=span))
    else:
        lines.append(msg("retention.average", value=percent(r.average_12m), months=span,
                         valued=sum(1 for m in r.months if m.value is not None)))
    lines.append(msg(f"retention.policy_{r.expansion}", lookback=lookback,
                     provenance=Term("provenance", "derived")))
    lines.append(msg("retention.conversion"))
    for m in r.months:
        if m.status == "not_recorded":
            lines.append(msg("retention.month_not_recorded", month=m.label))
        elif m.status == "no_base":
            lines.append(msg("retention.month_no_base", month=m.label,
                             base_month=m.base_month.strftime("%Y-%m")))
        else:
            assert m.value is not None
            lines.append(msg("retention.month", month=m.label, value=percent(m.value),
                             kept=Money(m.kept_usd, "USD"), base=Money(m.base_usd, "USD"),
                             clients=m.base_clients, base_month=m.base_month.strftime("%Y-%m"),
                             churned=m.churned, downgraded=m.downgraded, expanded=m.expanded))
    latest = next((m for m in reversed(r.months) if m.value is not None), None)
    if latest is not None:
        lost = r.clients(latest.month)
        lost = lost[lost["change"].isin(["churned", "downgraded"])]
        for row in lost.head(EXPLAINED_CLIENTS).itertuples(index=False):
            lines.append(msg(f"retention.client_{row.change}",
                             client=row.client_name or row.client_id, month=latest.label,
                             base=Money(row.base_usd, "USD"), now=Money(row.now_usd, "USD"),
                             base_month=latest.base_month.strftime("%Y-%m")))
        if len(lost) > EXPLAINED_CLIENTS:
            lines.append(msg("progress.more_clients", n=len(lost) - EXPLAINED_CLIENTS))
    lines += [msg("standing.rule", rule=ref.message())
              for ref in r.refs]
    return lines

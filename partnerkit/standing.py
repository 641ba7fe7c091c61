"""Points standing over a ledger (F2.2-F2.7): vectorised and exact.

How it stays exact and fast: points are linear in the amount, so the engine sums integer amount
units (1/10,000 of a currency unit) per *rule combination* (credit type, currency, country, rule
epoch, first-sale epoch, co-managing partners) with numpy, then turns each sum into points once with
Decimal: points = units x rate / (local amount per US$100 x partners x 10,000). No per-event
Python loop; no float in a total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd

from partnerkit.explain import RuleRef
from partnerkit.ledger import Ledger
from partnerkit.money import AMOUNT_SCALE
from partnerkit.rules import Rulebook

ZERO = Decimal(0)
_SAFE_FLOAT_INT = 2**53
EXPIRING_WINDOWS = (30, 60, 90)
PER_CLIENT_COLUMNS = ["client_id", "client_name", "sourced", "assisted", "sold", "managed", "total",
                      "deal_type", "market", "country"]


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's last day (2024-02-29 + 12 -> 2025-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _month_end_of_index(k: int) -> dt.date:
    return month_end(k // 12, k % 12 + 1)


def _np_add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Vectorised add_months over datetime64[D]."""
    m = days.astype("datetime64[M]")
    day_of_month = (days - m.astype("datetime64[D]")).astype(np.int64)
    target = m + months.astype("timedelta64[M]")
    month_len = ((target + np.timedelta64(1, "M")).astype("datetime64[D]")
                 - target.astype("datetime64[D]")).astype(np.int64)
    out: np.ndarray = target.astype("datetime64[D]") + np.minimum(day_of_month, month_len - 1)
    return out


_SPLIT_BITS = 26


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques as an object array) in order of first appearance.

    A categorical column factorises on its integer codes (fast); a text column is factorised as
    a plain object array (~2x faster than the pandas "str" Series; the same codes).
    """
    values = column if isinstance(column.dtype, pd.CategoricalDtype) else column.to_numpy(
        dtype=object)
    codes, uniques = pd.factorize(values, sort=False)
    return codes, np.asarray(uniques, dtype=object)


def _equals(column: pd.Series, value: str) -> np.ndarray:
    """Row mask column == value; on a categorical column it compares integer codes."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes: np.ndarray = (column == value).to_numpy(dtype=bool)
        return codes
    mask: np.ndarray = column.to_numpy(dtype=object) == value
    return mask


def _exact_group_sums(groups: np.ndarray, units: np.ndarray, size: int) -> np.ndarray:
    """Exact integer sums of `units` per group (object array of int), with float bincounts.

    A float64 bincount is exact while every partial sum stays below 2**53. Bigger books (10M rows
    of large local amounts) split each amount into high and low 26-bit halves, sum both exactly
    and recombine as Python ints; only absurd amounts fall back to a pandas groupby.
    """
    n = units.size
    peak = int(np.abs(units).max())
    if peak * n < _SAFE_FLOAT_INT:
        sums = np.rint(np.bincount(groups, weights=units, minlength=size))
        return sums.astype(np.int64).astype(object)
    if n * ((peak >> _SPLIT_BITS) + 1) < _SAFE_FLOAT_INT and n < 2 ** (53 - _SPLIT_BITS):
        lo = units & ((1 << _SPLIT_BITS) - 1)
        hi = units >> _SPLIT_BITS
        lo_s = np.rint(np.bincount(groups, weights=lo, minlength=size)).astype(np.int64)
        hi_s = np.rint(np.bincount(groups, weights=hi, minlength=size)).astype(np.int64)
        exact: np.ndarray = hi_s.astype(object) * (1 << _SPLIT_BITS) + lo_s.astype(object)
        return exact
    s = pd.Series(units.astype(object)).groupby(groups).sum()
    out = np.zeros(size, dtype=object)
    out[s.index.to_numpy()] = [int(v) for v in s.to_numpy()]
    return out


class _DayTable:
    """Per-row values that depend only on the day: computed per distinct day of the span, looked
    up per row. Falls back to per-row arrays when the span is huge (e.g. a year-9999 typo)."""

    MAX_SPAN = 200_000  # days (~550 years)

    def __init__(self, dates: np.ndarray) -> None:
        self.rows = dates
        if dates.size:
            lo, hi = dates.min(), dates.max()
            span = int((hi - lo).astype(np.int64)) + 1
        else:
            lo, span = np.datetime64("1970-01-01", "D"), 0
        self.by_day = 0 < span <= self.MAX_SPAN and dates.size > span
        if self.by_day:
            self.days = lo + np.arange(span).astype("timedelta64[D]")
            self.index = (dates - lo).astype(np.int64)
        else:
            self.days = dates

    def lookup(self, per_day: np.ndarray) -> np.ndarray:
        return per_day[self.index] if self.by_day else per_day


@dataclass(frozen=True)
class Combo:
    """One rule combination: everything that decides the points of one unit of MRR."""

    credit: str  # sourced | assisted | managed
    currency: str
    country: str
    market: str
    rate: Decimal
    local_per_100: Decimal
    partners: int  # managing partners sharing the credit (1 + others)
    refs: tuple[RuleRef, ...]

    @cached_property
    def denominator(self) -> Decimal:
        return self.local_per_100 * self.partners * AMOUNT_SCALE

    def points(self, units: int) -> Decimal:
        return Decimal(int(units)) * self.rate / self.denominator


class Valuation:
    """A ledger with every row assigned its rule combination and expiry. Build once, query often."""

    def __init__(self, ledger: Ledger, rules: Rulebook) -> None:
        self.ledger = ledger
        self.rules = rules
        f = ledger.frame
        n = len(f)
        self.n = n
        self.is_sold = _equals(f["kind"], "sold")
        self.dates = f["date"].to_numpy().astype("datetime64[D]")
        self.units = f["amount_units"].to_numpy().astype(np.int64)
        self.client_codes, self.client_ids = _factorize(f["client_id"])
        self.is_sourced_deal = _equals(f["deal_type"], "sourced")
        credit_code = np.where(self.is_sold, np.where(self.is_sourced_deal, 0, 1), 2)
        cur_codes, cur_uniques = _factorize(f["currency"])
        cty_codes, cty_uniques = _factorize(f["country"])
        bounds = np.array(rules.boundaries(), dtype="datetime64[D]")
        # Everything that depends on the date alone is computed once per calendar day in the
        # ledger's span and looked up per row (a few thousand days instead of millions of rows).
        day_lut = _DayTable(self.dates)
        epoch = day_lut.lookup(np.searchsorted(bounds, day_lut.days, side="right"))
        first = f["first_sold"].to_numpy().astype("datetime64[D]")
        has_first = ~np.isnat(first) & (credit_code == 0)
        first_epoch = np.full(n, -1, dtype=np.int64)  # searched only where there is a date
        first_epoch[has_first] = np.searchsorted(bounds, first[has_first], side="right")
        others = f["other_partners"].to_numpy().astype(np.int64)
        others = np.where(self.is_sold, 0, others)
        ne = len(bounds) + 2
        key = (((((credit_code * (len(cur_uniques) + 1) + cur_codes) * (len(cty_uniques) + 1)
                  + cty_codes) * ne + epoch) * (ne + 1) + (first_epoch + 1))
               * (int(others.max(initial=0)) + 1) + others)
        self.combo_codes, uniq = pd.factorize(key, sort=False)
        self.combo_codes = self.combo_codes.astype(np.int64)
        first_idx = np.zeros(len(uniq), dtype=np.int64)
        if n:
            order = np.arange(n - 1, -1, -1)
            first_idx[self.combo_codes[order]] = order
        credits = ("sourced", "assisted", "managed")
        self.combos: list[Combo] = []
        for i in first_idx:
            credit = credits[int(credit_code[i])]
            on = self.dates[i].astype(dt.date)
            fs = first[i].astype(dt.date) if has_first[i] else None
            country = str(cty_uniques[cty_codes[i]])
            currency = str(cur_uniques[cur_codes[i]])
            crule = rules.currency_rule(currency, on)
            growth = rules.growth_rule(country, on)
            market = "growth" if growth else "standard"
            rrule = rules.rate(credit, market, on, fs)
            refs = (rrule.ref, crule.ref, *((growth.ref,) if growth else ()))
            self.combos.append(Combo(credit, currency, country, market, rrule.points_per_100,
                                     crule.local_per_100, int(others[i]) + 1, refs))
        self.combo_credit = np.array([credits.index(c.credit) for c in self.combos], dtype=np.int64)
        # Expiry of sold points: close date + lifetime (policy at the close date).
        lifetimes = np.full(n, 0, dtype=np.int64)
        if n:
            # The lifetime policy has its own effective dates (not the rates' epochs).
            key = "sold_point_lifetime_months"
            starts = sorted({d for p in rules.policies if p.key == key for d in (
                p.effective_from,
                *((p.effective_to + dt.timedelta(days=1),) if p.effective_to else ()))})
            probes = [starts[0] - dt.timedelta(days=1), *starts] if starts else [dt.date.min]
            lut = np.array([int(rules.policy_value(key, d)) for d in probes], dtype=np.int64)
            life_bounds = np.array(starts, dtype="datetime64[D]")
            day_epoch = np.searchsorted(life_bounds, day_lut.days, side="right")
            day_expiry = _np_add_months(day_lut.days, lut[day_epoch])
            expires = day_lut.lookup(day_expiry)
            expiry_month = day_lut.lookup(day_expiry.astype("datetime64[M]").astype(np.int64)
                                          + 1970 * 12)
        else:
            expires = _np_add_months(self.dates, lifetimes)
            expiry_month = expires.astype("datetime64[M]").astype(np.int64) + 1970 * 12
        self.expires = np.where(self.is_sold, expires, np.datetime64("NaT", "D"))
        # Month index (year * 12 + month - 1) of each sold row's expiry; 0 for managed rows.
        self.expiry_month_index = np.where(self.is_sold, expiry_month, 0)
        self.month_index = day_lut.lookup(day_lut.days.astype("datetime64[M]").astype(np.int64)
                                          + 1970 * 12)
        self._latest_cache: dict[dt.date, np.datetime64 | None] = {}
        self._masks_cache: dict[dt.date, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._sums_cache: dict[dt.date, dict[str, np.ndarray]] = {}

    @cached_property
    def client_info(self) -> dict[str, np.ndarray]:
        """Per client (in client-code order): id, latest name, latest country, deal type.

        (F2.6.1)
        """
        f = self.ledger.frame
        nclients = len(self.client_ids)
        last = np.zeros(nclients, dtype=np.int64)
        last[self.client_codes] = np.arange(self.n)  # later rows overwrite: the latest row wins
        named = np.flatnonzero(~_equals(f["client_name"], ""))
        last_named = np.full(nclients, -1, dtype=np.int64)
        last_named[self.client_codes[named]] = named
        names = f["client_name"].iloc[np.maximum(last_named, 0)].to_numpy(dtype=object)
        client_name = np.where(last_named >= 0, names, "")
        is_assisted = _equals(f["deal_type"], "assisted")
        has_sourced = np.bincount(self.client_codes[self.is_sourced_deal], minlength=nclients) > 0
        has_assisted = np.bincount(self.client_codes[is_assisted], minlength=nclients) > 0
        deal_type = np.where(has_sourced, "sourced",
                             np.where(has_assisted, "assisted", "managed-only"))
        return {
            "client_id": self.client_ids,
            "client_name": client_name,
            "country": f["country"].iloc[last].to_numpy(dtype=object),
            "deal_type": deal_type,
        }

    # -- sums ------------------------------------------------------------------------------------
    def _sum_by(self, group: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
        units = self.units[mask]
        g = group[mask]
        if units.size == 0:
            return np.zeros(size, dtype=object)
        return _exact_group_sums(g, units, size)

    def points_by_combo(self, mask: np.ndarray) -> dict[str, Decimal]:
        """Points per credit type over the rows in `mask`."""
        return self.points_of_sums(self._sum_by(self.combo_codes, mask, len(self.combos)))

    def status_sums(self, as_of: dt.date) -> dict[str, np.ndarray]:
        """Exact unit sums per combination for compute_standing, in ONE grouped pass.

        Each row falls in one bucket: active sold expiring within 30/60/90 days (nested windows
        become disjoint buckets) or later, counted managed, expired sold, or not counted. The
        sums are the same integers five masked passes would give.
        """
        if as_of in self._sums_cache:
            return self._sums_cache[as_of]
        if len(self._sums_cache) >= 8:
            self._sums_cache.clear()
        active, expired, managed = self.masks(as_of)
        nw = len(EXPIRING_WINDOWS)
        b_managed, b_expired, b_other = nw + 1, nw + 2, nw + 3  # nw itself: active, not expiring
        nb = nw + 4
        bucket = np.full(self.n, b_other, dtype=np.int64)
        bucket[managed] = b_managed
        bucket[expired] = b_expired
        rows = np.flatnonzero(active)
        limits = np.array([as_of + dt.timedelta(days=d) for d in EXPIRING_WINDOWS],
                          dtype="datetime64[D]")
        # first window whose limit is >= the expiry (expires <= limit), else b_active
        bucket[rows] = np.searchsorted(limits, self.expires[rows], side="left")
        nc = len(self.combos)
        if self.n:
            sums = _exact_group_sums(self.combo_codes * nb + bucket, self.units, nc * nb)
        else:
            sums = np.zeros(nc * nb, dtype=object)
        grid = sums.reshape(nc, nb)
        out = {"counted": grid[:, : b_managed + 1].sum(axis=1), "expired": grid[:, b_expired]}
        for j, days in enumerate(EXPIRING_WINDOWS):
            out[f"expiring{days}"] = grid[:, : j + 1].sum(axis=1)
        self._sums_cache[as_of] = out
        return out

    def points_of_sums(self, sums: np.ndarray) -> dict[str, Decimal]:
        """Points per credit type from exact unit sums per combination."""
        out = {"sourced": ZERO, "assisted": ZERO, "managed": ZERO}
        for combo, units in zip(self.combos, sums, strict=True):
            if units:
                out[combo.credit] += combo.points(units)
        return out

    def points_by_client(self, mask: np.ndarray) -> dict[str, dict[str, Decimal]]:
        """{credit: {client_id: points}} over the rows in `mask`."""
        nc = len(self.combos)
        key = self.client_codes.astype(np.int64) * nc + self.combo_codes
        m = mask
        # Hash-factorise, then sort the (few) distinct keys: same as np.unique, without sorting
        # every row.
        inverse, present = pd.factorize(key[m], sort=True)
        out: dict[str, dict[str, Decimal]] = {"sourced": {}, "assisted": {}, "managed": {}}
        if present.size == 0:
            return out
        sums = _exact_group_sums(inverse, self.units[m], present.size)
        # Combo.points inlined (same Decimal operations, in the same order): this loop runs once
        # per (client, rule combination) pair, hundreds of thousands of times on a big book.
        rates = [c.rate for c in self.combos]
        dens = [c.denominator for c in self.combos]
        buckets = [out[c.credit] for c in self.combos]
        ids = self.client_ids
        for k, u in zip(present.tolist(), sums.tolist(), strict=True):
            client_code, c = divmod(k, nc)
            client = ids[client_code]
            bucket = buckets[c]
            bucket[client] = bucket.get(client, ZERO) + Decimal(int(u)) * rates[c] / dens[c]
        return out

    def latest_managed_month(self, as_of: dt.date) -> np.datetime64 | None:
        if as_of in self._latest_cache:
            return self._latest_cache[as_of]
        m = ~self.is_sold & (self.dates <= np.datetime64(as_of, "D"))
        latest = self.dates[m].max() if m.any() else None
        self._latest_cache[as_of] = latest
        return latest

    def masks(self, as_of: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(active sold, expired sold, counted managed) at as_of (cached: read-only arrays)."""
        if as_of not in self._masks_cache:
            if len(self._masks_cache) >= 8:
                self._masks_cache.clear()
            out = self._masks(as_of)
            for a in out:
                a.flags.writeable = False
            self._masks_cache[as_of] = out
        return self._masks_cache[as_of]

    def _masks(self, as_of: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        day = np.datetime64(as_of, "D")
        active = self.is_sold & (self.dates <= day) & (self.expires > day)
        expired = self.is_sold & (self.expires <= day)
        latest = self.latest_managed_month(as_of)
        managed = ((~self.is_sold & (self.dates == latest)) if latest is not None
                   else np.zeros(self.n, bool))
        return active, expired, managed

    def event_points(self, rows: np.ndarray) -> list[Decimal]:
        return [self.combos[c].points(u)
                for c, u in zip(self.combo_codes[rows], self.units[rows], strict=True)]


@dataclass(frozen=True)
class Standing:
    """Where a partner stands on `as_of`: active sold and managed points and what is behind them."""

    as_of: dt.date
    sourced_points: Decimal
    assisted_points: Decimal
    managed_points: Decimal
    expired_points: Decimal
    expiring: dict[int, Decimal]
    per_client: pd.DataFrame = field(repr=False)
    managed_month: dt.date | None = None
    valuation: Valuation | None = field(default=None, repr=False, compare=False)

    @property
    def sold_points(self) -> Decimal:
        return self.sourced_points + self.assisted_points

    @property
    def total_points(self) -> Decimal:
        return self.sold_points + self.managed_points

    @cached_property
    def rules_used(self) -> list[RuleRef]:
        if self.valuation is None:
            return []
        seen: dict[str, RuleRef] = {}
        for combo in self.valuation.combos:
            for ref in combo.refs:
                seen.setdefault(ref.version, ref)
        return sorted(seen.values(), key=lambda r: r.version)

    @property
    def explanation(self) -> list[str]:
        life = ""
        life_rule: list[str] = []
        if self.valuation is not None:  # the lifetime is policy data, not a constant
            policy = self.valuation.rules.policy_on(self.as_of)
            life = f" in the last {policy.sold_point_lifetime_months} months"
            life_rule = [f"rule {policy.refs['sold_point_lifetime_months'].describe()}"]
        lines = [
            f"standing on {self.as_of.isoformat()}",
            f"sourced {self.sourced_points:.2f} + assisted {self.assisted_points:.2f} = sold "
            f"{self.sold_points:.2f} (sold deals closed{life})",
            f"managed {self.managed_points:.2f} (client MRR you service, month "
            f"{self.managed_month.isoformat() if self.managed_month else 'none'})",
            f"total {self.total_points:.2f}; expired {self.expired_points:.2f}",
        ]
        lines += [f"rule {r.describe()}" for r in self.rules_used] + life_rule
        return lines

    def client_events(self, client_id: str) -> pd.DataFrame:
        """Every ledger row of one client with its points and status (F2.6.3)."""
        v = self.valuation
        if v is None:
            raise ValueError("this standing was built without its valuation")
        rows = np.flatnonzero(v.ledger.frame["client_id"].to_numpy() == client_id)
        active, expired, managed = v.masks(self.as_of)
        f = v.ledger.frame.iloc[rows]
        status = np.where(active[rows], "active",
                          np.where(expired[rows], "expired",
                                   np.where(managed[rows], "active",
                                            np.where(v.dates[rows] > np.datetime64(self.as_of, "D"),
                                                     "not yet", "past month"))))
        combos = [v.combos[c] for c in v.combo_codes[rows]]
        out = pd.DataFrame({
            "event_id": f["event_id"].to_numpy(),
            "kind": f["kind"].to_numpy(),
            "date": v.dates[rows].astype(object),
            "deal_type": f["deal_type"].to_numpy(),
            "product_line": f["product_line"].to_numpy(),
            "amount": [Decimal(int(u)) / AMOUNT_SCALE for u in v.units[rows]],
            "currency": f["currency"].to_numpy(),
            "market": [c.market for c in combos],
            "rate": [c.rate for c in combos],
            "local_per_100": [c.local_per_100 for c in combos],
            "partners": [c.partners for c in combos],
            "points": v.event_points(rows),
            "status": status,
            "expires_on": [None if pd.isna(x) else x for x in v.expires[rows].astype(object)],
        })
        return out.sort_values(["date", "kind"], ascending=[False, True]).reset_index(drop=True)


def valuate(ledger: Ledger, rules: Rulebook) -> Valuation:
    return Valuation(ledger, rules)


def _names(v: Valuation) -> dict[str, str]:
    info = v.client_info
    return dict(zip(info["client_id"], info["client_name"], strict=True))


def compute_standing(
    ledger: Ledger | Valuation, as_of: dt.date, rules: Rulebook | None = None, *,
    with_clients: bool = True,
) -> Standing:
    """Active sold (sourced, assisted), managed, expired and expiring points on `as_of`.

    with_clients=False skips the per-client breakdown (tier checks over many dates need totals).
    """
    v = ledger if isinstance(ledger, Valuation) else Valuation(ledger, _need(rules))
    active, _expired, managed = v.masks(as_of)
    sums = v.status_sums(as_of)  # one grouped pass for totals, expired and expiring
    totals = v.points_of_sums(sums["counted"])
    expired_pts = sum(v.points_of_sums(sums["expired"]).values(), ZERO)
    expiring: dict[int, Decimal] = {}
    for days in EXPIRING_WINDOWS:
        pts = v.points_of_sums(sums[f"expiring{days}"])
        expiring[days] = pts["sourced"] + pts["assisted"]
    if with_clients:
        per_client = _per_client_frame(v, v.points_by_client(active | managed), as_of)
    else:
        per_client = pd.DataFrame(columns=PER_CLIENT_COLUMNS)
    latest = v.latest_managed_month(as_of)
    return Standing(
        as_of=as_of,
        sourced_points=totals["sourced"],
        assisted_points=totals["assisted"],
        managed_points=totals["managed"],
        expired_points=expired_pts,
        expiring=expiring,
        per_client=per_client,
        managed_month=latest.astype(dt.date) if latest is not None else None,
        valuation=v,
    )


def _need(rules: Rulebook | None) -> Rulebook:
    if rules is None:
        raise ValueError("rules are required to value a ledger")
    return rules


def _per_client_frame(v: Valuation, per: dict[str, dict[str, Decimal]],
                      as_of: dt.date) -> pd.DataFrame:
    columns = PER_CLIENT_COLUMNS
    if not v.n:
        return pd.DataFrame(columns=columns)
    info = v.client_info
    markets: dict[str, str] = {}
    rows = []
    for cid, name, country, deal_type in zip(info["client_id"], info["client_name"],
                                             info["country"], info["deal_type"], strict=True):
        if country not in markets:
            markets[country] = v.rules.market_of(country, as_of)
        s = per["sourced"].get(cid, ZERO)
        a = per["assisted"].get(cid, ZERO)
        m = per["managed"].get(cid, ZERO)
        rows.append((cid, name, s, a, s + a, m, s + a + m, deal_type, markets[country], country))
    out = pd.DataFrame(rows, columns=columns)
    order = np.argsort(-out["total"].astype(float).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def history(
    ledger: Ledger | Valuation, as_of: dt.date, rules: Rulebook | None = None,
    months: int = 24, projection_months: int | None = None,
) -> pd.DataFrame:
    """Points at each of the last `months` month ends, on `as_of`, then projected (F2.7).

    The projection assumes no new deals: sold points fall as they expire, managed points stay.
    """
    v = ledger if isinstance(ledger, Valuation) else Valuation(ledger, _need(rules))
    if projection_months is None:
        projection_months = v.rules.policy_on(as_of).projection_months
    k_now = _month_index(as_of)
    first_past = k_now - months
    past = list(range(first_past, k_now))  # month ends strictly before as_of's month
    last_day = month_end(as_of.year, as_of.month)
    future_start = k_now if as_of < last_day else k_now + 1
    future = list(range(future_start, future_start + projection_months))
    ks = past + future
    k0, span = (ks[0], ks[-1] - ks[0] + 1) if ks else (k_now, 1)
    nc = len(v.combos)
    day = np.datetime64(as_of, "D")
    # Sold: active at month end k iff start month <= k < expiry month (see module docstring).
    s = v.month_index
    e = v.expiry_month_index
    sold = v.is_sold & (v.dates <= day) & (s <= k0 + span - 1) & (e > k0)
    width = span + 1
    # Group keys only for the selected rows (not for the whole ledger): the same sums.
    sold_rows = np.flatnonzero(sold)
    codes, units = v.combo_codes[sold_rows] * width, v.units[sold_rows]

    def grouped(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
        if values.size == 0:
            return np.zeros(nc * width, dtype=object)
        return _exact_group_sums(keys, values, nc * width)

    plus = grouped(codes + np.clip(s[sold_rows] - k0, 0, span), units)
    minus = grouped(codes + np.clip(e[sold_rows] - k0, 0, span), units)
    diff = (plus - minus).reshape(nc, width)[:, :span] if nc else np.zeros((0, span), dtype=object)
    active_units = np.cumsum(diff, axis=1) if nc else diff
    managed_mask = ~v.is_sold & (s >= k0) & (s < k0 + span)
    mrows = np.flatnonzero(managed_mask)
    month_slot = np.clip(s[mrows] - k0, 0, span)
    msum = grouped(v.combo_codes[mrows] * width + month_slot, v.units[mrows])
    managed_units = msum.reshape(nc, width)[:, :span] if nc else np.zeros((0, span), dtype=object)
    # A month without any snapshot carries the latest earlier month, as compute_standing does.
    has_snapshot = np.bincount(month_slot, minlength=width) > 0
    before = v.latest_managed_month(_month_end_of_index(k0 - 1))  # = compute_standing's managed
    carried = (v.points_by_combo(~v.is_sold & (v.dates == before))["managed"]
               if before is not None else ZERO)
    current = compute_standing(v, as_of, with_clients=False)
    records = []
    for k in ks:
        j = k - k0
        acc = {"sourced": ZERO, "assisted": ZERO, "managed": ZERO}
        for c, combo in enumerate(v.combos):
            u = active_units[c, j] if combo.credit != "managed" else 0
            if u:
                acc[combo.credit] += combo.points(u)
        projected = k >= future_start
        if projected:
            acc["managed"] = current.managed_points
        elif not has_snapshot[j]:
            acc["managed"] = carried
        else:
            for c, combo in enumerate(v.combos):
                if combo.credit == "managed" and managed_units[c, j]:
                    acc["managed"] += combo.points(managed_units[c, j])
            carried = acc["managed"]
        records.append((_month_end_of_index(k), acc, projected))
    rows: list[tuple[dt.date, Decimal, Decimal, Decimal, bool]] = [
        (d, a["sourced"], a["assisted"], a["managed"], p) for d, a, p in records if not p]
    rows.append((as_of, current.sourced_points, current.assisted_points, current.managed_points,
                 False))
    rows += [(d, a["sourced"], a["assisted"], a["managed"], p) for d, a, p in records if p]
    out = pd.DataFrame(rows, columns=["month_end", "sourced", "assisted", "managed", "projected"])
    out["sold"] = out["sourced"] + out["assisted"]
    out["total"] = out["sold"] + out["managed"]
    out["is_as_of"] = out["month_end"] == as_of
    return out[["month_end", "sourced", "assisted", "sold", "managed", "total", "projected",
                "is_as_of"]]


def point_changes(
    ledger: Ledger | Valuation, start: dt.date, end: dt.date, rules: Rulebook | None = None,
) -> pd.DataFrame:
    """New and lost sold and managed points per client between `start` (excl.) and `end` (incl.)."""
    if end < start:
        raise ValueError(f"the end date {end} is before the start date {start}")
    v = ledger if isinstance(ledger, Valuation) else Valuation(ledger, _need(rules))
    a, b = np.datetime64(start, "D"), np.datetime64(end, "D")
    new_sold = v.points_by_client(v.is_sold & (v.dates > a) & (v.dates <= b))
    lost_sold = v.points_by_client(v.is_sold & (v.expires > a) & (v.expires <= b))
    _, _, m_start = v.masks(start)
    _, _, m_end = v.masks(end)
    managed_start = v.points_by_client(m_start)["managed"]
    managed_end = v.points_by_client(m_end)["managed"]
    names = _names(v)
    acc: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for credit in ("sourced", "assisted"):
        for cid, p in new_sold[credit].items():
            acc[cid]["new_sold"] += p
        for cid, p in lost_sold[credit].items():
            acc[cid]["lost_sold"] += p
    for cid in set(managed_start) | set(managed_end):
        delta = managed_end.get(cid, ZERO) - managed_start.get(cid, ZERO)
        acc[cid]["new_managed"] += max(delta, ZERO)
        acc[cid]["lost_managed"] += max(-delta, ZERO)
    rows = []
    for cid, d in acc.items():
        net = d["new_sold"] - d["lost_sold"] + d["new_managed"] - d["lost_managed"]
        if any(d.values()):
            rows.append((cid, names.get(cid, ""), d["new_sold"], d["lost_sold"], d["new_managed"],
                         d["lost_managed"], net))
    out = pd.DataFrame(rows, columns=["client_id", "client_name", "new_sold", "lost_sold",
                                      "new_managed", "lost_managed", "net"])
    out = out.sort_values("net", key=lambda s: s.astype(float).abs(), ascending=False)
    return out.reset_index(drop=True)

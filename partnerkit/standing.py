"""Points standing over a ledger (F2.2-F2.7): vectorised and exact.

How it stays exact and fast: points are linear in the amount, and every rule that decides the
points of a row (rate, currency amount, growth market, expiry) depends only on a few small codes
(credit type, currency, country, co-managing partners, first-sale epoch) and on the row's day. So
`Valuation` reduces the ledger ONCE to exact integer unit sums (1/10,000 of a currency unit) per
*cell* = (static rule code, day); a rule combination is a static code within one rule epoch (a
contiguous run of days). Standing, expiring, expired and history at any date are then sums over
cells, not rows. Points are exact rationals, units x rate / (local amount per US$100 x partners x
10,000), summed as integers over a common denominator and divided ONCE per figure (per credit type,
or per client and credit type): the Decimal result is the exact sum correctly rounded to the
context precision (docs/architecture.md, "standing"). No per-event Python loop; no float in a
total.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

import numpy as np
import pandas as pd

from partnerkit import display
from partnerkit.explain import RuleRef
from partnerkit.ledger import Ledger
from partnerkit.messages import Message, english_lines, msg
from partnerkit.money import AMOUNT_SCALE
from partnerkit.rules import CurrencyRule, GrowthMarketRule, RateRule, Rulebook

ZERO = Decimal(0)
_SAFE_FLOAT_INT = 2**53
_SAFE_INT64 = 2**62  # bound for int64 sums (headroom below 2**63)
EXPIRING_WINDOWS = (30, 60, 90)
POINT_COLUMNS = ("sourced", "assisted", "sold", "managed", "total")
# The point columns are floats (display, .round(), .plot()); each has its exact Decimal twin in
# `<name>_exact` (issue 17; docs/architecture.md "Frames"). Sums and comparisons use the twins.
EXACT_COLUMNS = [f"{c}_exact" for c in POINT_COLUMNS]
PER_CLIENT_COLUMNS = ["client_id", "client_name", "sourced", "assisted", "sold", "managed", "total",
                      "deal_type", "market", "country", *EXACT_COLUMNS]
HISTORY_COLUMNS = ["month_end", "sourced", "assisted", "sold", "managed", "total", "projected",
                   "is_as_of", *EXACT_COLUMNS]
CREDITS = ("sourced", "assisted", "managed")
_SOURCED, _ASSISTED, _MANAGED = 0, 1, 2
_DAY_NS = 86_400_000_000_000
_NAT = np.iinfo(np.int64).min
_SPLIT_BITS = 26


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


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes >= 0, uniques as an object array); a categorical column gives its own codes (no
    pass over the values), a text column is hash-factorised as a plain object array. Missing
    values get a code of their own, meaning ""."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = column.array
        codes: np.ndarray = cat.codes
        uniques = np.asarray(cat.categories, dtype=object)
    else:
        codes, found = pd.factorize(column.to_numpy(dtype=object), sort=False)
        uniques = np.asarray(found, dtype=object)
    if codes.size and codes.min() < 0:
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(uniques, np.array([""], dtype=object))
    return codes, uniques


def _code_of(uniques: np.ndarray, value: str) -> int:
    """The code of `value` among `uniques`, or -1 (matches no row)."""
    hits = np.flatnonzero(uniques == value)
    return int(hits[0]) if hits.size else -1


def _epochs(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """searchsorted(bounds, values, side="right"): a few comparisons beat a binary search per
    value when there are few boundaries."""
    if len(bounds) > 24:
        out: np.ndarray = np.searchsorted(bounds, values, side="right").astype(np.int32)
        return out
    acc = np.zeros(values.shape, dtype=np.int32)
    for b in bounds.tolist():
        acc += values >= b
    return acc


# Dense tables (index = code) while they stay small next to the rows; hashing beyond. A switch,
# so tests can check both ways give the same figures.
_PREFER_DENSE = True


def _dense(size: int, rows: int) -> bool:
    return _PREFER_DENSE and size <= max(8 * rows, 1 << 23)


def _int_dtype(size: int) -> type[np.signedinteger]:
    return np.int32 if size < 2**31 else np.int64


def _exact_sums(groups: np.ndarray, units: np.ndarray, size: int,
                lowest: int | None = None) -> np.ndarray:
    """Exact integer sums of `units` per group: int64 when every sum fits, else object (int).

    When the sum of |units| stays below 2**62 (any real book), no group sum can overflow and an
    integer np.add.at is exact. Otherwise each amount is split into 26-bit halves summed exactly
    with float bincounts; only absurd amounts fall back to a pandas groupby of Python ints.
    """
    if units.size == 0:
        return np.zeros(size, dtype=np.int64)
    lo_u = int(units.min()) if lowest is None else lowest
    magnitude = units if lo_u >= 0 else np.abs(units)
    if float(magnitude.sum(dtype=np.float64)) < _SAFE_INT64:
        return _add_at(groups, units, size)
    hi_u = int(units.max())
    peak = max(abs(lo_u), abs(hi_u))
    n = units.size
    if n * ((peak >> _SPLIT_BITS) + 1) < _SAFE_FLOAT_INT and n < 2 ** (53 - _SPLIT_BITS):
        lo = units & ((1 << _SPLIT_BITS) - 1)
        hi = units >> _SPLIT_BITS
        lo_s = np.rint(np.bincount(groups, weights=lo, minlength=size)).astype(np.int64)
        hi_s = np.rint(np.bincount(groups, weights=hi, minlength=size)).astype(np.int64)
        if int(np.abs(hi_s).max()) < 2 ** (62 - _SPLIT_BITS):
            out64: np.ndarray = hi_s * (1 << _SPLIT_BITS) + lo_s
            return out64
        exact: np.ndarray = hi_s.astype(object) * (1 << _SPLIT_BITS) + lo_s.astype(object)
        return exact
    s = pd.Series(units.astype(object)).groupby(groups).sum()
    out = np.zeros(size, dtype=object)
    out[s.index.to_numpy()] = [int(v) for v in s.to_numpy()]
    return out


def _add_at(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Exact grouped sum of few integer values (cells, not rows) in their own dtype."""
    out = np.zeros(size, dtype=values.dtype)
    if values.size:
        np.add.at(out, groups, values)
    return out


def _edge_rows(codes: np.ndarray, size: int, wanted: np.ndarray, last: bool,
               select: np.ndarray | None = None) -> np.ndarray:
    """Row index of the first (or last) row of each code, -1 where none (optionally only rows
    where `select`). Scans chunks from that end and stops once every `wanted` code is found, so a
    book where every client appears recently costs a small fraction of a full pass."""
    out = np.full(size, -1, dtype=np.int64)
    n = codes.size
    chunk = max(1 << 16, 16 * size)
    missing = int(np.count_nonzero(wanted))
    starts = range(((n - 1) // chunk) * chunk, -1, -chunk) if last else range(0, n, chunk)
    for a in starts:
        b = min(a + chunk, n)
        idx = np.arange(a, b, dtype=np.int64)
        cc = codes[a:b]
        if select is not None:
            keep = select[a:b]
            idx, cc = idx[keep], cc[keep]
        if not last:  # the first row of a code must be assigned last
            idx, cc = idx[::-1], cc[::-1]
        new = out[cc] < 0
        out[cc[new]] = idx[new]
        missing = int(np.count_nonzero(wanted & (out < 0)))
        if missing == 0:
            break
    return out


class _DayTable:
    """Per-day values over the ledger's span of days (day index 0 = the first day)."""

    def __init__(self, first: np.datetime64, span: int) -> None:
        self.first = first
        self.span = span
        self.days = first + np.arange(span).astype("timedelta64[D]")

    def index_of(self, day: dt.date) -> int:
        """Index of `day` clipped to [-1, span]: -1 before the first day, span after the last."""
        i = int((np.datetime64(day, "D") - self.first).astype(np.int64))
        return min(max(i, -1), self.span)


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

    @cached_property
    def per_unit(self) -> Fraction:
        """Points per amount unit, exactly."""
        return Fraction(self.rate) / Fraction(self.denominator)

    def points(self, units: int) -> Decimal:
        return Decimal(int(units)) * self.rate / self.denominator


class _Pricing:
    """Exact points of unit sums: combinations grouped in classes sharing one integer
    denominator B (same credit type and same local amount x partners), with integer weights A:
    points = sum(units x A) / B per class; per credit type the classes share L = lcm(B).
    One Decimal division per figure: the exact rational, correctly rounded."""

    def __init__(self, combos: list[Combo]) -> None:
        credit_of = {c: i for i, c in enumerate(CREDITS)}
        by_class: dict[tuple[int, Decimal], list[int]] = defaultdict(list)
        q_of: dict[tuple[Decimal, Decimal], Fraction] = {}
        exact: dict[Decimal, Fraction] = {}
        per_unit: list[Fraction] = []
        for i, c in enumerate(combos):
            den = c.denominator
            if (c.rate, den) not in q_of:
                for d in (c.rate, den):
                    if d not in exact:
                        exact[d] = Fraction(d)
                q_of[(c.rate, den)] = exact[c.rate] / exact[den]
            per_unit.append(q_of[(c.rate, den)])
            by_class[(credit_of[c.credit], den)].append(i)
        keys = sorted(by_class, key=lambda k: k[0])  # classes ordered by credit (stable)
        self.ncombo = len(combos)
        self.combo_class = np.zeros(len(combos), dtype=np.int64)
        weights: list[int] = [0] * len(combos)
        self.class_credit = np.array([k[0] for k in keys], dtype=np.int64)
        self.class_den: list[int] = []
        for j, key in enumerate(keys):
            members = by_class[key]
            common = math.lcm(*(per_unit[i].denominator for i in members))
            self.class_den.append(common)
            for i in members:
                q = per_unit[i]
                weights[i] = q.numerator * (common // q.denominator)
                self.combo_class[i] = j
        self.weights = weights
        self.max_weight = max(weights, default=0)
        self.weights64 = np.array(weights, dtype=np.int64) if self.max_weight < 2**62 else None
        self.class_den_dec = [Decimal(b) for b in self.class_den]
        self.class_den_float = np.array([float(b) for b in self.class_den])
        self.credit_den: list[int] = [
            math.lcm(*(b for b, k in zip(self.class_den, self.class_credit.tolist(), strict=True)
                       if k == credit), 1)
            for credit in range(len(CREDITS))]
        self.class_mult = [self.credit_den[k] // b
                           for b, k in zip(self.class_den, self.class_credit.tolist(), strict=True)]

    def totals(self, sums: np.ndarray) -> dict[str, Decimal]:
        """Points per credit type from exact unit sums per combination."""
        num = [0, 0, 0]
        if (sums.dtype != object and self.weights64 is not None and len(sums)
                and float(np.abs(sums).max()) * self.max_weight * len(sums) < _SAFE_INT64):
            per_class = np.zeros(len(self.class_den), dtype=np.int64)
            np.add.at(per_class, self.combo_class, sums * self.weights64)
            for j, v in enumerate(per_class.tolist()):
                if v:
                    num[int(self.class_credit[j])] += v * self.class_mult[j]
            return {credit: (Decimal(num[k]) / Decimal(self.credit_den[k]) if num[k] else ZERO)
                    for k, credit in enumerate(CREDITS)}
        classes = self.combo_class.tolist()
        for c, u in enumerate(sums.tolist()):
            if u:
                j = classes[c]
                num[int(self.class_credit[j])] += int(u) * self.weights[c] * self.class_mult[j]
        return {credit: (Decimal(num[k]) / Decimal(self.credit_den[k]) if num[k] else ZERO)
                for k, credit in enumerate(CREDITS)}


class Valuation:
    """A ledger reduced to exact unit sums per cell (static rule code, day), each row keeping its
    cell for per-client sums. Build once, query often (any date costs cells, not rows)."""

    def __init__(self, ledger: Ledger, rules: Rulebook) -> None:
        self.ledger = ledger
        self.rules = rules
        f = ledger.frame
        n = len(f)
        self.n = n
        units = f["amount_units"].to_numpy()
        self.units: np.ndarray = units if units.dtype == np.int64 else units.astype(np.int64)
        self.client_codes, self.client_ids = _codes(f["client_id"])
        kind, kinds = _codes(f["kind"])
        deal, deals = _codes(f["deal_type"])
        cur, curs = _codes(f["currency"])
        cty, ctys = _codes(f["country"])
        # Credit per row (int8): 0 sourced, 1 assisted (sold rows), 2 managed.
        sold = kind == _code_of(kinds, "sold")
        credit = np.add(deal == _code_of(deals, "sourced"), 1, dtype=np.int8)
        np.multiply(credit, sold, out=credit)
        np.subtract(2, credit, out=credit)
        self.credit = credit
        self._sold: np.ndarray = sold
        # Rule epochs: every date on which a rate, currency amount, growth market or the
        # sourced-rate policy changes.
        bound_dates = set(rules.boundaries())
        for pol in rules.policies:
            if pol.key == "sourced_rate_resolved_by":
                bound_dates.add(pol.effective_from)
                if pol.effective_to is not None:
                    bound_dates.add(pol.effective_to + dt.timedelta(days=1))
        self.bounds = sorted(bound_dates)
        bounds = np.array(self.bounds, dtype="datetime64[D]")
        nfe = len(bounds) + 2
        # Co-managing partners (managed rows) and first-sale epoch + 1 (sourced rows with a
        # first-sale date) never both apply to one row: one small code `y` holds either.
        others = f["other_partners"].to_numpy()
        y = others.astype(np.int32) if n else np.zeros(0, np.int32)
        np.multiply(y, credit == _MANAGED, out=y)
        if n and int(y.min()) < 0:
            raise ValueError("other_partners must be zero or more")
        first = f["first_sold"].to_numpy()
        first_ns = (first if first.dtype == np.dtype("datetime64[ns]")
                    else first.astype("datetime64[ns]")).view(np.int64)
        has_first = first_ns != _NAT
        has_first &= credit == _SOURCED
        rows = np.flatnonzero(has_first)
        del has_first
        if rows.size:
            y[rows] = _epochs(first_ns[rows], bounds.astype("datetime64[ns]").view(np.int64)) + 1
        ny = max(int(y.max(initial=0)) + 1, nfe)
        # Day of every row, as an index into the ledger's span of days.
        dates = f["date"].to_numpy()
        day32 = np.empty(n, dtype=np.int32)  # days since 1970 (datetime64[ns] spans 1677-2262)
        if dates.dtype == np.dtype("datetime64[ns]"):
            np.floor_divide(dates.view(np.int64), _DAY_NS, out=day32, casting="unsafe")
        else:
            day32[:] = dates.astype("datetime64[D]").view(np.int64)
        lo = int(day32.min()) if n else 0
        span = int(day32.max()) - lo + 1 if n else 0
        # Static rule code p = (y, credit, currency, country) in mixed radix, built in y's buffer.
        space = 3 * len(curs) * len(ctys) * ny
        p = y if space < 2**31 else y.astype(np.int64)
        del y
        p *= 3
        p += credit
        p *= len(curs)
        p += cur
        p *= len(ctys)
        p += cty
        compact_days = span > 4 * n + 4096  # a typo year far away: index distinct days only
        if compact_days:
            day_values, inverse = np.unique(day32, return_inverse=True)
            self.day_values = day_values.astype(np.int64).astype("datetime64[D]")
            row_day: np.ndarray = inverse.astype(np.int32)
        else:
            self.day_values = (np.datetime64(lo, "D") + np.arange(span).astype("timedelta64[D]")
                               if n else np.zeros(0, "datetime64[D]"))
            row_day = day32
            row_day -= lo
        del day32
        nday = len(self.day_values)
        self.row_day = row_day
        # Compact the static codes, then a row's cell = static code x days + day.
        if n and _dense(space, n):
            # Number the codes seen in a sample of rows, look every row up, then number the few
            # codes the sample missed (one lookup pass instead of a marking pass and a lookup).
            ctype = _int_dtype(space * nday)
            seen = np.zeros(space, dtype=bool)
            seen[p[:: max(1, n // 65536)]] = True
            p_used = np.flatnonzero(seen)
            del seen
            lut = np.full(space, -1, dtype=ctype)
            lut[p_used] = np.arange(len(p_used), dtype=ctype)
            row_cell = lut[p]
            if int(row_cell.min()) < 0:
                miss = np.flatnonzero(row_cell < 0)
                extra = np.unique(p[miss])
                lut[extra] = np.arange(len(p_used), len(p_used) + len(extra), dtype=ctype)
                p_used = np.concatenate([p_used, extra])
                row_cell[miss] = lut[p[miss]]
            del lut
            npc = len(p_used)
            row_cell *= nday
        else:
            pc, found = pd.factorize(p, sort=True)
            p_used = np.asarray(found, dtype=np.int64)
            npc = len(p_used)
            ctype = _int_dtype(npc * nday)
            row_cell = pc.astype(ctype)
            row_cell *= nday
            del pc
        del p
        row_cell += row_day
        cell_space = npc * nday
        lo_u = int(self.units.min()) if n else 0
        if _dense(cell_space, n):
            sums = _exact_sums(row_cell, self.units, cell_space, lo_u)
            if lo_u > 0:
                present = sums != 0
            else:
                present = np.zeros(cell_space, dtype=bool)
                present[row_cell] = True
            cell_pos = np.flatnonzero(present)
            del present
            self.cell_units = sums[cell_pos]
            del sums
        else:  # many static codes over many days: hash the cells instead of a dense table
            codes, found = pd.factorize(row_cell, sort=True)
            cell_pos = np.asarray(found, dtype=np.int64)
            self.cell_units = _exact_sums(codes, self.units, len(cell_pos))
            del codes
        self.row_cell = row_cell
        self.cell_space = cell_space
        self.cell_pos = cell_pos
        cell_pc = cell_pos // nday if nday else cell_pos
        self.cell_day = cell_pos - cell_pc * nday
        # Per-day tables: epoch, expiry of sold points (policy at the close date), months.
        dv = self.day_values
        epoch_of_day = np.searchsorted(bounds, dv, side="right")
        self.expiry_of_day = self._expiry(dv)
        self.month_of_day = dv.astype("datetime64[M]").astype(np.int64) + 1970 * 12
        self.expiry_month_of_day = (self.expiry_of_day.astype("datetime64[M]").astype(np.int64)
                                    + 1970 * 12)
        # Rule combinations = (static code, epoch) pairs that occur: runs of cells.
        ne = len(bounds) + 1
        ckey = cell_pc * ne + epoch_of_day[self.cell_day]
        new = np.ones(len(ckey), dtype=bool)
        new[1:] = ckey[1:] != ckey[:-1]
        firsts = np.flatnonzero(new)
        self.cell_combo = np.cumsum(new) - 1
        del new, ckey
        self.combos: list[Combo] = []
        first_days = self.day_values[self.cell_day[firsts]].astype(object).tolist()
        epochs = epoch_of_day[self.cell_day[firsts]].tolist()
        crules: dict[tuple[str, int], CurrencyRule] = {}
        growths: dict[tuple[str, int], GrowthMarketRule | None] = {}
        rrules: dict[tuple[int, str, int, int], RateRule] = {}
        refs_of: dict[tuple[int, int, int], tuple[RuleRef, ...]] = {}
        # Within one epoch the rules are the same on every day: each is looked up once.
        for i, on, epoch in zip(firsts.tolist(), first_days, epochs, strict=True):
            code = int(p_used[cell_pc[i]])
            code, cty_i = divmod(code, len(ctys))
            code, cur_i = divmod(code, len(curs))
            yv, cr = divmod(code, 3)
            credit_name = CREDITS[cr]
            fs: dt.date | None = None
            if cr == _SOURCED and yv:
                e = yv - 1  # the first-sale date's epoch: any date in it decides the same rules
                fs = (self.bounds[e - 1] if e else
                      self.bounds[0] - dt.timedelta(days=1) if self.bounds else on)
            country = str(ctys[cty_i])
            currency = str(curs[cur_i])
            if (currency, epoch) not in crules:
                crules[(currency, epoch)] = rules.currency_rule(currency, on)
            crule = crules[(currency, epoch)]
            if (country, epoch) not in growths:
                growths[(country, epoch)] = rules.growth_rule(country, on)
            growth = growths[(country, epoch)]
            market = "growth" if growth else "standard"
            rkey = (cr, market, epoch, yv if cr == _SOURCED else 0)
            if rkey not in rrules:
                rrules[rkey] = rules.rate(credit_name, market, on, fs)
            rrule = rrules[rkey]
            refkey = (id(rrule), id(crule), id(growth))
            if refkey not in refs_of:
                refs_of[refkey] = (rrule.ref, crule.ref, *((growth.ref,) if growth else ()))
            refs = refs_of[refkey]
            partners = (yv + 1) if cr == _MANAGED else 1
            self.combos.append(Combo(credit_name, currency, country, market,
                                     rrule.points_per_100, crule.local_per_100, partners, refs))
        self.combo_credit = np.array([CREDITS.index(c.credit) for c in self.combos],
                                     dtype=np.int64)
        self.cell_sold = self.combo_credit[self.cell_combo] != _MANAGED
        self.space_combo = np.full(cell_space, -1, dtype=np.int32)
        self.space_combo[cell_pos] = self.cell_combo
        self.pricing = _Pricing(self.combos)
        self.managed_days = np.unique(self.cell_day[~self.cell_sold])
        self._masks_cache: dict[dt.date, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._sums_cache: dict[dt.date, dict[str, np.ndarray]] = {}

    def _expiry(self, days: np.ndarray) -> np.ndarray:
        """Expiry of sold points closed on each of `days`: + lifetime (policy at the close)."""
        key = "sold_point_lifetime_months"
        starts = sorted({d for p in self.rules.policies if p.key == key for d in (
            p.effective_from,
            *((p.effective_to + dt.timedelta(days=1),) if p.effective_to else ()))})
        probes = [starts[0] - dt.timedelta(days=1), *starts] if starts else [dt.date.min]
        lut = np.array([int(self.rules.policy_value(key, d)) for d in probes], dtype=np.int64)
        life_bounds = np.array(starts, dtype="datetime64[D]")
        return _np_add_months(days, lut[np.searchsorted(life_bounds, days, side="right")])

    # -- per-row views (built on demand; the hot paths work on cells) ----------------------------
    @cached_property
    def combo_codes(self) -> np.ndarray:
        """Rule combination of every row."""
        out: np.ndarray = self.space_combo[self.row_cell]
        return out

    @property
    def is_sold(self) -> np.ndarray:
        return self._sold

    @cached_property
    def dates(self) -> np.ndarray:
        out: np.ndarray = self.day_values[self.row_day]
        return out

    @cached_property
    def expires(self) -> np.ndarray:
        return np.where(self.is_sold, self.expiry_of_day[self.row_day], np.datetime64("NaT", "D"))

    def _day_index(self, day: dt.date, side: str = "right") -> int:
        """Number of ledger days <= `day` (side right) or < `day` (side left)."""
        return int(np.searchsorted(self.day_values, np.datetime64(day, "D"), side=side))  # type: ignore[call-overload]

    @cached_property
    def client_info(self) -> dict[str, np.ndarray]:
        """Per client present in the ledger, in order of first appearance: code, id, latest name,
        latest country, deal type (F2.6.1)."""
        f = self.ledger.frame
        nclients = len(self.client_ids)
        cc = self.client_codes
        key = np.multiply(cc, 3, dtype=_int_dtype(3 * nclients))
        key += self.credit
        flat = np.zeros(3 * nclients, dtype=bool)
        flat[key] = True
        del key
        has = flat.reshape(nclients, 3)
        present = np.any(has, axis=1)
        first = _edge_rows(cc, nclients, present, last=False)
        last = _edge_rows(cc, nclients, present, last=True)
        name_codes, names = _codes(f["client_name"])
        blank = _code_of(names, "")
        last_name = np.where(last >= 0, name_codes[np.maximum(last, 0)], blank)
        need = present & (last_name == blank)
        if need.any() and blank >= 0:
            more = _edge_rows(cc, nclients, need, last=True, select=name_codes != blank)
            found = more >= 0
            last_name[found] = name_codes[more[found]]
        name_text = np.append(names, np.array([""], dtype=object))
        codes = np.flatnonzero(present)
        codes = codes[np.argsort(first[codes], kind="stable")]
        cty_codes, ctys = _codes(f["country"])
        deal_type = np.where(has[codes, 0], "sourced",
                             np.where(has[codes, 1], "assisted", "managed-only")).astype(object)
        return {
            "code": codes,
            "client_id": self.client_ids[codes],
            "client_name": name_text[last_name[codes]],
            "country": ctys[cty_codes[last[codes]]],
            "deal_type": deal_type,
        }

    # -- sums over cells -------------------------------------------------------------------------
    def _combo_sums(self, cells: np.ndarray) -> np.ndarray:
        return _add_at(self.cell_combo[cells], self.cell_units[cells], len(self.combos))

    def points_by_combo(self, cells: np.ndarray) -> dict[str, Decimal]:
        """Points per credit type over the cells selected by the boolean `cells`."""
        return self.points_of_sums(self._combo_sums(cells))

    def points_of_sums(self, sums: np.ndarray) -> dict[str, Decimal]:
        """Points per credit type from exact unit sums per combination (exact, one division)."""
        return self.pricing.totals(sums)

    def status_sums(self, as_of: dt.date) -> dict[str, np.ndarray]:
        """Exact unit sums per combination on `as_of`: counted (active sold + the latest managed
        month), expired sold, and sold expiring within 30/60/90 days — over cells, not rows."""
        if as_of in self._sums_cache:
            return self._sums_cache[as_of]
        if len(self._sums_cache) >= 64:
            self._sums_cache.clear()
        active, expired, managed = self.cell_masks(as_of)
        cexp = self.expiry_of_day[self.cell_day]
        out = {"counted": self._combo_sums(active | managed),
               "expired": self._combo_sums(expired)}
        for days in EXPIRING_WINDOWS:
            limit = np.datetime64(as_of + dt.timedelta(days=days), "D")
            out[f"expiring{days}"] = self._combo_sums(active & (cexp <= limit))
        self._sums_cache[as_of] = out
        return out

    def cell_masks(self, as_of: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(active sold, expired sold, counted managed) cells on as_of."""
        day = np.datetime64(as_of, "D")
        cdate = self.day_values[self.cell_day]
        cexp = self.expiry_of_day[self.cell_day]
        active = self.cell_sold & (cdate <= day) & (cexp > day)
        expired = self.cell_sold & (cexp <= day)
        latest = self._latest_index(as_of)
        managed = (~self.cell_sold & (self.cell_day == latest) if latest >= 0
                   else np.zeros(len(self.cell_day), dtype=bool))
        return active, expired, managed

    def _latest_index(self, as_of: dt.date) -> int:
        """Day index of the latest managed snapshot on or before as_of, -1 if none."""
        i = int(np.searchsorted(self.day_values[self.managed_days], np.datetime64(as_of, "D"),
                                side="right"))
        return int(self.managed_days[i - 1]) if i else -1

    def latest_managed_month(self, as_of: dt.date) -> np.datetime64 | None:
        i = self._latest_index(as_of)
        return self.day_values[i] if i >= 0 else None

    def counted_rows(self, as_of: dt.date) -> np.ndarray:
        """Rows of the active sold and counted managed cells on as_of. The active days are
        usually one run of days: two comparisons per row instead of a lookup per row."""
        day = np.datetime64(as_of, "D")
        active_day = np.flatnonzero((self.day_values <= day) & (self.expiry_of_day > day))
        d = self.row_day
        if active_day.size == 0:
            mask = np.zeros(self.n, dtype=bool)
        elif active_day[-1] - active_day[0] + 1 == active_day.size:
            # first <= d <= last as one unsigned comparison of d - first
            mask = np.subtract(d, active_day[0], dtype=np.int32).view(np.uint32) <= (
                active_day[-1] - active_day[0])
            mask &= self._sold
        else:
            in_day = np.zeros(len(self.day_values), dtype=bool)
            in_day[active_day] = True
            mask = in_day[d]
            mask &= self._sold
        latest = self._latest_index(as_of)
        if latest >= 0:
            managed = d == latest
            managed &= ~self._sold
            mask |= managed
        return np.flatnonzero(mask)

    def rows_of_cells(self, cells: np.ndarray) -> np.ndarray:
        """Row numbers of the rows in the selected cells (one gather over the rows)."""
        if not cells.any():
            return np.zeros(0, dtype=np.int64)
        in_space = np.zeros(self.cell_space, dtype=bool)
        in_space[self.cell_pos[cells]] = True
        return np.flatnonzero(in_space[self.row_cell])

    def client_points(self, rows: np.ndarray
                      ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """{credit: (client codes, Decimal points, the same as floats)} over `rows`: per client
        and class, integer numerators (units x weight) summed exactly; then one Decimal division
        per client and credit (the exact rational, correctly rounded)."""
        pr = self.pricing
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), np.zeros(0))
        out = {c: empty for c in CREDITS}
        if rows.size == 0:
            return out
        combo = self.space_combo[self.row_cell[rows]]
        used = np.flatnonzero(np.bincount(pr.combo_class[combo], minlength=len(pr.class_den)))
        local = np.zeros(len(pr.class_den), dtype=np.int64)
        local[used] = np.arange(len(used))
        cls = local[pr.combo_class[combo]]  # classes present in the rows, numbered 0..
        u = self.units[rows]
        ncls = len(used)
        key = self.client_codes[rows].astype(np.int64) * ncls + cls
        size = len(self.client_ids) * ncls
        total = float(np.abs(u).sum(dtype=np.float64))
        if pr.weights64 is not None and total * pr.max_weight < _SAFE_INT64:
            num: np.ndarray = u * pr.weights64[combo]
        else:
            num = u.astype(object) * np.array(pr.weights, dtype=object)[combo]
        if _dense(size, rows.size):
            grid = _add_at(key, num, size)
            nz = np.flatnonzero(grid)
            sums = grid[nz]
        else:
            codes, found = pd.factorize(key, sort=True)
            grid = _add_at(codes, num, len(found))
            keep = np.flatnonzero(grid)
            nz, sums = np.asarray(found)[keep], grid[keep]
        if nz.size == 0:
            return out
        client, cls = nz // ncls, used[nz % ncls]
        credit = pr.class_credit[cls]
        group = client * 3 + credit  # sorted: classes are ordered by credit
        start = np.ones(len(group), dtype=bool)
        start[1:] = group[1:] != group[:-1]
        heads = np.flatnonzero(start)
        size_of = np.diff(np.append(heads, len(group)))
        # One class in the group (the usual case): N / B.
        nums = sums[heads].astype(object)
        dens = np.array(pr.class_den_dec, dtype=object)[cls[heads]]
        multi = np.flatnonzero(size_of > 1)
        if multi.size:
            # Several classes (currencies or partner counts): sum N x (L / B) over L = lcm(B).
            rows_m = np.flatnonzero(np.repeat(size_of > 1, size_of))
            scaled = (sums[rows_m].astype(object)
                      * np.array(pr.class_mult, dtype=object)[cls[rows_m]])
            seg = np.flatnonzero(start[rows_m])
            nums[multi] = np.add.reduceat(scaled, seg)
            dens[multi] = np.array([Decimal(d) for d in pr.credit_den],
                                   dtype=object)[credit[heads[multi]]]
        vals = nums / dens  # int / Decimal: one exact division, correctly rounded
        approx = np.add.reduceat(sums.astype(np.float64) / pr.class_den_float[cls], heads)
        for k, name in enumerate(CREDITS):
            sel = np.flatnonzero(credit[heads] == k)
            out[name] = (client[heads[sel]], vals[sel], approx[sel])
        return out

    def points_by_client(self, mask: np.ndarray) -> dict[str, dict[str, Decimal]]:
        """{credit: {client_id: points}} over the rows in `mask`."""
        per = self.client_points(np.flatnonzero(mask))
        return {credit: dict(zip(self.client_ids[c].tolist(), v.tolist(), strict=True))
                for credit, (c, v, _) in per.items()}

    def masks(self, as_of: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(active sold, expired sold, counted managed) rows at as_of (cached: read-only)."""
        if as_of not in self._masks_cache:
            if len(self._masks_cache) >= 8:
                self._masks_cache.clear()
            day = np.datetime64(as_of, "D")
            active_day = (self.day_values <= day) & (self.expiry_of_day > day)
            expired_day = self.expiry_of_day <= day
            sold = self.is_sold
            active = sold & active_day[self.row_day]
            expired = sold & expired_day[self.row_day]
            latest = self._latest_index(as_of)
            managed = (~sold & (self.row_day == latest)) if latest >= 0 else np.zeros(self.n, bool)
            out = (active, expired, managed)
            for a in out:
                a.flags.writeable = False
            self._masks_cache[as_of] = out
        return self._masks_cache[as_of]

    def event_points(self, rows: np.ndarray) -> list[Decimal]:
        combos = self.space_combo[self.row_cell[rows]]
        return [self.combos[c].points(u) for c, u in zip(combos, self.units[rows], strict=True)]


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

    def __repr__(self) -> str:
        return display.standing_repr(self)

    def _repr_html_(self) -> str:
        return display.standing_html(self)

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
    def explanation_messages(self) -> list[Message]:
        """How the standing was computed, line by line, as messages (the shells render them)."""
        sold = {"sourced": self.sourced_points, "assisted": self.assisted_points,
                "sold": self.sold_points}
        sold_line = msg("standing.sold_no_lifetime", **sold)
        life_rule: list[Message] = []
        if self.valuation is not None:  # the lifetime is policy data, not a constant
            policy = self.valuation.rules.policy_on(self.as_of)
            sold_line = msg("standing.sold", **sold, months=policy.sold_point_lifetime_months)
            life_rule = [msg("standing.rule",
                             rule=policy.refs["sold_point_lifetime_months"].message())]
        lines = [
            msg("standing.on", date=self.as_of),
            sold_line,
            msg("standing.managed", managed=self.managed_points, month=self.managed_month)
            if self.managed_month
            else msg("standing.managed_no_month", managed=self.managed_points),
            msg("standing.total", total=self.total_points, expired=self.expired_points),
        ]
        lines += [msg("standing.rule", rule=r.message()) for r in self.rules_used] + life_rule
        return lines

    @property
    def explanation(self) -> list[str]:
        """The explanation in English (the shells render `explanation_messages` per language)."""
        return english_lines(self.explanation_messages)

    def client_events(self, client_id: str) -> pd.DataFrame:
        """Every ledger row of one client with its points and status (F2.6.3)."""
        v = self.valuation
        if v is None:
            raise ValueError("this standing was built without its valuation")
        rows = np.flatnonzero(v.ledger.frame["client_id"].to_numpy() == client_id)
        active, expired, managed = v.masks(self.as_of)
        f = v.ledger.frame.iloc[rows]
        days = v.row_day[rows]
        dates = v.day_values[days]
        sold = v.credit[rows] != _MANAGED
        expires = np.where(sold, v.expiry_of_day[days], np.datetime64("NaT", "D"))
        status = np.where(active[rows], "active",
                          np.where(expired[rows], "expired",
                                   np.where(managed[rows], "active",
                                            np.where(dates > np.datetime64(self.as_of, "D"),
                                                     "not yet", "past month"))))
        combos = [v.combos[c] for c in v.space_combo[v.row_cell[rows]]]
        out = pd.DataFrame({
            "event_id": f["event_id"].to_numpy(),
            "kind": f["kind"].to_numpy(),
            "date": dates.astype(object),
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
            "expires_on": [None if pd.isna(x) else x for x in expires.astype(object)],
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
    sums = v.status_sums(as_of)  # grouped over cells: totals, expired and expiring
    totals = v.points_of_sums(sums["counted"])
    expired_pts = sum(v.points_of_sums(sums["expired"]).values(), ZERO)
    expiring: dict[int, Decimal] = {}
    for days in EXPIRING_WINDOWS:
        pts = v.points_of_sums(sums[f"expiring{days}"])
        expiring[days] = pts["sourced"] + pts["assisted"]
    if with_clients:
        per = v.client_points(v.counted_rows(as_of))
        per_client = _per_client_frame(v, per, as_of)
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


def with_float_points(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame` whose Decimal point columns become floats, the Decimals kept in `*_exact`."""
    out = frame.copy()
    for c in POINT_COLUMNS:
        out[f"{c}_exact"] = frame[c].astype(object)
        out[c] = np.array([float(x) for x in frame[c]], dtype=np.float64)
    return out[columns]


def exact_points(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the exact Decimals back under the plain point names (exports, files)."""
    out = frame.drop(columns=list(POINT_COLUMNS))
    return out.rename(columns={f"{c}_exact": c for c in POINT_COLUMNS})[
        [c for c in frame.columns if not c.endswith("_exact")]]


def _significant(x: np.ndarray, digits: int) -> np.ndarray:
    """`x` rounded to `digits` significant digits."""
    mag = np.abs(x)
    exp = np.floor(np.log10(mag, out=np.zeros_like(mag), where=mag > 0))
    scale = 10.0 ** (digits - 1 - exp)
    out: np.ndarray = np.rint(x * scale) / scale
    return out


def _per_client_frame(v: Valuation, per: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                      as_of: dt.date) -> pd.DataFrame:
    columns = PER_CLIENT_COLUMNS
    if not v.n:
        return pd.DataFrame(columns=columns)
    info = v.client_info
    nclients = len(v.client_ids)
    approx = np.zeros(nclients)
    cols: dict[str, np.ndarray] = {}
    for credit in CREDITS:
        clients, values, floats = per[credit]
        col = np.full(nclients, ZERO, dtype=object)
        col[clients] = values
        cols[credit] = col
        approx[clients] += floats
    # Highest total first; equal totals keep the order of first appearance. The key is the
    # float total to 12 significant digits, so sums that are equal but were added up in another
    # order (last-bit float noise) still tie.
    order = info["code"][np.argsort(-_significant(approx[info["code"]], 12), kind="stable")]
    pos = np.empty(nclients, dtype=np.int64)
    pos[info["code"]] = np.arange(len(info["code"]))
    at = pos[order]
    s, a, m = (cols[c][order] for c in CREDITS)
    sold = s + a
    countries = info["country"][at]
    markets = {c: v.rules.market_of(c, as_of) for c in set(countries.tolist())}
    return with_float_points(pd.DataFrame({
        "client_id": info["client_id"][at], "client_name": info["client_name"][at],
        "sourced": s, "assisted": a, "sold": sold, "managed": m, "total": sold + m,
        "deal_type": info["deal_type"][at],
        "market": np.array([markets[c] for c in countries.tolist()], dtype=object),
        "country": countries,
    }), columns)


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
    width = span + 1
    day = np.datetime64(as_of, "D")
    # Sold: active at month end k iff start month <= k < expiry month (same as the standing on
    # that month end); summed over cells with a +units at the start and a -units at the expiry.
    cd = v.cell_day
    s = v.month_of_day[cd]
    e = v.expiry_month_of_day[cd]
    sold = v.cell_sold & (v.day_values[cd] <= day) & (s <= k0 + span - 1) & (e > k0)
    combo, units = v.cell_combo[sold] * width, v.cell_units[sold]
    plus = _add_at(combo + np.clip(s[sold] - k0, 0, span), units, nc * width)
    minus = _add_at(combo + np.clip(e[sold] - k0, 0, span), units, nc * width)
    active_units = np.cumsum((plus - minus).reshape(nc, width)[:, :span], axis=1)
    managed = ~v.cell_sold & (s >= k0) & (s < k0 + span)
    month_slot = s[managed] - k0
    msum = _add_at(v.cell_combo[managed] * width + month_slot, v.cell_units[managed], nc * width)
    managed_units = msum.reshape(nc, width)[:, :span]
    # A month without any snapshot carries the latest earlier month, as compute_standing does.
    has_snapshot = np.bincount(month_slot, minlength=width) > 0
    before = v._latest_index(_month_end_of_index(k0 - 1))  # = compute_standing's managed
    carried = (v.points_by_combo(~v.cell_sold & (cd == before))["managed"]
               if before >= 0 else ZERO)
    current = compute_standing(v, as_of, with_clients=False)
    records = []
    for k in ks:
        j = k - k0
        acc = v.points_of_sums(active_units[:, j])
        projected = k >= future_start
        if projected:
            acc["managed"] = current.managed_points
        elif not has_snapshot[j]:
            acc["managed"] = carried
        else:
            acc["managed"] = v.points_of_sums(managed_units[:, j])["managed"]
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
    return with_float_points(out, HISTORY_COLUMNS)


def point_changes(
    ledger: Ledger | Valuation, start: dt.date, end: dt.date, rules: Rulebook | None = None,
) -> pd.DataFrame:
    """New and lost sold and managed points per client between `start` (excl.) and `end` (incl.)."""
    if end < start:
        raise ValueError(f"the end date {end} is before the start date {start}")
    v = ledger if isinstance(ledger, Valuation) else Valuation(ledger, _need(rules))
    a, b = np.datetime64(start, "D"), np.datetime64(end, "D")
    sold = v.is_sold
    new_day = (v.day_values > a) & (v.day_values <= b)
    lost_day = (v.expiry_of_day > a) & (v.expiry_of_day <= b)
    new_sold = v.points_by_client(sold & new_day[v.row_day])
    lost_sold = v.points_by_client(sold & lost_day[v.row_day])
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

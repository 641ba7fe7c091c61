"""TOML text -> validated Rulebook; and merging a user's override rows over the shipped ones.

Every problem is collected (not just the first) and reported with file, table, row and key; a
broken file never half-loads.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from partnerkit.countries import ISO_3166_ALPHA2
from partnerkit.explain import PROVENANCES
from partnerkit.money import ISO_4217
from partnerkit.rules.model import (
    CREDITS,
    MARKETS,
    CurrencyRule,
    GrowthMarketRule,
    PolicyRule,
    RateRule,
    Rulebook,
    RulesError,
    TierRequirement,
    _Dated,
)

TABLES = ("meta", "ladder", "rates", "currencies", "growth_markets", "tiers", "policy")
# Bounds of any number in a rules file: program figures are points, thresholds and local amounts
# per 100 USD (the largest, e.g. IDR, is about 1.6 million); money keeps 4 decimal places.
MAX_NUMBER = Decimal(1_000_000_000)
MAX_DECIMALS = 6
# Keys whose rows form one continuous timeline (no gaps, no overlaps) once the first row starts.
CONTINUOUS = ("rates", "currencies", "tiers")


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, table: str, index: int | None, key: str, message: str) -> None:
        row = f"[[{table}]] #{index + 1}" if index is not None else f"[{table}]"
        self.items.append(f"{self.source}: {row}, key '{key}': {message}")


def _date(raw: dict[str, Any], key: str, table: str, i: int, p: _Problems) -> dt.date | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    p.add(table, i, key, f"{value!r} is not a date (write 2025-07-15)")
    return None


def _decimal(raw: dict[str, Any], key: str, table: str, i: int, p: _Problems,
             required: bool = True) -> Decimal | None:
    value = raw.get(key)
    if value is None:
        if required:
            p.add(table, i, key, "is required")
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        p.add(table, i, key, f"{value!r} is not a number")
        return None
    if not d.is_finite():
        p.add(table, i, key, f"{value!r} is not a finite number")
        return None
    if d < 0:
        p.add(table, i, key, f"{d} is negative")
        return None
    if d > MAX_NUMBER:
        p.add(table, i, key, f"{value!r} is more than {MAX_NUMBER:,} (a typo?)")
        return None
    if d != 0 and -d.as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        p.add(table, i, key, f"{value!r} has more than {MAX_DECIMALS} decimal places")
        return None
    return d


def _dated(raw: dict[str, Any], table: str, i: int, p: _Problems, source: str,
           default_provenance: str) -> dict[str, Any] | None:
    start = _date(raw, "effective_from", table, i, p)
    if "effective_from" not in raw:
        p.add(table, i, "effective_from", "is required")
    end = _date(raw, "effective_to", table, i, p)
    provenance = raw.get("provenance", default_provenance)
    if provenance not in PROVENANCES:
        p.add(table, i, "provenance", f"{provenance!r} is not one of: {', '.join(PROVENANCES)}")
    if start and end and end < start:
        p.add(table, i, "effective_to", f"{end} is before effective_from {start}")
    if start is None:
        return None
    return {"effective_from": start, "effective_to": end, "provenance": provenance,
            "source": source, "note": str(raw.get("note", ""))}


_ROW_KEYS = {
    "rates": ("credit", "market", "points_per_100"),
    "currencies": ("currency", "local_per_100"),
    "growth_markets": ("region", "countries", "country", "growth"),
    "tiers": ("tier", "total_min", "sold_min", "sold_min_counts", "managed_min",
              "invitation_only", "other_requirements"),
    "policy": ("key", "value"),
}
_DATED_KEYS = ("effective_from", "effective_to", "provenance", "note")
_POLICY_WHOLE_NUMBERS = (
    "sold_point_lifetime_months", "review_window_months", "tier_hold_months",
    "keep_if_met_months", "reach_gold_within_months", "renewal_lookahead_days",
    "renewal_decision_days_before", "projection_months",
    "sourced_mrr_window_months", "customer_retention_lookback_months",
    "customer_retention_average_months",
)
# Windows of issue 18's figures: a 0-month window or look-back measures nothing.
_POLICY_MONTHS_AT_LEAST_ONE = ("sourced_mrr_window_months", "customer_retention_lookback_months",
                               "customer_retention_average_months")
_POLICY_TEXT = ("sourced_rate_resolved_by", "managed_split", "downgrade_to",
                "certification_lapse_effect", "upgrade_policy")


def _policy_problem(key: str, value: Any) -> str | None:
    """Why a known policy's value cannot be used (None when it can); other keys are free."""
    if key in _POLICY_WHOLE_NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{value!r} is not a whole number >= 0"
        if key in _POLICY_MONTHS_AT_LEAST_ONE and value < 1:
            return "must be at least 1 month"
    elif key in _POLICY_TEXT:
        if not isinstance(value, str):
            return f"{value!r} is not text"
    elif key == "certification_required":
        if not isinstance(value, bool):
            return "must be true or false"
    elif key == "review_dates":
        if not isinstance(value, list) or not value:
            return 'must be a list of month-day dates such as ["01-15", "07-15"]'
        for day in value:
            try:
                dt.date.fromisoformat(f"2024-{day}")
            except (TypeError, ValueError):
                return f"{day!r} is not a month-day date such as \"07-15\""
    elif key == "customer_retention_expansion":
        if value not in ("gross", "net"):
            return f"{value!r} is not 'gross' or 'net'"
    elif key == "customer_retention_min":
        return _retention_min_problem(value)
    elif key == "engagement_bands" and not (
        isinstance(value, dict) and all(
            isinstance(b, list) and len(b) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in b)
            for b in value.values())):
        return "must be a table of band = [lowest, highest] scores"
    return None


def _retention_min_problem(value: Any) -> str | None:
    """A table of tier = "fraction" (0.85 = 85 %), e.g. { Elite = "0.85" }."""
    if not isinstance(value, dict):
        return 'must be a table of tier = "fraction", e.g. { Elite = "0.85" }'
    for tier, raw in value.items():
        try:
            share = Decimal(str(raw))
        except ArithmeticError:
            return f"{tier}: {raw!r} is not a number"
        if not share.is_finite() or not 0 <= share <= 1:
            return f"{tier}: {raw!r} is not a fraction from 0 to 1 (0.85 = 85%)"
    return None


def _rows(doc: dict[str, Any], table: str, p: _Problems) -> list[dict[str, Any]]:
    rows = doc.get(table, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        p.add(table, None, table, "must be an array of tables ([[" + table + "]])")
        return []
    known = (*_ROW_KEYS[table], *_DATED_KEYS)
    for i, row in enumerate(rows):
        for key in row:
            if key not in known:  # a typo must not silently drop a requirement
                p.add(table, i, key, f"unknown key; expected one of: {', '.join(known)}")
    return rows


def parse_rules(text: str, source: str = "rules.toml", *, default_provenance: str = "hubspot",
                partial: bool = False) -> Rulebook:
    """Parse and validate a complete rules file (or, with partial=True, an override file)."""
    problems = _Problems(source)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError([f"{source}: not valid TOML: {e}"]) from None
    except RecursionError:
        raise RulesError([f"{source}: arrays or tables nested too deeply to be a rules file"]
                         ) from None
    for key in doc:
        if key not in TABLES:
            problems.add(key, None, key, f"unknown table; expected one of: {', '.join(TABLES)}")

    ladder = doc.get("ladder", {})
    if not isinstance(ladder, dict):
        problems.add("ladder", None, "ladder", "must be a table ([ladder])")
        ladder = {}
    raw_names = ladder.get("tiers", [])
    if not isinstance(raw_names, list) or not all(isinstance(t, str) and t for t in raw_names):
        problems.add("ladder", None, "tiers", 'must be a list of tier names, lowest first')
        raw_names = []
    tier_names = tuple(raw_names)
    untiered = str(ladder.get("untiered", "Untiered"))
    if not partial and not tier_names:
        problems.add("ladder", None, "tiers", "the tier ladder is required")
    elif partial and "tiers" in ladder and not tier_names:
        problems.add("ladder", None, "tiers", "an empty ladder would leave no tier; list the "
                     "tiers lowest first, or remove the key to keep the shipped ladder")
    if len(set(tier_names)) != len(tier_names):
        problems.add("ladder", None, "tiers", "a tier name appears twice")

    rates: list[RateRule] = []
    for i, raw in enumerate(_rows(doc, "rates", problems)):
        base = _dated(raw, "rates", i, problems, source, default_provenance)
        credit, market = raw.get("credit"), raw.get("market")
        if credit not in CREDITS:
            problems.add("rates", i, "credit", f"{credit!r} is not one of: {', '.join(CREDITS)}")
        if market not in MARKETS:
            problems.add("rates", i, "market", f"{market!r} is not one of: {', '.join(MARKETS)}")
        value = _decimal(raw, "points_per_100", "rates", i, problems)
        if base and value is not None and credit in CREDITS and market in MARKETS:
            rates.append(RateRule(credit=credit, market=market, points_per_100=value, **base))

    currencies: list[CurrencyRule] = []
    for i, raw in enumerate(_rows(doc, "currencies", problems)):
        base = _dated(raw, "currencies", i, problems, source, default_provenance)
        code = str(raw.get("currency", "")).strip()
        if not (len(code) == 3 and code.isalpha() and code.isupper()):
            problems.add("currencies", i, "currency",
                         f"{code!r} is not an ISO 4217 code (three capital letters)")
        elif code not in ISO_4217:
            problems.add("currencies", i, "currency", f"{code!r} is not an ISO 4217 currency code")
        value = _decimal(raw, "local_per_100", "currencies", i, problems)
        if value == 0:
            problems.add("currencies", i, "local_per_100", "must be more than zero")
        if base and value:
            currencies.append(CurrencyRule(currency=code, local_per_100=value, **base))

    growth: list[GrowthMarketRule] = []
    for i, raw in enumerate(_rows(doc, "growth_markets", problems)):
        base = _dated(raw, "growth_markets", i, problems, source, default_provenance)
        countries = raw.get("countries", [raw["country"]] if "country" in raw else [])
        is_growth = raw.get("growth", True)
        if not isinstance(is_growth, bool):
            problems.add("growth_markets", i, "growth", "must be true or false")
        if not countries:
            problems.add("growth_markets", i, "countries", "list at least one country code")
        for code in countries:
            if not isinstance(code, str) or code.upper() not in ISO_3166_ALPHA2:
                problems.add("growth_markets", i, "countries",
                             f"{code!r} is not an ISO 3166-1 alpha-2 country code")
            elif base:
                growth.append(GrowthMarketRule(country=code.upper(),
                                               region=str(raw.get("region", "")),
                                               growth=bool(is_growth), **base))

    tiers: list[TierRequirement] = []
    for i, raw in enumerate(_rows(doc, "tiers", problems)):
        base = _dated(raw, "tiers", i, problems, source, default_provenance)
        name = raw.get("tier")
        if not isinstance(name, str) or not name:
            problems.add("tiers", i, "tier", "is required (a tier name of the ladder)")
        elif name not in tier_names and not partial:
            problems.add("tiers", i, "tier",
                         f"{name!r} is not a tier of the ladder ({', '.join(tier_names)})")
        counts = raw.get("sold_min_counts", "sold")
        if counts not in ("sold", "sourced"):
            problems.add("tiers", i, "sold_min_counts", f"{counts!r} is not 'sold' or 'sourced'")
        total = _decimal(raw, "total_min", "tiers", i, problems)
        sold = _decimal(raw, "sold_min", "tiers", i, problems)
        managed = _decimal(raw, "managed_min", "tiers", i, problems, required=False)
        others = raw.get("other_requirements", [])
        if not isinstance(others, list):
            problems.add("tiers", i, "other_requirements", "must be a list of texts")
            others = []
        if base and total is not None and sold is not None and isinstance(name, str):
            rank = tier_names.index(name) + 1 if name in tier_names else 0
            tiers.append(TierRequirement(
                tier=name, rank=rank, total_min=total, sold_min=sold, sold_min_counts=counts,
                managed_min=managed, invitation_only=bool(raw.get("invitation_only", False)),
                other_requirements=tuple(str(x) for x in others),
                **base))

    policies: list[PolicyRule] = []
    for i, raw in enumerate(_rows(doc, "policy", problems)):
        base = _dated(raw, "policy", i, problems, source, default_provenance)
        pkey = raw.get("key")
        if not isinstance(pkey, str) or not pkey:
            problems.add("policy", i, "key", "is required")
        elif "value" not in raw:
            problems.add("policy", i, "value", "is required")
        elif (why := _policy_problem(pkey, raw["value"])) is not None:
            problems.add("policy", i, "value", f"{pkey}: {why}")
        elif base:
            policies.append(PolicyRule(key=pkey, value=raw["value"], **base))

    if problems.items:
        raise RulesError(problems.items)
    meta = doc.get("meta", {})
    book = Rulebook(tier_names=tier_names, untiered=untiered, rates=tuple(rates),
                    currencies_=tuple(currencies), growth_markets=tuple(growth),
                    tiers=tuple(tiers), policies=tuple(policies), sources=(source,),
                    meta=dict(meta) if isinstance(meta, dict) else {})
    if not partial:
        validate(book)
    else:
        # An override file's own rows must not overlap either (docs/rules.md): the later row
        # would silently win. Gaps are allowed: the shipped rows fill them.
        overlaps = _timeline_problems(book, gaps=False)
        if overlaps:
            raise RulesError([f"{source}: {o}" for o in overlaps])
    return book


_Identity = Callable[[Any], tuple[Any, ...]]
_IDENTITIES: dict[str, _Identity] = {
    "rates": lambda r: (r.credit, r.market),
    "currencies_": lambda r: (r.currency,),
    "growth_markets": lambda r: (r.country,),
    "tiers": lambda r: (r.tier,),
    "policies": lambda r: (r.key,),
}
_TABLE_NAME = {"rates": "rates", "currencies_": "currencies", "growth_markets": "growth_markets",
               "tiers": "tiers", "policies": "policy"}


def _label(row: _Dated) -> str:
    end = row.effective_to.isoformat() if row.effective_to else "open"
    return f"{row.effective_from.isoformat()}..{end} ({row.source})"


def _timeline_problems(book: Rulebook, gaps: bool = True) -> list[str]:
    """Rows of one key whose dates overlap (and, with gaps=True, continuous keys with gaps)."""
    problems: list[str] = []
    for attr, identity in _IDENTITIES.items():
        table = _TABLE_NAME[attr]
        groups: dict[tuple[Any, ...], list[_Dated]] = defaultdict(list)
        for row in getattr(book, attr):
            groups[identity(row)].append(row)
        for key, rows in groups.items():
            rows.sort(key=lambda r: r.effective_from)
            for a, b in itertools.pairwise(rows):
                name = "/".join(str(k) for k in key)
                if a.effective_to is None or a.effective_to >= b.effective_from:
                    problems.append(f"{table} {name}: {_label(a)} overlaps {_label(b)}")
                elif (gaps and table in CONTINUOUS
                      and a.effective_to + dt.timedelta(days=1) != b.effective_from):
                    problems.append(f"{table} {name}: gap between {_label(a)} and {_label(b)}")
    return problems


def validate(book: Rulebook) -> None:
    """Whole-book checks: timelines without overlaps or gaps, thresholds rising up the ladder."""
    problems = _timeline_problems(book)
    # Thresholds must rise up the ladder on every date any tier row starts.
    starts = sorted({t.effective_from for t in book.tiers})
    for on in starts:
        ladder = sorted((t for t in book.tiers if t.in_force(on)), key=lambda t: t.rank)
        for low, high in itertools.pairwise(ladder):
            for attr in ("total_min", "sold_min", "managed_min"):
                lo, hi = getattr(low, attr), getattr(high, attr)
                if lo is not None and hi is not None and hi <= lo:
                    problems.append(
                        f"tiers on {on.isoformat()}: {high.tier} {attr} {hi} is not above "
                        f"{low.tier} {attr} {lo} ({high.source})")
    for t in book.tiers:
        if t.tier not in book.tier_names:
            problems.append(f"tiers: {t.tier!r} is not a tier of the ladder ({t.source})")
    if problems:
        raise RulesError(problems)


def _clip(row: _Dated, start: dt.date, end: dt.date | None) -> list[_Dated]:
    """The parts of `row` outside [start, end]."""
    out: list[_Dated] = []
    if row.effective_from < start:
        new_end = start - dt.timedelta(days=1)
        if row.effective_to is not None and row.effective_to < new_end:
            new_end = row.effective_to
        out.append(replace(row, effective_to=new_end))
    if end is not None and (row.effective_to is None or row.effective_to > end):
        new_start = max(row.effective_from, end + dt.timedelta(days=1))
        out.append(replace(row, effective_from=new_start))
    return out


def merge_rules(base: Rulebook, override: Rulebook) -> Rulebook:
    """The user's rows win over the shipped rows of the same key, over the user's dates only."""
    merged: dict[str, tuple[Any, ...]] = {}
    for attr, identity in _IDENTITIES.items():
        rows: list[_Dated] = list(getattr(base, attr))
        for new in getattr(override, attr):
            kept: list[_Dated] = []
            for old in rows:
                if identity(old) == identity(new) and (
                    new.effective_to is None or old.effective_from <= new.effective_to
                ) and (old.effective_to is None or old.effective_to >= new.effective_from):
                    kept.extend(_clip(old, new.effective_from, new.effective_to))
                else:
                    kept.append(old)
            rows = [*kept, new]
        merged[attr] = tuple(rows)
    tier_names = override.tier_names or base.tier_names
    untiered = override.untiered if override.tier_names else base.untiered
    # Re-rank tiers against the (possibly new) ladder.
    ranked = tuple(replace(t, rank=tier_names.index(t.tier) + 1 if t.tier in tier_names else 0)
                   for t in merged["tiers"])
    book = Rulebook(tier_names=tier_names, untiered=untiered, rates=merged["rates"],
                    currencies_=merged["currencies_"], growth_markets=merged["growth_markets"],
                    tiers=ranked, policies=merged["policies"],
                    sources=(*base.sources, *override.sources), meta=base.meta)
    validate(book)
    return book

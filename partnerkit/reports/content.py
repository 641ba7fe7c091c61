"""The figures a monthly tier report shows (F5.1), computed from the store and the core.

`build_content(...)` returns a `ReportContent` of plain values and DataFrames; nothing here
formats or draws (render.py does). Every number comes from the core (compute_standing, history,
point_changes, evaluate_tier, credited_tier) on the month's last day, so a test can recompute
any of them independently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from partnerkit.reports.params import Month, parse_month

ZERO = Decimal(0)
KEEP_COLUMNS = ["requirement", "required", "actual", "margin", "met"]
TOP_CLIENTS = 10
EXPIRING_DAYS = 90
RENEWAL_DAYS = 120
HISTORY_MONTHS = 12
PROJECTION_MONTHS = 3


@dataclass
class ReportContent:
    partner_id: str
    partner_name: str
    partner_country: str
    month: Month
    as_of: dt.date  # the month's last day: every figure is "at month end"
    previous_as_of: dt.date  # the previous month's last day
    data_as_of: dt.date | None
    standing: Any  # partnerkit.standing.Standing at as_of
    previous_standing: Any
    performance: Any  # evaluate_tier(...) at as_of
    previous_performance: Any
    credited: Any  # credited_tier(...) at as_of
    previous_credited: Any
    certified_until: dt.date | None
    history: pd.DataFrame  # 12 month ends + as_of + 3 projected
    changes: pd.DataFrame  # point_changes over the month, per client
    top_clients: pd.DataFrame  # biggest contributors with their change this month
    expiring: pd.DataFrame  # sold points expiring within 90 days, per event
    renewals: pd.DataFrame  # renewals due within 120 days
    gaps: pd.DataFrame  # requirement, required, actual, gap for the next tier
    rules_used: list[Any] = field(default_factory=list)  # RuleRef
    progress: Any = None  # partnerkit.program_progress.ProgramProgress at as_of (issue 18)
    # Issue 12: the credited tier from the recorded history (tier_history.CreditedOn) this month
    # and last, the tier risks at month end, and what it takes to keep the tier.
    credited_basis: Any = None
    previous_basis: Any = None
    risks: list[Any] = field(default_factory=list)
    keep: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KEEP_COLUMNS))
    credited_change: Any = None  # Message: "up from …", "unchanged", "not recorded before …"

    # ------------------------------------------------------------------ derived figures
    @property
    def certified(self) -> bool:
        return self.certified_until is not None and self.certified_until >= self.as_of

    @property
    def credited_tier(self) -> str | None:
        return _tier_name(self.credited)

    @property
    def previous_credited_tier(self) -> str | None:
        return _tier_name(self.previous_credited)

    @property
    def performance_tier(self) -> str | None:
        return _tier_name(self.performance)

    @property
    def previous_performance_tier(self) -> str | None:
        return _tier_name(self.previous_performance)

    @property
    def next_tier(self) -> str | None:
        return getattr(self.performance, "next_tier", None)

    @property
    def expiring_points(self) -> Decimal:
        return Decimal(self.standing.expiring.get(EXPIRING_DAYS, ZERO))

    @property
    def total_change(self) -> Decimal:
        return Decimal(self.standing.total_points) - Decimal(self.previous_standing.total_points)

    @property
    def gap_to_next(self) -> Decimal | None:
        """The total-points gap to the next tier (None at the top of the ladder)."""
        if self.next_tier is None or self.gaps.empty:
            return None
        total = self.gaps[self.gaps["requirement"] == "total"]
        if not total.empty:
            return Decimal(total["gap"].iloc[0])
        return max((Decimal(g) for g in self.gaps["gap"] if g is not None), default=ZERO)

    @property
    def next_review(self) -> dt.date | None:
        return getattr(self.credited, "next_review", None)

    @property
    def next_review_outcome(self) -> str:
        return str(getattr(self.credited, "next_review_outcome", "") or "")

    @property
    def credited_tier_basis(self) -> str | None:
        return getattr(self.credited_basis, "basis", None)

    @property
    def keep_tier(self) -> str | None:
        """The tier the "to keep" table is about: the credited tier, else the performance tier."""
        return getattr(self.credited_basis, "tier", None) or self.performance_tier

    @property
    def next_review_message(self) -> Any:
        """Why the next review gives that tier, as a core message (rendered per language)."""
        return getattr(self.credited, "next_review_message", None)

    @property
    def estimates(self) -> list[Any]:
        return [r for r in self.rules_used if getattr(r, "is_estimate", False)]

    def headline(self) -> dict[str, Any]:
        """The machine-readable figures (the report's JSON file). Decimals as exact strings."""
        s, p = self.standing, self.previous_standing
        return {
            "partner_id": self.partner_id,
            "partner_name": self.partner_name,
            "month": str(self.month),
            "as_of": self.as_of.isoformat(),
            "data_as_of": self.data_as_of.isoformat() if self.data_as_of else None,
            "credited_tier": self.credited_tier,
            "credited_tier_basis": self.credited_tier_basis,
            "previous_credited_tier": self.previous_credited_tier,
            "performance_tier": self.performance_tier,
            "previous_performance_tier": self.previous_performance_tier,
            "sourced_points": str(s.sourced_points),
            "assisted_points": str(s.assisted_points),
            "sold_points": str(s.sold_points),
            "managed_points": str(s.managed_points),
            "total_points": str(s.total_points),
            "previous_total_points": str(p.total_points),
            "total_change": str(self.total_change),
            "next_tier": self.next_tier,
            "gap_to_next": None if self.gap_to_next is None else str(self.gap_to_next),
            "expiring_90_days": str(self.expiring_points),
            "renewals_120_days": len(self.renewals),
            "certified": self.certified,
            "certified_until": self.certified_until.isoformat() if self.certified_until else None,
            "next_review": self.next_review.isoformat() if self.next_review else None,
            "next_review_outcome": self.next_review_outcome,
            # Issue 12: the same list as `partnerkit tier --json` on the month's last day.
            "risks": [r.as_json() for r in self.risks],
            # Program Progress (issue 18): the `partnerkit tier --json` contract, same figures.
            **(self.progress.as_json() if self.progress is not None else {}),
            "rules_versions": [r.version for r in self.rules_used],
            "estimates": [r.version for r in self.estimates],
        }


def _tier_name(obj: Any) -> str | None:
    """The tier's name, None for untiered (the core names it 'Untiered' in a CreditedTier)."""
    tier = getattr(obj, "tier", None)
    if not tier or str(tier).strip().lower() == "untiered":
        return None
    return str(tier)


# ------------------------------------------------------------------ the core, through adapters


def _evaluate(standing: Any, on: dt.date, rules: Any, certified_until: dt.date | None,
              retention: Any = None) -> Any:
    from partnerkit.tiers import evaluate_tier

    return evaluate_tier(standing, on, rules, certified_until=certified_until,
                         retention=retention)


def _credited(valued: Any, rules: Any, partner: Any, history: list[Any], as_of: dt.date) -> Any:
    """The credited tier on as_of from the recorded history (issue 12): "not recorded" before
    the first record, never a tier assumed held (the CLI and the dashboard ask the same)."""
    from partnerkit.tier_history import credited_on

    return credited_on(valued, rules, history, as_of, partner.certified_until)


def keep_frame(performance: Any, tier: str | None) -> pd.DataFrame:
    """What it takes to keep `tier`: each points minimum, what the partner has, the margin."""
    if not tier or tier not in getattr(performance, "ladder", ()):
        return pd.DataFrame(columns=KEEP_COLUMNS)
    rows = []
    for g in performance.gap_to(tier):
        if g.name not in ("total", "sold", "sourced", "managed"):
            continue
        if g.required is None or g.actual is None:
            continue
        rows.append((str(g.name), Decimal(g.required), Decimal(g.actual),
                     Decimal(g.actual) - Decimal(g.required), bool(g.met)))
    return pd.DataFrame(rows, columns=KEEP_COLUMNS)


def gaps_frame(performance: Any) -> pd.DataFrame:
    """The gap on every requirement of the next tier, as plain rows."""
    cols = ["requirement", "required", "actual", "gap", "met"]
    nxt = getattr(performance, "next_tier", None)
    if not nxt:
        return pd.DataFrame(columns=cols)
    rows = []
    for g in performance.gap_to(nxt):
        if g.name == "retention":  # a percentage, shown with C$R in the headline (issue 18)
            continue
        required = getattr(g, "required", None)
        actual = getattr(g, "actual", None)
        gap = getattr(g, "gap", None)
        met = bool(getattr(g, "met", gap is not None and Decimal(gap) <= 0))
        if required is None or actual is None:  # certification: a yes/no requirement
            rows.append((str(g.name), None, None, None, met))
            continue
        gap = Decimal(gap) if gap is not None else max(Decimal(required) - Decimal(actual), ZERO)
        rows.append((str(g.name), Decimal(required), Decimal(actual), gap, met))
    return pd.DataFrame(rows, columns=cols)


def expiring_frame(standing: Any, as_of: dt.date, days: int = EXPIRING_DAYS) -> pd.DataFrame:
    """Active sold events whose points expire within `days` days of as_of, soonest first.

    One pass over the valuation's arrays (not `client_events` per client: that scanned the whole
    ledger once per client). Same rows and order as listing each client with sold points (in the
    per-client order) with its events newest first, then sorting by expiry and client name.
    """
    import numpy as np

    cols = ["client_id", "client_name", "deal_type", "expires_on", "points"]
    pc = standing.per_client
    v = getattr(standing, "valuation", None)
    if not len(pc) or v is None or not v.n:
        return pd.DataFrame(columns=cols)
    sold_clients = [
        cid for cid, s in zip(pc["client_id"], pc["sold_exact"], strict=True) if Decimal(s) > 0
    ]
    if not sold_clients:
        return pd.DataFrame(columns=cols)
    f = v.ledger.frame
    all_ids = f["client_id"].to_numpy()
    client_rank = pd.Index(sold_clients).get_indexer(all_ids)  # -1: no sold points
    active, _expired, _managed = v.masks(as_of)
    limit = np.datetime64(as_of + dt.timedelta(days=days), "D")
    rows = np.flatnonzero(active & (client_rank >= 0) & (v.expires <= limit))
    if not len(rows):
        return pd.DataFrame(columns=cols)
    # Per client, newest event first (ties keep ledger order), clients in per-client order.
    rows = rows[np.lexsort((-v.dates[rows].astype(np.int64), client_rank[rows]))]
    names = dict(zip(pc["client_id"], pc["client_name"], strict=True))
    client_ids = all_ids[rows]
    out = pd.DataFrame(
        {
            "client_id": client_ids,
            "client_name": [names[c] for c in client_ids],
            "deal_type": f["deal_type"].to_numpy()[rows],
            "expires_on": v.expires[rows].astype(object),
            "points": v.event_points(rows),
        },
        columns=cols,
    )
    return out.sort_values(["expires_on", "client_name"]).reset_index(drop=True)


def top_clients_frame(standing: Any, changes: pd.DataFrame, n: int = TOP_CLIENTS) -> pd.DataFrame:
    """The clients contributing most points at month end, with what each gained/lost."""
    cols = ["client_id", "client_name", "sold", "managed", "total", "gained", "lost", "net"]
    pc = standing.per_client
    if not len(pc):
        return pd.DataFrame(columns=cols)
    by_client = {r.client_id: r for r in changes.itertuples(index=False)}
    rows = []
    for r in pc.head(n).itertuples(index=False):
        c = by_client.get(r.client_id)
        gained = (c.new_sold + c.new_managed) if c else ZERO
        lost = (c.lost_sold + c.lost_managed) if c else ZERO
        rows.append(
            (
                r.client_id,
                r.client_name or r.client_id,
                r.sold_exact,
                r.managed_exact,
                r.total_exact,
                gained,
                lost,
                gained - lost,
            )
        )
    return pd.DataFrame(rows, columns=cols)


def build_content(
    *,
    partner_id: str,
    month: str | Month,
    db_url: str,
    rules_file: str = "",
    as_of: str | dt.date | None = None,
    store: Any = None,
) -> ReportContent:
    """Everything the report for `partner_id` and `month` shows, at the month's last day."""
    from partnerkit.program_progress import program_progress
    from partnerkit.retention import customer_dollar_retention
    from partnerkit.rules_io import load_rules
    from partnerkit.standing import compute_standing, history, point_changes, valuate

    m = month if isinstance(month, Month) else parse_month(str(month), today_=dt.date.max)
    end = m.last_day
    if as_of:
        end = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of))
    prev_end = Month.of(end).previous().last_day
    rules = load_rules(rules_file or None)

    own = store is None
    if own:
        from partnerkit.store import open_store

        store = open_store(db_url, rules=rules, read_only=True)
    try:
        partner = store.get_partner(partner_id)
        ledger = store.load_ledger(partner_id)
        renewals = store.renewals_due(partner_id, end, days=RENEWAL_DAYS)
        tier_history = store.tier_history(partner_id)
        data_as_of = store.data_as_of(partner_id)
    finally:
        if own:
            store.close()

    v = valuate(ledger, rules)
    standing = compute_standing(v, end)
    previous = compute_standing(v, prev_end)
    progress = program_progress(v, end, rules, partner.currency)
    performance = _evaluate(standing, end, rules, partner.certified_until, progress.retention)
    prev_performance = _evaluate(previous, prev_end, rules, partner.certified_until,
                                 customer_dollar_retention(v, prev_end, rules))
    from partnerkit.risks import tier_risks
    from partnerkit.tier_history import month_over_month

    basis = _credited(v, rules, partner, tier_history, end)
    prev_basis = _credited(v, rules, partner, tier_history, prev_end)
    credited, prev_credited = basis.detail, prev_basis.detail  # None: not recorded
    risks = tier_risks(v, rules, end, basis, partner.certified_until, partner.joined_on)
    hist = history(v, end, months=HISTORY_MONTHS, projection_months=PROJECTION_MONTHS)
    changes = point_changes(v, prev_end, end)

    refs: dict[str, Any] = {r.version: r for r in standing.rules_used}
    for r in (*progress.sourced.refs, *progress.retention.refs):
        refs.setdefault(r.version, r)
    for obj in (performance, credited):
        for r in getattr(obj, "rules_used", []) or []:
            refs.setdefault(r.version, r)
    for req in rules.tier_ladder(end):
        ref = getattr(req, "ref", None)
        if ref is not None:
            refs.setdefault(ref.version, ref)

    return ReportContent(
        partner_id=partner.partner_id,
        partner_name=partner.name,
        partner_country=partner.country,
        month=Month.of(end) if as_of else m,
        as_of=end,
        previous_as_of=prev_end,
        data_as_of=data_as_of,
        standing=standing,
        previous_standing=previous,
        performance=performance,
        previous_performance=prev_performance,
        credited=credited,
        previous_credited=prev_credited,
        certified_until=partner.certified_until,
        history=hist,
        changes=changes,
        top_clients=top_clients_frame(standing, changes),
        expiring=expiring_frame(standing, end),
        renewals=renewals,
        gaps=gaps_frame(performance),
        rules_used=sorted(refs.values(), key=lambda r: r.version),
        progress=progress,
        credited_basis=basis,
        previous_basis=prev_basis,
        risks=risks,
        keep=keep_frame(performance, basis.tier or _tier_name(performance)),
        credited_change=month_over_month(prev_basis, basis, rules),
    )

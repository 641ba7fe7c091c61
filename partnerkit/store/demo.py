"""The demo book (issue 3): three partners with realistic, deterministic client books.

`create_demo(url, seed=7, today=...)` writes, for each partner, 40-400 clients in standard and
growth markets, three years of sold deals (sourced and assisted; new, cross-sell and upsell; before
and after 2024-02-27 with `first_sold` set for upsells), monthly managed snapshots (some clients
co-managed), subscriptions, renewals in the next 120 days, 12 months of usage and engagement, and
a Partner Development Manager each.

Standings are varied on purpose, relative to the tier ladder in the rules on `today`:
- Portugal (EUR): just below the Diamond total: near a tier boundary;
- Brazil (BRL, a growth market): Diamond now, but a large share of its sourced points expire within
  60 days (and with them the sourced minimum);
- USA (USD): Platinum, with its Solutions Partner certification expiring before the next review.

Nothing depends on the clock except `today` (default: $PARTNERKIT_AS_OF, else the real date) and
nothing on global random state: the same seed and day give the same book, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from partnerkit.money import to_units
from partnerkit.store import schema as t
from partnerkit.store.engine import analyze, make_engine, migrate, normalise_url, write_tx
from partnerkit.store.models import PDM_ROLE
from partnerkit.store.models import today as default_today
from partnerkit.store.names import RENEWAL_MANAGERS, STAFF, company_name
from partnerkit.store.writes import bulk_insert

CLIENT_CURRENCY = {
    "PT": "EUR", "ES": "EUR", "FR": "EUR", "GR": "EUR", "BR": "BRL", "MX": "MXN", "CO": "COP",
    "JP": "JPY", "AE": "USD", "US": "USD", "CA": "CAD", "GB": "GBP", "IN": "INR", "SG": "SGD",
}
SOLD_LINES = ("Marketing Hub", "Sales Hub", "Service Hub", "Content Hub", "Operations Hub",
              "Commerce Hub")
LINE_WEIGHTS = (10, 7, 5, 3, 2, 1)
APPS: dict[str, tuple[str, ...]] = {
    "Smart CRM": ("Contacts", "Companies", "Lists", "Reports"),
    "Marketing Hub": ("Email", "Forms", "Landing pages", "Workflows", "Ads", "Social"),
    "Sales Hub": ("Deals", "Sequences", "Meetings", "Quotes", "Forecasting"),
    "Service Hub": ("Tickets", "Help desk", "Knowledge base", "Feedback surveys"),
    "Content Hub": ("Website pages", "Blog", "Content remix"),
    "Operations Hub": ("Data sync", "Data quality", "Programmable automation"),
    "Commerce Hub": ("Payments", "Invoices", "Subscriptions"),
}
EDITION_USD = {"Starter": (15, 50), "Professional": (90, 900), "Enterprise": (450, 1800)}
SEND_MULTIPLE = {"Starter": 5, "Professional": 10, "Enterprise": 20}
CONTACT_TIERS = (1_000, 2_000, 5_000, 10_000, 25_000, 50_000)
DRIVERS = ("workflows running", "sequences adopted by sales", "tickets handled in the help desk",
           "few users log in", "reports shared weekly", "forms on every landing page",
           "data sync with the ERP", "no activity in Sales Hub")


@dataclass(frozen=True)
class PartnerSpec:
    partner_id: str
    name: str
    country: str
    currency: str
    clients: int
    mix: dict[str, float]
    joined_on: dt.date
    credited_tier: str
    credited_since_months_ago: int
    pdm: tuple[str, str, str]  # name, email, description
    profile: str  # near-boundary | expiring-points | expiring-certification
    extra: dict[str, Any] = field(default_factory=dict)


DEMO_PARTNERS: tuple[PartnerSpec, ...] = (
    PartnerSpec(
        "pt-lusitania", "Lusitânia Digital, Lda.", "PT", "EUR", 48,
        {"PT": 50, "ES": 10, "BR": 8, "FR": 5, "GR": 8, "JP": 8, "AE": 6, "MX": 5},
        dt.date(2019, 3, 4), "Platinum", 10,
        ("Inês Carvalho", "ines.carvalho@hubspot.example",
         "Your PDM for Portugal and Spain: quarterly business reviews, co-selling on enterprise "
         "deals and help with the tier review."),
        "near-boundary", {"earlier_tiers": (("Gold", 28),)},
    ),
    PartnerSpec(
        "br-paulista", "Agência Paulista de Crescimento Ltda.", "BR", "BRL", 72,
        {"BR": 70, "PT": 6, "MX": 8, "CO": 6, "US": 4, "JP": 6},
        dt.date(2021, 6, 14), "Diamond", 2,
        ("João Guimarães", "joao.guimaraes@hubspot.example",
         "Seu PDM no Brasil: planejamento de pipeline, indicações de clientes e acesso a "
         "treinamentos para a equipe."),
        "expiring-points", {"earlier_tiers": (("Platinum", 14),)},
    ),
    PartnerSpec(
        "us-northwind", "Northwind Inbound, Inc.", "US", "USD", 64,
        {"US": 60, "CA": 8, "GB": 7, "IN": 6, "JP": 5, "SG": 5, "AE": 5, "GR": 4},
        dt.date(2022, 9, 1), "Platinum", 5,
        ("Megan O'Connor", "megan.oconnor@hubspot.example",
         "Your Partner Development Manager: monthly pipeline calls, certification reminders and "
         "escalations to HubSpot support."),
        "expiring-certification",
    ),
)
DEMO_PARTNER_IDS = tuple(p.partner_id for p in DEMO_PARTNERS)
_TWO = Decimal("0.01")


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError  # pragma: no cover


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return _add_months(_month_start(day), 1) - dt.timedelta(days=1)


def _money(x: Decimal | float) -> Decimal:
    return Decimal(str(x)).quantize(_TWO, rounding=ROUND_HALF_UP)


def _round(x: Decimal, currency: str) -> Decimal:
    """Whole units for currencies HubSpot prices without cents here, else cents."""
    return x.quantize(Decimal(1)) if currency in ("JPY", "COP") else _money(x)


@dataclass
class _Line:
    product_line: str
    edition: str
    increments: list[tuple[dt.date, Decimal, str, dt.date | None]]  # date, amount, deal, first
    sold: bool

    @property
    def start(self) -> dt.date:
        return self.increments[0][0]

    def mrr_on(self, day: dt.date, scale: Decimal) -> Decimal:
        return sum((a for d, a, _, _ in self.increments if d <= day), Decimal(0)) * scale


@dataclass
class _Client:
    client_id: str
    name: str
    slug: str
    country: str
    currency: str
    relationship: str
    lines: list[_Line]
    managed_from: dt.date | None
    other_partners: int
    industry: str
    employees: int
    portal_id: str
    record_id: str
    adoption: float
    ended_on: dt.date | None = None


class _Book:
    """One partner's generated book before it is written."""

    def __init__(self, spec: PartnerSpec, seed: int, today: dt.date, rules: Any) -> None:
        self.spec, self.today, self.rules = spec, today, rules
        self.rnd = random.Random(f"partnerkit-demo-{seed}-{spec.partner_id}")
        self.window_start = _add_months(today, -36)
        self.lifetime = int(rules.policy_value("sold_point_lifetime_months", today))
        self.clients = [self._client(n) for n in range(1, spec.clients + 1)]
        self._pick_ended_client()
        if spec.profile == "expiring-points":
            self._add_deals_expiring_soon()
        self.sold_scale = {(d, g): Decimal(1) for d in ("sourced", "assisted")
                           for g in ("expiring", "other")}
        self.mrr_scale = Decimal(1)
        self._calibrate()

    # -- generation -----------------------------------------------------------------------------
    def _usd(self, currency: str, usd: float) -> Decimal:
        per100 = Decimal(self.rules.currency_rule(currency, self.today).local_per_100)
        value = Decimal(str(usd)) * per100 / 100
        return value.quantize(Decimal(1)) if per100 >= 1000 else _money(value)

    def _client(self, n: int) -> _Client:
        rnd, spec = self.rnd, self.spec
        countries = list(spec.mix)
        country = rnd.choices(countries, weights=[spec.mix[c] for c in countries])[0]
        currency = CLIENT_CURRENCY[country]
        name, slug = company_name(country, rnd, self._taken_names())
        relationship = rnd.choices(("sold", "managed", "both"), weights=(3, 3, 4))[0]
        k = rnd.choices((1, 2, 3, 4), weights=(5, 4, 2, 1))[0]
        products: list[str] = []
        while len(products) < k:
            p = rnd.choices(SOLD_LINES, weights=LINE_WEIGHTS)[0]
            if p not in products:
                products.append(p)
        lines: list[_Line] = []
        sold = relationship in ("sold", "both")
        span = (self.today - self.window_start).days - 20
        cursor = self.window_start + dt.timedelta(days=rnd.randint(0, span))
        for i, product in enumerate(products):
            edition = rnd.choices(("Starter", "Professional", "Enterprise"), weights=(3, 6, 2))[0]
            lo, hi = EDITION_USD[edition]
            amount = self._usd(currency, rnd.uniform(lo, hi))
            if sold and (i > 0 or rnd.random() > 0.22):
                # new business (first line) or a cross-sell, inside the three-year window
                first = cursor if i == 0 else cursor + dt.timedelta(
                    days=rnd.randint(0, max(0, (self.today - cursor).days - 5)))
                deal = rnd.choices(("sourced", "assisted"), weights=(65, 35))[0]
                incs: list[tuple[dt.date, Decimal, str, dt.date | None]] = [
                    (first, amount, deal, None)]
            else:
                # first sold (or bought directly) before the window; maybe upsold inside it
                first = dt.date(rnd.randint(2019, 2022), rnd.randint(1, 12), rnd.randint(1, 28))
                incs = [(first, amount, "", None)]
            if sold and rnd.random() < 0.45:
                up_day = max(incs[0][0], self.window_start) + dt.timedelta(
                    days=rnd.randint(60, 600))
                if up_day < self.today - dt.timedelta(days=3):
                    up = _money(amount * Decimal(str(rnd.uniform(0.15, 0.6))))
                    if currency in ("JPY", "COP", "INR"):
                        up = up.quantize(Decimal(1))
                    deal = rnd.choices(("sourced", "assisted"), weights=(6, 4))[0]
                    incs.append((up_day, up, deal, incs[0][0]))
            lines.append(_Line(product, edition, incs, sold))
        start = min(line.start for line in lines)
        managed_from = None
        if relationship in ("managed", "both"):
            earliest = max(_month_start(start), _month_start(self.window_start))
            span = max(0, (self.today - earliest).days - 60)
            managed_from = _month_start(earliest + dt.timedelta(days=rnd.randint(0, span)))
        others = rnd.choices((0, 1, 2), weights=(88, 9, 3))[0] if managed_from else 0
        return _Client(
            client_id=f"{spec.country}-{n:04d}", name=name, slug=slug, country=country,
            currency=currency, relationship=relationship, lines=lines, managed_from=managed_from,
            other_partners=others, industry=rnd.choice(_industries()),
            employees=rnd.choice((8, 15, 30, 60, 120, 250, 600, 1500)),
            portal_id=str(rnd.randint(20_000_000, 49_999_999)),
            record_id=str(rnd.randint(10_000_000_000, 29_999_999_999)),
            adoption=rnd.uniform(0.15, 0.9),
        )

    def _add_deals_expiring_soon(self) -> None:
        """A few sourced deals closed just under a sold-point lifetime ago (they expire soon)."""
        sold = [c for c in self.clients if c.relationship != "managed"]
        for c in self.rnd.sample(sold, min(5, len(sold))):
            day = _add_months(self.today, -self.lifetime) + dt.timedelta(
                days=self.rnd.randint(5, 55))
            line = c.lines[0]
            if line.start >= day:
                continue
            amount = line.increments[0][1] * Decimal("0.5")
            line.increments.append((day, _money(amount), "sourced", line.start))

    def _taken_names(self) -> set[str]:
        if not hasattr(self, "_names"):
            self._names: set[str] = set()
        return self._names

    def _pick_ended_client(self) -> None:
        managed = [c for c in self.clients if c.managed_from and c.relationship == "managed"
                   and c.managed_from < _add_months(self.today, -8)]
        if managed:
            c = self.rnd.choice(managed)
            c.ended_on = _add_months(self.today, -3)

    # -- sold events and snapshots --------------------------------------------------------------
    def _expiring_soon(self, day: dt.date) -> bool:
        expires = _add_months(day, self.lifetime)
        return self.today < expires <= self.today + dt.timedelta(days=60)

    def sold_events(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for c in self.clients:
            if c.relationship == "managed":
                continue
            for li, line in enumerate(c.lines):
                for k, (day, amount, deal, first) in enumerate(line.increments):
                    if not deal:
                        continue
                    group = "expiring" if self._expiring_soon(day) else "other"
                    value = amount * self.sold_scale[(deal, group)]
                    value = _round(value, c.currency)
                    out.append({
                        "event_id": f"{c.client_id}-S{li + 1}{k + 1}", "kind": "sold",
                        "client_id": c.client_id, "client_name": c.name, "date": day,
                        "deal_type": deal, "amount_units": to_units(value),
                        "currency": c.currency, "country": c.country,
                        "product_line": line.product_line, "first_sold": first,
                        "other_partners": 0,
                    })
        return out

    def managed_snapshots(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for c in self.clients:
            if not c.managed_from:
                continue
            month = c.managed_from
            last = _month_start(c.ended_on or self.today)
            while month <= last:
                mrr = sum((ln.mrr_on(_month_end(month), self.mrr_scale) for ln in c.lines),
                          Decimal(0))
                if mrr > 0:
                    value = _round(mrr, c.currency)
                    out.append({
                        "event_id": f"{c.client_id}-M{month:%Y%m}", "kind": "managed",
                        "client_id": c.client_id, "client_name": c.name, "date": month,
                        "deal_type": "", "amount_units": to_units(value),
                        "currency": c.currency, "country": c.country, "product_line": "",
                        "first_sold": None, "other_partners": c.other_partners,
                    })
                month = _add_months(month, 1)
        return out

    # -- calibration: aim the standing at the partner's profile ---------------------------------
    def _points(self, credit: str, day: dt.date, amount_units: int, ccy: str, country: str,
                first: dt.date | None = None, others: int = 0) -> Decimal:
        r = self.rules
        market = r.market_of(country, day)
        rate = Decimal(r.rate(credit, market, day, first_sold=first).points_per_100)
        per100 = Decimal(r.currency_rule(ccy, day).local_per_100)
        return Decimal(amount_units) / 10_000 / per100 * rate / (1 + others)

    def _raw(self) -> dict[str, Decimal]:
        lifetime = int(self.rules.policy_value("sold_point_lifetime_months", self.today))
        raw = {"sourced_expiring": Decimal(0), "sourced_other": Decimal(0),
               "assisted_expiring": Decimal(0), "assisted_other": Decimal(0),
               "managed": Decimal(0)}
        for e in self.sold_events():
            day = e["date"]
            if not (day <= self.today < _add_months(day, lifetime)):
                continue
            group = "expiring" if self._expiring_soon(day) else "other"
            raw[f"{e['deal_type']}_{group}"] += self._points(
                e["deal_type"], day, e["amount_units"], e["currency"], e["country"],
                e["first_sold"])
        month = _month_start(self.today)
        for e in self.managed_snapshots():
            if e["date"] == month:
                raw["managed"] += self._points("managed", month, e["amount_units"],
                                               e["currency"], e["country"],
                                               others=e["other_partners"])
        return raw

    def _calibrate(self) -> None:
        ladder = {req.tier: req for req in self.rules.tier_ladder(self.today)}
        names = list(ladder)
        top = ladder[names[min(2, len(names) - 1)]]  # Diamond in the shipped ladder
        mid = ladder[names[min(1, len(names) - 1)]]  # Platinum

        def sold_min(req: Any) -> Decimal:
            return Decimal(req.sold_min or 0)

        if self.spec.profile == "near-boundary":  # just under the Diamond total
            total, sourced, assisted, exp_share = (top.total_min * Decimal("0.975"),
                                                   sold_min(top) * Decimal("1.12"),
                                                   top.total_min * Decimal("0.09"),
                                                   Decimal("0.08"))
        elif self.spec.profile == "expiring-points":  # Diamond now, sourced minimum at risk
            total, sourced, assisted, exp_share = (top.total_min * Decimal("1.15"),
                                                   sold_min(top) * Decimal("1.55"),
                                                   top.total_min * Decimal("0.10"),
                                                   Decimal("0.45"))
        else:  # comfortably Platinum, halfway to Diamond; the certification is the risk
            total = (mid.total_min + top.total_min) / 2
            total, sourced, assisted, exp_share = (total, sold_min(mid) * Decimal("1.6"),
                                                   total * Decimal("0.12"), Decimal("0.1"))
        managed = max(total - sourced - assisted, total * Decimal("0.2"))
        raw = self._raw()
        for deal, target in (("sourced", sourced), ("assisted", assisted)):
            exp, other = raw[f"{deal}_expiring"], raw[f"{deal}_other"]
            if exp_share is not None and exp > 0 and other > 0:
                self.sold_scale[(deal, "expiring")] = target * exp_share / exp
                self.sold_scale[(deal, "other")] = target * (1 - exp_share) / other
            elif exp + other > 0:
                for group in ("expiring", "other"):
                    self.sold_scale[(deal, group)] = target / (exp + other)
        if raw["managed"] > 0:
            self.mrr_scale = managed / raw["managed"]

    # -- the rest of the book -------------------------------------------------------------------
    def subscriptions(self) -> list[dict[str, Any]]:
        out = []
        for c in self.clients:
            for line in c.lines:
                mrr = line.mrr_on(self.today, self.mrr_scale)
                mrr = mrr.quantize(Decimal(1)) if c.currency in ("JPY", "COP") else _money(mrr)
                contacts = self.rnd.choice(CONTACT_TIERS)
                out.append({
                    "client_id": c.client_id, "product_line": line.product_line,
                    "edition": line.edition, "mrr_units": to_units(mrr), "currency": c.currency,
                    "contact_tier": f"{contacts:,} marketing contacts",
                    "email_send_tier": f"{contacts * SEND_MULTIPLE[line.edition]:,} emails/month",
                    "start_date": line.start, "renewal_date": self._next_anniversary(line.start),
                })
        return out

    def _next_anniversary(self, start: dt.date) -> dt.date:
        years = max(1, self.today.year - start.year)
        day = _add_months(start, 12 * years)
        while day <= self.today:
            day = _add_months(day, 12)
        return day

    def renewals(self, subs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_client: dict[str, list[dict[str, Any]]] = {}
        for s in subs:
            by_client.setdefault(s["client_id"], []).append(s)
        staff = STAFF.get(self.spec.country, STAFF["US"])
        out = []
        for c in self.clients:
            mine = by_client.get(c.client_id, [])
            if not mine:
                continue
            renewal = min(s["renewal_date"] for s in mine)
            current = "; ".join(f"{s['product_line']} {s['edition']}" for s in mine)
            total = sum((Decimal(s["mrr_units"]) for s in mine), Decimal(0)) / 10_000
            uplift = Decimal(str(self.rnd.choice((1, 1, 1.05, 1.1, 0.8))))
            status = self.rnd.choices(("pending", "confirmed", "cancellation requested"),
                                      weights=(7, 3, 1))[0]
            base = {"client_id": c.client_id, "owner": self.rnd.choice(staff),
                    "renewal_manager": self.rnd.choice(RENEWAL_MANAGERS)}
            out.append({**base, "renewal_date": renewal,
                        "current_subscription": f"{current} ({c.currency} {total:,.2f}/month)",
                        "renewal_subscription":
                            f"{current} ({c.currency} {_money(total * uplift):,.2f}/month)",
                        "status": status})
            last = _add_months(renewal, -12)
            if last > max(s["start_date"] for s in mine):
                out.append({**base, "renewal_date": last, "current_subscription": current,
                            "renewal_subscription": current, "status": "renewed"})
        return out

    def usage_and_engagement(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        usage, engagement = [], []
        first = _add_months(_month_start(self.today), -11)
        for c in self.clients:
            for m in range(12):
                month = _add_months(first, m)
                owned = ["Smart CRM"] + [ln.product_line for ln in c.lines
                                         if ln.start <= _month_end(month)]
                level = min(0.98, c.adoption + 0.015 * m)
                used_count = available = 0
                for product in owned:
                    for app in APPS[product]:
                        used = self.rnd.random() < level
                        usage.append({"client_id": c.client_id, "month": month,
                                      "product": product, "app": app, "used": used})
                        available += 1
                        used_count += used
                score = max(0, min(10, round(10 * used_count / available
                                             + self.rnd.uniform(-1.2, 1.2))))
                drivers = f"{used_count} of {available} tools used; " + ", ".join(
                    self.rnd.sample(DRIVERS, 2))
                engagement.append({"client_id": c.client_id, "month": month, "score": score,
                                   "drivers": drivers})
        return usage, engagement


def _industries() -> tuple[str, ...]:
    from partnerkit.store.names import INDUSTRIES

    return INDUSTRIES


def _certified_until(spec: PartnerSpec, today: dt.date, rules: Any) -> dt.date:
    reviews = rules.policy_value("review_dates", today)
    upcoming = sorted(
        dt.date(today.year + dy, int(md.split("-")[0]), int(md.split("-")[1]))
        for dy in (0, 1) for md in reviews
    )
    next_review = next(d for d in upcoming if d > today)
    if spec.profile == "expiring-certification":
        # lapses before the next review, but is still valid today
        return max(today + dt.timedelta(days=1), next_review - dt.timedelta(days=10))
    return _add_months(today, 14)


def create_demo(
    url: str | None = None,
    seed: int = 7,
    today: dt.date | None = None,
    replace: bool = False,
    rules: Any = None,
) -> str:
    """Write the demo book into the database at `url` (migrating it first); return the URL.

    If the demo partners already exist, raise ValueError unless `replace=True`, which deletes and
    rewrites only the demo partners' rows.
    """
    from partnerkit.store.api import record
    from partnerkit.store.engine import default_database_url

    url = normalise_url(url) if url else default_database_url()
    today = today or default_today()
    if rules is None:
        from partnerkit.rules_io import load_rules

        rules = load_rules()
    engine = make_engine(url)
    try:
        migrate(engine)
        books = [_Book(spec, seed, today, rules) for spec in DEMO_PARTNERS]
        with write_tx(engine) as conn:
            present = [r[0] for r in conn.execute(
                sa.select(t.partners.c.partner_id)
                .where(t.partners.c.partner_id.in_(DEMO_PARTNER_IDS))
            )]
            if present and not replace:
                raise ValueError(
                    f"the database already holds the demo partners ({', '.join(present)}); "
                    "use --force to recreate them"
                )
            for table in (t.audit_log, t.credited_tier_history, t.ledger, t.engagement,
                          t.portal_usage, t.renewals,
                          t.subscriptions, t.clients, t.team_members, t.partners):
                conn.execute(sa.delete(table).where(table.c.partner_id.in_(DEMO_PARTNER_IDS)))
            for book in books:
                _write_book(conn, book, today, rules, record)
        analyze(engine)
        return url
    finally:
        engine.dispose()


def _write_book(conn: Any, book: _Book, today: dt.date, rules: Any, record: Any) -> None:
    spec = book.spec
    pid = spec.partner_id

    def tag(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in rows:
            r["partner_id"] = pid
        return rows

    credited_since = _add_months(today, -spec.credited_since_months_ago)
    bulk_insert(conn, t.partners, [{
        "partner_id": pid, "name": spec.name, "country": spec.country, "currency": spec.currency,
        "certified_until": _certified_until(spec, today, rules), "joined_on": spec.joined_on,
        "credited_tier": spec.credited_tier, "credited_since": credited_since,
        "data_refreshed_on": today,
        # The demo agency's own HubSpot portal: its CRM links then open (issue 11).
        "hubspot_portal_id": str(20_000_000 + zlib.crc32(pid.encode()) % 1_000_000),
    }])
    # The credited-tier history (issue 12): earlier records, then the current one. Before the
    # first record the credited tier is "not recorded".
    history = [*spec.extra.get("earlier_tiers", ()), (spec.credited_tier,
                                                       spec.credited_since_months_ago)]
    bulk_insert(conn, t.credited_tier_history, [{
        "partner_id": pid, "credited_from": _add_months(today, -ago), "tier": tier,
        "source": "recorded", "note": "demo",
    } for tier, ago in history])
    name, email, description = spec.pdm
    bulk_insert(conn, t.team_members, [{
        "partner_id": pid, "name": name, "email": email, "role": PDM_ROLE,
        "description": description,
    }])
    clients = []
    for c in book.clients:
        sold_deals = [d for ln in c.lines for (_, _, d, _) in ln.increments if d]
        deal_type = ("sourced" if "sourced" in sold_deals else
                     "assisted" if sold_deals else "managed-only")
        relationship = c.relationship
        if relationship != "managed" and not sold_deals:
            relationship = "managed" if c.managed_from else relationship
        clients.append({
            "client_id": c.client_id, "name": c.name, "domain": f"{c.slug}.example",
            "country": c.country, "industry": c.industry, "employees": c.employees,
            "portal_id": c.portal_id, "crm_record_id": c.record_id,
            "relationship": relationship, "deal_type": deal_type, "currency": c.currency,
            "status": "ended" if c.ended_on else "active", "ended_on": c.ended_on,
            "ended_by": STAFF.get(spec.country, STAFF["US"])[0] if c.ended_on else None,
            "ended_reason": "Client moved its HubSpot account in-house" if c.ended_on else None,
        })
    bulk_insert(conn, t.clients, tag(clients))
    subs = book.subscriptions()
    bulk_insert(conn, t.subscriptions, tag(subs))
    bulk_insert(conn, t.renewals, tag(book.renewals(subs)))
    usage, engagement = book.usage_and_engagement()
    bulk_insert(conn, t.portal_usage, tag(usage))
    bulk_insert(conn, t.engagement, tag(engagement))
    bulk_insert(conn, t.ledger, tag(book.sold_events() + book.managed_snapshots()))
    record(conn, pid, "partnerkit demo", "create_demo", "partner", pid,
           {"clients": len(clients), "today": today.isoformat()})
    for c in book.clients:
        if c.ended_on:
            record(conn, pid, STAFF.get(spec.country, STAFF["US"])[0], "end_services", "client",
                   c.client_id, {"reason": "Client moved its HubSpot account in-house",
                                 "ended_on": c.ended_on.isoformat()})

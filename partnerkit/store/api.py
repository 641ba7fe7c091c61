"""The Store: every read the apps and reports need, and every user write (issue 3).

Reads return pandas DataFrames or plain dataclasses. Each view is ONE SQL query (no per-client
queries), so it stays fast on 5,000 clients and 10 years of ledger. Writes run in one transaction
each and are recorded in the audit log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from partnerkit.ledger import Ledger
from partnerkit.money import AMOUNT_SCALE
from partnerkit.store import schema as t
from partnerkit.store.engine import is_sqlite, make_engine, migrate, write_tx
from partnerkit.store.models import (
    ClientDetails,
    Partner,
    TeamMember,
    UnknownClientError,
    UnknownPartnerError,
    today,
)
from partnerkit.store.writes import gc_paused

_SCALE = Decimal(AMOUNT_SCALE)
_CENT = Decimal("0.01")

CLIENT_TABLE_COLUMNS = [
    "client_id", "name", "domain", "country", "market", "relationship", "deal_type", "products",
    "tools_used", "engagement_score", "mrr", "currency", "mrr_partner_currency", "status",
    "portal_id", "crm_record_id", "industry", "employees", "ended_on", "ended_by",
    "ended_reason",
]
RENEWAL_COLUMNS = [
    "client_id", "client_name", "renewal_date", "decision_deadline", "owner", "renewal_manager",
    "current_subscription", "renewal_subscription", "status",
]


def units_to_decimal(units: Any) -> Decimal | None:
    if units is None or (isinstance(units, float) and np.isnan(units)):
        return None
    return Decimal(int(units)) / _SCALE


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def open_store(url: str | None = None, rules: Any = None, *, read_only: bool = False) -> Store:
    """Open (and create or upgrade) the database at `url`, $PARTNERKIT_DB or the default file.

    read_only=True (commands that only read): a missing SQLite file is an error and nothing is
    created; a file on a read-only disk is read without writing anything (issue 15, item 14).
    A database that cannot be opened is one StoreError (bad input: not a database, a bad URL)
    or EnvironmentFailure (unreachable server, disk), never the driver's traceback."""
    from partnerkit.store.engine import open_failure

    engine = make_engine(url, read_only=read_only)
    try:
        migrate(engine)
    except Exception as e:
        engine.dispose()
        raise open_failure(e, engine) from None
    return Store(engine, rules=rules)


class Store:
    def __init__(self, engine: Engine, rules: Any = None) -> None:
        self.engine = engine
        self._rules = rules

    # -- plumbing -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def rules(self) -> Any:
        if self._rules is None:
            from partnerkit.rules_io import load_rules

            self._rules = load_rules()
        return self._rules

    def analyze(self, tables: list[str] | None = None) -> None:
        """Refresh query-planner statistics (done after imports and the demo)."""
        from partnerkit.store.engine import analyze

        analyze(self.engine, tables)

    def close(self) -> None:
        self.engine.dispose()

    def __del__(self) -> None:
        # A store dropped without close() must not leave pooled connections (ResourceWarning).
        with contextlib.suppress(Exception):  # interpreter shutdown or a half-built store
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def _rows(self, stmt: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(stmt))

    def _frame(self, stmt: Any, columns: list[str] | None = None) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            keys = list(result.keys())
            rows = [tuple(r) for r in result.fetchall()]  # plain tuples: pandas probes Row slowly
        frame = pd.DataFrame.from_records(rows, columns=keys)
        return frame if columns is None else frame.reindex(columns=columns)

    def _require_partner(self, conn: Any, partner_id: str) -> None:
        found = conn.execute(
            sa.select(t.partners.c.partner_id).where(t.partners.c.partner_id == partner_id)
        ).first()
        if found is None:
            known = [r[0] for r in conn.execute(
                sa.select(t.partners.c.partner_id).order_by(t.partners.c.partner_id)
            )]
            raise UnknownPartnerError(partner_id, known)

    def partner_ids(self) -> list[str]:
        return [r[0] for r in self._rows(
            sa.select(t.partners.c.partner_id).order_by(t.partners.c.partner_id)
        )]

    # -- partners and team (F2.1, F2.5, F4) -----------------------------------------------------
    def partners(self) -> pd.DataFrame:
        p = t.partners.c
        cols = ["partner_id", "name", "country", "currency", "credited_tier", "credited_since",
                "certified_until", "joined_on"]
        return self._frame(
            sa.select(*(p[c] for c in cols)).order_by(p.partner_id), columns=cols
        )

    def get_partner(self, partner_id: str) -> Partner:
        p = t.partners.c
        rows = self._rows(sa.select(t.partners).where(p.partner_id == partner_id))
        if not rows:
            raise UnknownPartnerError(partner_id, self.partner_ids())
        r = rows[0]._mapping
        return Partner(
            partner_id=r["partner_id"], name=r["name"], country=r["country"],
            currency=r["currency"], certified_until=_as_date(r["certified_until"]),
            joined_on=_as_date(r["joined_on"]), credited_tier=r["credited_tier"],
            credited_since=_as_date(r["credited_since"]),
            hubspot_portal_id=str(r["hubspot_portal_id"] or ""),
        )

    def team(self, partner_id: str) -> list[TeamMember]:
        self.get_partner(partner_id)
        m = t.team_members.c
        rows = self._rows(
            sa.select(m.name, m.role, m.email, m.description)
            .where(m.partner_id == partner_id).order_by(m.name, m.email)
        )
        return [TeamMember(r.name, r.role, r.email, r.description) for r in rows]

    def data_as_of(self, partner_id: str) -> dt.date:
        """The latest date of data for the partner (refresh day, ledger, usage or engagement)."""
        self.get_partner(partner_id)
        parts = [
            sa.select(t.partners.c.data_refreshed_on.label("d"))
            .where(t.partners.c.partner_id == partner_id),
            sa.select(sa.func.max(t.ledger.c.date).label("d"))
            .where(t.ledger.c.partner_id == partner_id),
            sa.select(sa.func.max(t.portal_usage.c.month).label("d"))
            .where(t.portal_usage.c.partner_id == partner_id),
            sa.select(sa.func.max(t.engagement.c.month).label("d"))
            .where(t.engagement.c.partner_id == partner_id),
        ]
        union = sa.union_all(*parts).subquery()
        rows = self._rows(sa.select(union.c.d))
        dates = [_as_date(r[0]) for r in rows if r[0] is not None]
        return max(d for d in dates if d is not None) if dates else today()

    # -- F1.2 the clients table -----------------------------------------------------------------
    def client_table(
        self, partner_id: str, as_of: dt.date, include_ended: bool = False
    ) -> pd.DataFrame:
        """One row per client as of `as_of` (F1.2).

        `products` is a "; "-joined string of "<product line> <edition>" (sorted), e.g.
        "Marketing Hub Professional; Sales Hub Starter". `mrr` is the sum of the client's
        subscriptions started by `as_of`, in the client's currency (Decimal);
        `mrr_partner_currency` converts it at HubSpot's fixed PROGRAM amounts (the rules'
        "local per US$100" of both currencies on `as_of`), the same rates that score points, not
        market rates. `tools_used` counts the apps used in the latest usage month up to `as_of`;
        `engagement_score` is the latest score up to `as_of`. `status` is "ended" when services
        ended on or before `as_of`.
        """
        partner = self.get_partner(partner_id)
        c, s = t.clients.c, t.subscriptions.c
        # Correlated scalar subqueries, each an index lookup on (partner_id, client_id, ...):
        # still one statement, and both SQLite's and PostgreSQL's planners run it in linear time
        # whatever their statistics say (joined GROUP BY subqueries were planned as nested scans).
        mine_s = sa.and_(s.partner_id == c.partner_id, s.client_id == c.client_id,
                         s.start_date <= as_of)
        mrr = sa.select(sa.func.sum(s.mrr_units)).where(mine_s).scalar_subquery()
        products = sa.select(sa.func.aggregate_strings(
            s.product_line + sa.literal(" ") + s.edition, "; ")).where(mine_s).scalar_subquery()
        u, u2 = t.portal_usage.c, t.portal_usage.alias("u2").c
        last_usage = (
            sa.select(sa.func.max(u2.month))
            .where(u2.partner_id == u.partner_id, u2.client_id == u.client_id, u2.month <= as_of)
            .scalar_subquery()
        )
        tools = (
            sa.select(sa.func.count())
            .select_from(t.portal_usage)
            .where(u.partner_id == c.partner_id, u.client_id == c.client_id,
                   u.month == last_usage, u.used.is_(True))
            .scalar_subquery()
        )
        e = t.engagement.c
        score = (
            sa.select(e.score)
            .where(e.partner_id == c.partner_id, e.client_id == c.client_id, e.month <= as_of)
            .order_by(e.month.desc())
            .limit(1)
            .scalar_subquery()
        )
        stmt = (
            sa.select(
                c.client_id, c.name, c.domain, c.country, c.relationship, c.deal_type,
                c.currency, c.portal_id, c.crm_record_id, c.industry, c.employees, c.status,
                c.ended_on, c.ended_by, c.ended_reason,
                mrr.label("mrr_units"), products.label("products"), tools.label("tools"),
                score.label("score"),
            )
            .where(c.partner_id == partner_id)
            .order_by(c.name, c.client_id)
        )
        f = self._frame(stmt)
        if f.empty:
            return pd.DataFrame(columns=CLIENT_TABLE_COLUMNS)
        ended_on = f["ended_on"].map(_as_date)
        ended = (f["status"] == "ended") & ended_on.map(lambda d: d is not None and d <= as_of)
        f["status"] = np.where(ended, "ended", "active")
        f["ended_on"] = ended_on
        if not include_ended:
            f = f[f["status"] == "active"].reset_index(drop=True)
        rules = self.rules
        markets = {cc: rules.market_of(cc, as_of) for cc in f["country"].unique()}
        f["market"] = f["country"].map(markets)
        f["products"] = f["products"].map(
            lambda v: "; ".join(sorted(str(v).split("; "))) if isinstance(v, str) and v else ""
        )
        f["tools_used"] = f["tools"].fillna(0).astype("int64")
        f["engagement_score"] = f["score"].astype("Int64")
        f["mrr"] = [units_to_decimal(v) or Decimal(0) for v in f["mrr_units"].tolist()]
        per100 = {ccy: self._local_per_100(ccy, as_of)
                  for ccy in {*f["currency"].unique(), partner.currency}}
        home = per100[partner.currency]
        f["mrr_partner_currency"] = [
            None if per100[ccy] is None or home is None
            else (m * home / per100[ccy]).quantize(_CENT)
            for m, ccy in zip(f["mrr"], f["currency"], strict=True)
        ]
        f["employees"] = f["employees"].astype("Int64")
        return f.reindex(columns=CLIENT_TABLE_COLUMNS)

    def _local_per_100(self, currency: str, on: dt.date) -> Decimal | None:
        try:
            return Decimal(self.rules.currency_rule(currency, on).local_per_100)
        except ValueError:
            return None

    def average_tool_usage(self, partner_id: str, as_of: dt.date) -> float:
        """F2.5 the mean number of tools used by the active clients (0.0 with no clients)."""
        table = self.client_table(partner_id, as_of)
        return float(table["tools_used"].mean()) if len(table) else 0.0

    # -- F1.3.1 the client panel ----------------------------------------------------------------
    def client_details(self, partner_id: str, client_id: str) -> ClientDetails:
        c = t.clients.c
        with self.engine.connect() as conn:
            self._require_partner(conn, partner_id)
            row = conn.execute(
                sa.select(t.clients).where(c.partner_id == partner_id, c.client_id == client_id)
            ).first()
            if row is None:
                raise UnknownClientError(partner_id, client_id)
            company = dict(row._mapping)
            company.pop("partner_id", None)
            company["market"] = self.rules.market_of(company["country"], today())
            s = t.subscriptions.c
            subs = pd.DataFrame.from_records(list(conn.execute(
                sa.select(s.product_line, s.edition, s.mrr_units, s.currency, s.contact_tier,
                          s.email_send_tier, s.start_date, s.renewal_date)
                .where(s.partner_id == partner_id, s.client_id == client_id)
                .order_by(s.product_line)
            )), columns=["product_line", "edition", "mrr_units", "currency", "contact_tier",
                         "email_send_tier", "start_date", "renewal_date"])
            r = t.renewals.c
            ren = pd.DataFrame.from_records(list(conn.execute(
                sa.select(r.renewal_date, r.owner, r.renewal_manager, r.current_subscription,
                          r.renewal_subscription, r.status)
                .where(r.partner_id == partner_id, r.client_id == client_id)
                .order_by(r.renewal_date)
            )), columns=["renewal_date", "owner", "renewal_manager", "current_subscription",
                         "renewal_subscription", "status"])
            u = t.portal_usage.c
            usage = pd.DataFrame.from_records(list(conn.execute(
                sa.select(u.month, u.product, u.app, u.used)
                .where(u.partner_id == partner_id, u.client_id == client_id)
                .order_by(u.month, u.product, u.app)
            )), columns=["month", "product", "app", "used"])
            e = t.engagement.c
            eng = pd.DataFrame.from_records(list(conn.execute(
                sa.select(e.month, e.score, e.drivers)
                .where(e.partner_id == partner_id, e.client_id == client_id)
                .order_by(e.month)
            )), columns=["month", "score", "drivers"])
        subs.insert(2, "mrr", [units_to_decimal(v) for v in subs.pop("mrr_units").tolist()])
        for frame, cols in ((subs, ("start_date", "renewal_date")), (ren, ("renewal_date",)),
                            (usage, ("month",)), (eng, ("month",))):
            for col in cols:
                frame[col] = frame[col].map(_as_date)
        if len(ren):
            days = self._decision_days(today())
            ren.insert(1, "decision_deadline",
                       ren["renewal_date"].map(lambda d: d - dt.timedelta(days=days)))
        else:
            ren.insert(1, "decision_deadline", pd.Series(dtype=object))
        usage["used"] = usage["used"].astype(bool)
        company["ended_on"] = _as_date(company.get("ended_on"))
        return ClientDetails(company=company, subscriptions=subs, renewals=ren, usage=usage,
                             engagement=eng)

    def _decision_days(self, on: dt.date) -> int:
        # Program data: the renewal decision deadline (45 days before renewal in the shipped rules).
        return int(self.rules.policy_value("renewal_decision_days_before", on))

    # -- F1.1 renewal alerts --------------------------------------------------------------------
    def renewals_due(self, partner_id: str, as_of: dt.date, days: int = 120) -> pd.DataFrame:
        """Renewals of active clients dated from `as_of` to `as_of + days`, soonest first.

        `decision_deadline` is the renewal date minus the rules' renewal_decision_days_before.
        """
        self.get_partner(partner_id)
        r, c = t.renewals.c, t.clients.c
        stmt = (
            sa.select(
                r.client_id, c.name.label("client_name"), r.renewal_date, r.owner,
                r.renewal_manager, r.current_subscription, r.renewal_subscription, r.status,
            )
            .select_from(t.renewals.join(
                t.clients, sa.and_(c.partner_id == r.partner_id, c.client_id == r.client_id)
            ))
            .where(
                r.partner_id == partner_id,
                r.renewal_date >= as_of,
                r.renewal_date <= as_of + dt.timedelta(days=days),
                sa.or_(c.status != "ended", c.ended_on.is_(None), c.ended_on > as_of),
            )
            .order_by(r.renewal_date, c.name, r.client_id)
        )
        f = self._frame(stmt)
        if f.empty:
            return pd.DataFrame(columns=RENEWAL_COLUMNS)
        f["renewal_date"] = f["renewal_date"].map(_as_date)
        gap = dt.timedelta(days=self._decision_days(as_of))
        f["decision_deadline"] = f["renewal_date"].map(lambda d: d - gap)
        return f.reindex(columns=RENEWAL_COLUMNS)

    # -- the point ledger -----------------------------------------------------------------------
    def load_ledger(self, partner_id: str, include_stopped: bool = False) -> Ledger:
        """The partner's ledger as the core's Ledger (amounts exact), ordered by date and event id.

        Managed snapshots of a client whose services ended are left out after the end date (End
        services stops future managed points); they stay stored, and come back on undo
        (`include_stopped=True` returns every stored row, e.g. for an export).
        """
        self.get_partner(partner_id)
        c = t.clients.c
        names = [col.name for col in t.ledger.columns if col.name != "partner_id"]
        with self.engine.connect() as conn:
            ended = {} if include_stopped else dict(conn.execute(
                sa.select(c.client_id, c.ended_on).where(
                    c.partner_id == partner_id, c.status == "ended", c.ended_on.is_not(None))
            ).all())
            # One plain query on the driver's cursor, read into columns: no per-row objects
            # beyond the driver's own tuples (1M rows: ~2.5x faster than rows into a frame).
            q = conn.dialect.identifier_preparer.quote
            sql = (f"SELECT {', '.join(q(n) for n in names)} FROM {q(t.ledger.name)} "
                   f"WHERE partner_id = {'?' if is_sqlite(self.engine) else '%s'} "
                   "ORDER BY date, event_id")
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                with gc_paused():
                    cursor.execute(sql, (partner_id,))
                    rows = cursor.fetchall()
            finally:
                cursor.close()
        with gc_paused():
            frame = _ledger_frame(names, rows)
            del rows
            if ended:
                stopped = _stopped(frame, ended)
                if stopped.any():
                    frame = frame[~stopped]
                    for name in frame.columns:
                        if isinstance(frame[name].dtype, pd.CategoricalDtype):
                            frame[name] = frame[name].cat.remove_unused_categories()
            return Ledger.from_frame(frame)

    # -- audit ----------------------------------------------------------------------------------
    def audit_log(self, partner_id: str) -> pd.DataFrame:
        self.get_partner(partner_id)
        a = t.audit_log.c
        cols = ["id", "at", "actor", "action", "entity", "entity_id", "details"]
        return self._frame(
            sa.select(*(a[x] for x in cols)).where(a.partner_id == partner_id).order_by(a.id),
            columns=cols,
        )

    # -- F1.3.4 End services --------------------------------------------------------------------
    def end_services(
        self, partner_id: str, client_id: str, reason: str, by: str, on: dt.date | None = None
    ) -> None:
        """Hide the client from the client list and stop its future managed points.

        Nothing is deleted; who, when and why go to the audit log; `undo_end_services` reverts it.
        """
        from partnerkit.safe_text import check_text

        reason = check_text((reason or "").strip(), "the reason", free_text=True)
        by = check_text((by or "").strip(), "who (--by)")
        if not reason:
            raise ValueError("end services: give a reason (it is kept in the audit log)")
        if not by:
            raise ValueError("end services: say who is ending services (kept in the audit log)")
        on = on or today()
        c = t.clients.c
        with write_tx(self.engine) as conn:
            self._require_partner(conn, partner_id)
            done = conn.execute(
                sa.update(t.clients)
                .where(c.partner_id == partner_id, c.client_id == client_id, c.status != "ended")
                .values(status="ended", ended_on=on, ended_by=by, ended_reason=reason)
            ).rowcount
            if not done:
                row = conn.execute(sa.select(c.ended_on, c.ended_by).where(
                    c.partner_id == partner_id, c.client_id == client_id)).first()
                if row is None:
                    raise UnknownClientError(partner_id, client_id)
                raise ValueError(
                    f"services for client {client_id!r} already ended on {row.ended_on} "
                    f"(by {row.ended_by}); undo that first"
                )
            record(conn, partner_id, by, "end_services", "client", client_id,
                   {"reason": reason, "ended_on": on.isoformat()})

    def undo_end_services(self, partner_id: str, client_id: str, by: str) -> None:
        from partnerkit.safe_text import check_text

        by = check_text((by or "").strip(), "who (--by)")
        if not by:
            raise ValueError("undo end services: say who is undoing it (kept in the audit log)")
        c = t.clients.c
        with write_tx(self.engine) as conn:
            self._require_partner(conn, partner_id)
            row = conn.execute(sa.select(c.status, c.ended_on, c.ended_by, c.ended_reason).where(
                c.partner_id == partner_id, c.client_id == client_id)).first()
            if row is None:
                raise UnknownClientError(partner_id, client_id)
            done = conn.execute(
                sa.update(t.clients)
                .where(c.partner_id == partner_id, c.client_id == client_id, c.status == "ended")
                .values(status="active", ended_on=None, ended_by=None, ended_reason=None)
            ).rowcount
            if not done:
                raise ValueError(f"services for client {client_id!r} have not been ended")
            record(conn, partner_id, by, "undo_end_services", "client", client_id, {
                "was_ended_on": str(_as_date(row.ended_on)), "was_ended_by": row.ended_by,
                "was_reason": row.ended_reason,
            })

    # -- report recipients (F5; issue 14): partnerkit/store/recipients.py -----------------------
    def report_recipients(self, partner_id: str) -> list[str]:
        from partnerkit.store.recipients import report_recipients

        return report_recipients(self, partner_id)

    def set_report_recipients(self, partner_id: str, recipients: Any, by: str) -> list[str]:
        """Replace who receives the monthly report by mail (recorded in the audit log)."""
        from partnerkit.store.recipients import set_report_recipients

        return set_report_recipients(self, partner_id, recipients, by)

    # -- partners -------------------------------------------------------------------------------
    def upsert_partner(self, partner: Partner, by: str = "partnerkit") -> None:
        """Create or update a partner (recorded in the audit log)."""
        from partnerkit.safe_text import check_id, check_text
        from partnerkit.store.writes import upsert_rows

        check_id(partner.partner_id)
        check_text(partner.name, "the partner name")
        if not partner.name.strip():
            raise ValueError("the partner name is empty; give the agency's name")
        values = {
            "partner_id": partner.partner_id, "name": partner.name, "country": partner.country,
            "currency": partner.currency, "certified_until": partner.certified_until,
            "joined_on": partner.joined_on, "credited_tier": partner.credited_tier,
            "credited_since": partner.credited_since,
        }
        if partner.hubspot_portal_id:  # none given: a stored portal id is kept, not wiped
            values["hubspot_portal_id"] = partner.hubspot_portal_id
        with write_tx(self.engine) as conn:
            upsert_rows(conn, t.partners, [values])
            record(conn, partner.partner_id, by, "upsert_partner", "partner", partner.partner_id,
                   {k: str(v) for k, v in values.items() if v is not None})
            if partner.credited_tier and partner.credited_since:
                # The credited tier given with the partner is its first history record (F2.1).
                from partnerkit.store.tier_history import check_record, write_record

                rec = check_record(self.rules, partner.credited_since, partner.credited_tier,
                                   "recorded", "")
                write_record(conn, partner.partner_id, rec, by, "add_tier_record")

    # -- F2.1 the credited-tier history (issue 12) ----------------------------------------------
    def tier_history(self, partner_id: str) -> list[Any]:
        """The partner's credited-tier records (TierRecord), oldest first."""
        from partnerkit.store.tier_history import read_history

        with self.engine.connect() as conn:
            self._require_partner(conn, partner_id)
            return read_history(conn, partner_id)

    def add_tier_record(self, partner_id: str, credited_from: dt.date, tier: str, by: str,
                        source: str = "recorded", note: str = "") -> Any:
        """Record the tier HubSpot credited from a date (audited); returns the TierRecord."""
        from partnerkit.store.tier_history import add_record

        return add_record(self, partner_id, credited_from, tier, by, source, note)

    def remove_tier_record(self, partner_id: str, credited_from: dt.date, by: str) -> None:
        from partnerkit.store.tier_history import remove_record

        remove_record(self, partner_id, credited_from, by)


def record(
    conn: Any, partner_id: str, actor: str, action: str, entity: str, entity_id: str,
    details: dict[str, Any],
) -> None:
    """Append one audit-log row inside the caller's transaction."""
    conn.execute(sa.insert(t.audit_log).values(
        partner_id=partner_id, at=dt.datetime.now(dt.UTC), actor=actor, action=action,
        entity=entity, entity_id=entity_id,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
    ))


_LEDGER_DATES = ("date", "first_sold")
_LEDGER_INTS = ("amount_units", "other_partners")


def _ledger_frame(names: list[str], rows: list[Any]) -> pd.DataFrame:
    """Driver rows to the Ledger frame's dtypes, column by column: repeated text and dates are
    converted once per distinct value (text as categories, as `Ledger.from_frame` keeps them)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    data: dict[str, Any] = {}
    for name, values in zip(names, columns, strict=True):
        if name in _LEDGER_INTS:
            data[name] = np.fromiter(values, dtype=np.int64, count=len(values))
            continue
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        if name in _LEDGER_DATES:
            days = pd.to_datetime(pd.Series([_as_date(u) for u in uniques.tolist()],
                                            dtype=object)).to_numpy(dtype="datetime64[ns]")
            out = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
            has = codes >= 0
            out[has] = days[codes[has]]
            data[name] = out
        elif name == "event_id":
            data[name] = np.asarray(values, dtype=object)
        else:  # categories sorted, as pandas' astype("category") makes them
            texts = [str(u) for u in uniques.tolist()]
            order = sorted(range(len(texts)), key=texts.__getitem__)
            rank = np.empty(len(order), dtype=codes.dtype)
            rank[order] = np.arange(len(order), dtype=codes.dtype)
            data[name] = pd.Categorical.from_codes(
                rank[codes], categories=pd.Index([texts[i] for i in order], dtype="str"))
    return pd.DataFrame(data, columns=names)


def _stopped(frame: pd.DataFrame, ended: dict[str, Any]) -> np.ndarray:
    """Managed snapshots dated after their client's services ended."""
    client = frame["client_id"]
    ended_on = pd.to_datetime(pd.Series(
        [_as_date(ended.get(str(cid))) for cid in client.cat.categories], dtype=object))
    day = ended_on.to_numpy(dtype="datetime64[ns]")[client.cat.codes.to_numpy()]
    managed = (frame["kind"] == "managed").to_numpy()
    with np.errstate(invalid="ignore"):
        return managed & ~np.isnat(day) & (frame["date"].to_numpy() > day)

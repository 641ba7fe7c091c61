"""How partnerkit objects show in a notebook (issue 17): a concise `repr` and a small HTML table.

One module renders every object so they read alike; the classes only call it (`_repr_html_`).
Pure: standard library and pandas only, no widgets; every value is HTML-escaped. Points show with
two decimals here; the exact Decimals stay on the objects (`.total_points`, `*_exact` columns).
Explanations may be plain strings or `partnerkit.messages.Message` values (rendered in English).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import Any

import pandas as pd

# Rows shown of a long table (a notebook cell is a summary; the data is on the object).
HEAD_ROWS = 5
MAX_LIST = 8
# Light-theme fallbacks behind JupyterLab's variables, so the tables read in Light and Dark.
_STYLE = ("font-family:var(--jp-ui-font-family,sans-serif);color:var(--jp-ui-font-color1,#1f2933);"
          "line-height:1.4")
_MUTED = "color:var(--jp-ui-font-color2,#52606d)"


def text(value: Any) -> str:
    """A line of an explanation: a Message in English, anything else as str."""
    english = getattr(value, "english", None)
    return str(english()) if callable(english) else str(value)


def pts(value: Any) -> str:
    """Points for a summary: 2 decimals, thousands separators, no binary noise."""
    if value is None:
        return "–"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{d.quantize(Decimal('0.01')):,}"


def day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "open"


def _cells(row: Sequence[Any], tag: str = "td") -> str:
    return "".join(f"<{tag} style=\"text-align:left;padding:2px 8px\">{escape(str(c))}</{tag}>"
                   for c in row)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    body = "".join(f"<tr>{_cells(r)}</tr>" for r in rows)
    return (f"<table class=\"pk-repr-table\"><thead><tr>{_cells(header, 'th')}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def card(title: str, summary: str, *parts: str) -> str:
    """One object: its title, a one-line summary and its tables (already escaped HTML)."""
    return (f"<div class=\"pk-repr\" style=\"{_STYLE}\"><strong>{escape(title)}</strong> "
            f"<span style=\"{_MUTED}\">{escape(summary)}</span>{''.join(parts)}</div>")


def lines(items: Iterable[Any], limit: int = 12) -> str:
    shown = [text(x) for x in items]
    more = len(shown) - limit
    body = "".join(f"<li>{escape(s)}</li>" for s in shown[:limit])
    tail = f"<li style=\"{_MUTED}\">… {more} more</li>" if more > 0 else ""
    return f"<ul style=\"margin:4px 0\">{body}{tail}</ul>"


def heading(label: str) -> str:
    return f"<div style=\"margin-top:6px;{_MUTED}\">{escape(label)}</div>"


def frame_head(frame: pd.DataFrame, columns: Sequence[str], rows: int = HEAD_ROWS) -> str:
    cols = [c for c in columns if c in frame.columns]
    head = frame[cols].head(rows)
    body = [[pts(v) if isinstance(v, (Decimal, float)) else v for v in r]
            for r in head.itertuples(index=False)]
    more = len(frame) - len(head)
    note = f"<div style=\"{_MUTED}\">… {more:,} more rows</div>" if more > 0 else ""
    return table(cols, body) + note


# --- points (F3) ---------------------------------------------------------------------------------

def estimate_repr(e: Any) -> str:
    return (f"PointsEstimate(total {pts(e.total_points)} = sold {pts(e.sold_points)} + managed "
            f"{pts(e.managed_points)}; {e.currency}, {e.market} market, {day(e.on)})")


def estimate_html(e: Any) -> str:
    rows = [("sold", pts(e.sold_points)), ("managed (a month)", pts(e.managed_points)),
            ("total", pts(e.total_points))]
    notes = lines(e.estimates) if e.estimates else ""
    return card("Points estimate", f"{e.currency} · {e.market} market · {day(e.on)}",
                table(["points", "value"], rows), heading("How"), lines(e.explanation), notes)


def conversion_repr(c: Any) -> str:
    return (f"Conversion(sold {pts(c.sold_points)} points = {pts(c.sold_value)} {c.currency}; "
            f"managed {pts(c.managed_points)} points = {pts(c.managed_value)} {c.currency}; "
            f"{c.market} market, {day(c.on)})")


def conversion_html(c: Any) -> str:
    rows = [("sold", pts(c.sold_points), pts(c.sold_value)),
            ("managed", pts(c.managed_points), pts(c.managed_value))]
    return card("Points and MRR", f"{c.currency} · {c.market} market · {day(c.on)}",
                table(["credit", "points", f"MRR ({c.currency})"], rows), lines(c.explanation))


# --- standing (F2) -------------------------------------------------------------------------------

def standing_repr(s: Any) -> str:
    return (f"Standing({day(s.as_of)}: total {pts(s.total_points)} = sold {pts(s.sold_points)} "
            f"(sourced {pts(s.sourced_points)}, assisted {pts(s.assisted_points)}) + managed "
            f"{pts(s.managed_points)}; {len(s.per_client):,} clients)")


def standing_html(s: Any) -> str:
    rows = [("sourced", pts(s.sourced_points)), ("assisted", pts(s.assisted_points)),
            ("sold", pts(s.sold_points)), ("managed", pts(s.managed_points)),
            ("total", pts(s.total_points)), ("expired", pts(s.expired_points))]
    rows += [(f"sold expiring within {d} days", pts(v)) for d, v in s.expiring.items()]
    month = day(s.managed_month) if s.managed_month else "none"
    clients = frame_head(s.per_client, ["client_name", "deal_type", "market", "sold", "managed",
                                        "total"]) if len(s.per_client) else ""
    return card("Standing", f"on {day(s.as_of)} · managed month {month} · "
                f"{len(s.per_client):,} clients", table(["points", "value"], rows),
                heading("Clients, most points first") if clients else "", clients)


def ledger_repr(ledger: Any) -> str:
    f = ledger.frame
    if not len(f):
        return "Ledger(empty)"
    sold = int((f["kind"] == "sold").sum())
    return (f"Ledger({len(f):,} rows: {sold:,} sold, {len(f) - sold:,} managed; "
            f"{f['client_id'].nunique():,} clients; {_span(f)})")


def _span(f: pd.DataFrame) -> str:
    dates = pd.to_datetime(f["date"])
    return f"{dates.min().date().isoformat()} to {dates.max().date().isoformat()}"


def ledger_html(ledger: Any) -> str:
    f = ledger.frame
    if not len(f):
        return card("Ledger", "empty")
    head = f.head(HEAD_ROWS).copy()
    head["date"] = pd.to_datetime(head["date"]).dt.date
    head["amount"] = [pts(Decimal(int(u)) / 10_000) for u in head["amount_units"]]
    return card("Ledger", ledger_repr(ledger)[len("Ledger("):-1],
                frame_head(head, ["kind", "client_name", "date", "deal_type", "amount",
                                  "currency", "country"]),
                f"<div style=\"{_MUTED}\">… {len(f) - len(head):,} more rows</div>"
                if len(f) > len(head) else "")


# --- tiers (F1) ----------------------------------------------------------------------------------

def performance_repr(p: Any) -> str:
    nxt = f"; next {p.next_tier}" if p.next_tier else ""
    return f"TierPerformance({day(p.on)}: performs at {p.tier_label}{nxt})"


def _requirement_rows(p: Any) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for tier in p.ladder:
        for r in p.requirements.get(tier, []):
            if r.required is None:
                rows.append((tier, r.name, "–", "–", "yes" if r.met else "no"))
                continue
            rows.append((tier, r.name, pts(r.required), pts(r.actual),
                         "yes" if r.met else f"short by {pts(r.gap)}"))
    return rows


def performance_html(p: Any) -> str:
    nxt = f" · next tier {p.next_tier}" if p.next_tier else ""
    return card("Tier performance", f"on {day(p.on)}: {p.tier_label}{nxt}",
                table(["tier", "requirement", "minimum", "you have", "met"],
                      _requirement_rows(p)))


def credited_repr(c: Any) -> str:
    return (f"CreditedTier({c.tier} since {day(c.since)}, as of {day(c.as_of)}; performs at "
            f"{c.performance.tier_label}; next review {day(c.next_review)}: "
            f"{c.next_review_tier})")


def credited_html(c: Any) -> str:
    rows = [("credited tier", c.tier), ("since", day(c.since)), ("held until", day(c.held_until)),
            ("performs at", c.performance.tier_label), ("next review", day(c.next_review)),
            ("tier after the review", c.next_review_tier),
            ("review outcome", text(c.next_review_outcome))]
    changes = [(day(ch.on), ch.from_tier, ch.to_tier, text(ch.reason))
               for ch in list(c.changes)[-MAX_LIST:]]
    return card("Credited tier", f"{c.tier} as of {day(c.as_of)}", table(["", ""], rows),
                heading("Latest tier changes") if changes else "",
                table(["on", "from", "to", "why"], changes) if changes else "")


# --- rules ---------------------------------------------------------------------------------------

def rulebook_repr(r: Any) -> str:
    sources = ", ".join(r.sources) or "program-rules.toml"
    return (f"Rulebook({sources}: {len(r.rates)} rates, {len(r.currencies_)} currencies, "
            f"{len(r.growth_markets)} growth markets, {len(r.tiers)} tier rows, "
            f"{len(r.policies)} policies; tiers {', '.join(r.tier_names)})")


def rulebook_html(r: Any, on: dt.date | None = None) -> str:
    on = on or dt.date.today()
    live = [x for x in r.rates if x.in_force(on)]
    rates = table(["credit", "market", "points per US$100", "from", "provenance"],
                  [(x.credit, x.market, x.points_per_100, day(x.effective_from), x.provenance)
                   for x in live])
    ccy = [x for x in r.currencies_ if x.in_force(on)]
    currencies = table(["currency", "amount per US$100", "from", "provenance"],
                       [(x.currency, f"{x.local_per_100:,}", day(x.effective_from), x.provenance)
                        for x in ccy])
    growth = sorted(x.country for x in r.growth_markets if x.in_force(on) and x.growth)
    tiers = table(["tier", "total", "sold", "managed", "from", "provenance"],
                  [(t.tier, pts(t.total_min), f"{pts(t.sold_min)} ({t.sold_min_counts})",
                    pts(t.managed_min), day(t.effective_from), t.provenance)
                   for t in r.tier_ladder(on)])
    policies = [x for x in r.policies if x.in_force(on)]
    policy = table(["policy", "value"], [(x.key, _short(x.value)) for x in policies])
    return card("Program rules", f"in force on {day(on)} · {', '.join(r.sources) or 'shipped'}",
                heading(f"Rates ({len(live)} of {len(r.rates)} rows)"), rates,
                heading(f"Currency amounts ({len(ccy)} currencies)"), currencies,
                heading(f"Growth markets ({len(growth)})"),
                f"<div>{escape(', '.join(growth))}</div>",
                heading("Tier minimums"), tiers, heading(f"Policies ({len(policies)})"), policy)


def _short(value: Any, limit: int = 60) -> str:
    s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"

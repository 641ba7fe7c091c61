"""CLI for the core (F2, F3): `points`, `convert`, `tier`, `rules`.

JSON output is a stable contract.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit import dates
from partnerkit.explain import fmt_points
from partnerkit.messages import Message, messages_json, msg

if TYPE_CHECKING:  # the engine (pandas, numpy) loads in the handlers: `tier --help` stays fast
    from partnerkit.ledger import Ledger
    from partnerkit.program_progress import ProgramProgress
    from partnerkit.rules import Rulebook
    from partnerkit.tier_history import TierRecord
    from partnerkit.tiers import CreditedTier

AS_OF_ENV = "PARTNERKIT_AS_OF"


def today() -> dt.date:
    """Today, or $PARTNERKIT_AS_OF (fixed dates for tests and reproducible reports); a bad value
    names the variable."""
    return dates.today()


def date_arg(text: str) -> dt.date:
    """A date argument: YYYY-MM-DD within 2000-2100 (argparse names the option)."""
    try:
        return dates.parse_date(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def locale_arg(text: str) -> str:
    from partnerkit.ui.i18n import normalise_language

    try:
        return normalise_language(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _rules(args: argparse.Namespace) -> Rulebook:
    from partnerkit.rules_io import load_rules

    return load_rules(getattr(args, "rules", None))


class _Text:
    """The CLI's words in the chosen language (--locale): labels through the "cli" catalogue,
    core messages through the shared renderer, numbers and dates with Babel. English (the
    default) keeps the historical text exactly: ISO dates and points like 1,234.5."""

    def __init__(self, locale: str | None) -> None:
        from partnerkit.ui.i18n import normalise_language, translator

        self.code = normalise_language(locale)
        self.t = translator(self.code, "cli")

    @property
    def english(self) -> bool:
        return self.code == "en"

    def __call__(self, text: str, **fields: Any) -> str:
        return self.t(text, **fields)

    def points(self, value: Decimal) -> str:
        if self.english:
            return fmt_points(value)
        from babel.numbers import format_decimal

        return str(format_decimal(value.quantize(Decimal("0.01")), format="#,##0.##",
                                  locale=self.t.locale))

    def date(self, day: dt.date) -> str:
        return day.isoformat() if self.english else self.t.date(day)

    def money(self, amount: Decimal, currency: str) -> str:
        return f"{amount:,.2f} {currency}" if self.english else self.t.money(amount, currency)

    def tier(self, name: str) -> str:
        from partnerkit.messages import Term
        from partnerkit.ui.message_text import term_text

        return term_text(Term("tier", name), self.code)

    def term(self, kind: str, value: str) -> str:
        from partnerkit.messages import Term
        from partnerkit.ui.message_text import term_text

        return term_text(Term(kind, value), self.code)

    def message(self, message: Message) -> str:
        from partnerkit.ui.message_text import render

        return render(message, self.code)

    def labelled(self, rows: list[tuple[str, str]], indent: str = "") -> list[str]:
        """'Label:  value' rows with the values aligned (labels differ in length per language)."""
        width = max(len(label) for label, _ in rows) + 2
        return [f"{indent}{(label + ':').ljust(width)}{value}" for label, value in rows]


def _emit(args: argparse.Namespace, payload: dict[str, Any], lines: list[str]) -> int:
    if args.json:
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        print("\n".join(lines))
    return 0


def _common(p: argparse.ArgumentParser, *, amount: bool = True) -> None:
    p.add_argument("--currency", required=True, help="the client's currency (ISO 4217, e.g. EUR)")
    p.add_argument("--country", required=True,
                   help="the client's country (ISO 3166 alpha-2, e.g. PT); decides the market")
    p.add_argument("--deal-type", choices=["sourced", "assisted"], default="sourced",
                   help="partner sourced or partner assisted (default: sourced)")
    p.add_argument("--date", type=date_arg, default=None,
                   help="the deal date; decides which rules apply (default: today)")
    p.add_argument("--first-sold", type=date_arg, default=None,
                   help="for an upsell: when the product line was first sold (the 2024-02-27 rule)")
    p.add_argument("--other-partners", type=int, default=0,
                   help="how many OTHER partners also manage this client (managed points split)")
    p.add_argument("--rules",
                   help="your rules file overriding the shipped one (or PARTNERKIT_RULES)")
    _output_options(p)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true",
                   help="machine-readable output (English 'explanation' plus "
                   "'explanation_messages' as {id, args} for other tools)")
    p.add_argument("--locale", default=None, type=locale_arg,
                   help="language of the text output: en (default), pt_PT or pt_BR")


def _how(t: _Text, explanation: list[Message], estimates: list[Message]) -> list[str]:
    lines = ["", t("How this was computed:")]
    lines += [f"  - {t.message(m)}" for m in explanation]
    return lines + [f"  ! {t.message(m)}" for m in estimates]


def cmd_points(args: argparse.Namespace) -> int:
    from partnerkit.points import estimate_points

    rules = _rules(args)
    if args.other_partners and not args.manage:
        raise ValueError("--other-partners needs --manage (managed points are what is split)")
    e = estimate_points(args.amount, args.currency, args.country, args.deal_type,
                        args.date or today(), rules, args.first_sold, args.manage,
                        args.other_partners)
    t = _Text(args.locale)
    lines = t.labelled([(t("Total points"), t.points(e.total_points)),
                        (t("Sold points"), t.points(e.sold_points)),
                        (t("Managed points"), t.points(e.managed_points))])
    lines += _how(t, e.explanation_messages, e.estimate_messages)
    return _emit(args, e.as_json(), lines)


def cmd_convert(args: argparse.Namespace) -> int:
    from partnerkit.points import currency_to_points, points_to_currency

    rules = _rules(args)
    t = _Text(args.locale)
    on = args.date or today()
    if args.to == "currency":
        if args.sold_value is not None or args.managed_value is not None:
            raise ValueError("--to currency takes --sold-points and --managed-points")
        c = points_to_currency(args.sold_points or "0", args.managed_points or "0", args.currency,
                               args.country, args.deal_type, on, rules, args.first_sold,
                               args.other_partners)
        lines = t.labelled([(t("Sold value"), t.money(c.sold_value, c.currency)),
                            (t("Managed value"), t.money(c.managed_value, c.currency))])
    else:
        if args.sold_points is not None or args.managed_points is not None:
            raise ValueError("--to points takes --sold-value and --managed-value")
        c = currency_to_points(args.sold_value or "0", args.managed_value or "0", args.currency,
                               args.country, args.deal_type, on, rules, args.first_sold,
                               args.other_partners)
        lines = t.labelled([(t("Sold points"), t.points(c.sold_points)),
                            (t("Managed points"), t.points(c.managed_points)),
                            (t("Total points"), t.points(c.total_points))])
    lines += _how(t, c.explanation_messages, c.estimate_messages)
    return _emit(args, c.as_json(args.to), lines)


def _load_ledger(args: argparse.Namespace) -> tuple[Ledger, dict[str, Any]]:
    """The ledger from --ledger FILE.csv, or from the database for --partner ID."""
    if args.ledger:
        # The columnar reader, with the bounds; `import --kind ledger` reads CSVs the same way.
        from partnerkit.ledger_files import read_ledger_file

        return read_ledger_file(args.ledger)[0], {}
    if not args.partner:
        raise ValueError("give --ledger FILE.csv or --partner ID (from the database)")
    from partnerkit.store import open_store  # the store is a shell; imported only when used

    store = open_store(args.db, read_only=True)
    try:
        p = store.get_partner(args.partner)
        info = {"history": store.tier_history(args.partner),
                "certified_until": p.certified_until, "joined_on": p.joined_on, "name": p.name,
                "data_until": store.data_as_of(args.partner), "currency": p.currency}
        return store.load_ledger(args.partner), info
    finally:
        store.close()


def tier_records(credited: str | None, since: dt.date | None) -> list[TierRecord]:
    """--credited/--credited-since as a one-record history (what HubSpot credited)."""
    from partnerkit.tier_history import TierRecord

    return [TierRecord(since, credited)] if credited and since else []


def standing_payload(rules: Rulebook, ledger: Ledger, as_of: dt.date,
                     history: list[TierRecord], certified_until: dt.date | None,
                     joined_on: dt.date | None = None, data_until: dt.date | None = None,
                     currency: str | None = None,
                     locale: str | None = None) -> tuple[dict[str, Any], list[str]]:
    from partnerkit.program_progress import program_progress
    from partnerkit.progress import partner_currency
    from partnerkit.risks import tier_risks
    from partnerkit.standing import Valuation, compute_standing
    from partnerkit.tier_history import credited_on
    from partnerkit.tiers import evaluate_tier

    s = compute_standing(ledger, as_of, rules)
    progress = program_progress(s.valuation or ledger, as_of, rules,
                                currency or partner_currency(ledger))
    perf = evaluate_tier(s, as_of, rules, certified_until, retention=progress.retention)
    v = s.valuation or Valuation(ledger, rules)
    cr = credited_on(v, rules, history, as_of, certified_until)
    ct: CreditedTier | None = cr.detail
    risks = tier_risks(v, rules, as_of, cr, certified_until, joined_on)
    last_day = data_until or last_ledger_date(ledger)
    projection = last_day is not None and as_of > last_day
    extra = [msg("credited.projection", date=as_of, last=last_day)] if projection else []
    explanation: list[Message] = [
        *s.explanation_messages, *perf.explanation_messages,
        *(ct.explanation_messages if ct else []), cr.message,
        *(x for r in risks for x in (r.message, *r.explanation)), *progress.explanation, *extra]
    num = float
    payload: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "sourced_points": num(s.sourced_points), "assisted_points": num(s.assisted_points),
        "sold_points": num(s.sold_points), "managed_points": num(s.managed_points),
        "total_points": num(s.total_points), "expired_points": num(s.expired_points),
        "expiring_points": {str(k): num(v) for k, v in s.expiring.items()},
        "performance_tier": perf.tier_label,
        "next_tier": perf.next_tier,
        "gaps": {t: [{"requirement": r.name,
                      "required": None if r.required is None else num(r.required),
                      "actual": None if r.actual is None else num(r.actual), "gap": num(r.gap),
                      "met": r.met, "provenance": r.ref.provenance if r.ref else None}
                     for r in perf.gap_to(t)] for t in perf.ladder},
        "credited_tier": cr.tier,
        "credited_since": cr.since.isoformat() if cr.since else None,
        "credited_tier_basis": cr.basis,
        "tier_changes": [{"date": c.on.isoformat(), "from": c.from_tier, "to": c.to_tier,
                          "reason": c.reason, "reason_message": c.reason_message.to_json()}
                         for c in ct.changes] if ct else [],
        "next_review": ct.next_review.isoformat() if ct else None,
        "next_review_outcome": ct.next_review_outcome if ct else None,
        "next_review_message": ct.next_review_message.to_json() if ct else None,
        "risks": [r.as_json() for r in risks],
        "projection": projection,
        **progress.as_json(),
        "rules": [r.version for r in s.rules_used],
        "explanation": [_text(x) for x in explanation],
        "explanation_messages": messages_json(explanation),
    }
    t = _Text(locale)
    lines = [
        t("Standing on {date}", date=t.date(as_of))
        + (t(" (projection: no new deals assumed)") if projection else ""),
        t("  Sold points:     {sold}  (sourced {sourced}, assisted {assisted})",
          sold=t.points(s.sold_points), sourced=t.points(s.sourced_points),
          assisted=t.points(s.assisted_points)),
        t("  Managed points:  {points}", points=t.points(s.managed_points)),
        t("  Total points:    {points}", points=t.points(s.total_points)),
        t("  Expiring in 30/60/90 days: {points}",
          points=" / ".join(t.points(s.expiring[d]) for d in (30, 60, 90))),
        t("Performance tier: {tier}", tier=t.tier(perf.tier_label)),
    ]
    if ct:
        lines.append(t("Credited tier:    {credited} [{basis}]", credited=t.message(cr.message),
                       basis=t.term("credited_basis", cr.basis)))
        lines.append(t("Next review {date}: {outcome}", date=t.date(ct.next_review),
                       outcome=t.message(ct.next_review_message)))
    elif history or cr.first_recorded:
        lines.append(t("Credited tier:    {credited}", credited=t.message(cr.message)))
    lines.append(t("Risks:") if risks else t.message(msg("risk.none")))
    lines += [f"  ! {t.date(r.date)} {t.message(r.message)}" for r in risks]
    lines += progress_lines(progress, t)
    if perf.next_tier:
        lines.append(t("To reach {tier}:", tier=perf.next_tier))
        lines += [f"  - {t.message(r.message()).strip()}" for r in perf.gap_to(perf.next_tier)]
    lines += ["", t("How this was computed:")] + [f"  - {t.message(m)}" for m in explanation]
    return payload, lines


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[Decimal | None]) -> str:
    """One character per month from the lowest tenth shown to 100 % (or the highest value, under
    the net policy); a month without a value is a dot."""
    shown = [v for v in values if v is not None]
    if not shown:
        return "·" * len(values)
    lo = min(Decimal(int(min(shown) * 10)) / 10, Decimal("0.9"))
    hi = max(max(shown), Decimal(1))
    top = len(_BARS) - 1
    return "".join("·" if v is None else _BARS[int((v - lo) / (hi - lo) * top + Decimal("0.5"))]
                   for v in values)


def _pct(value: Decimal | None, t: _Text | None = None) -> str:
    t = t or _Text(None)
    if value is None:
        return t("not recorded")
    return f"{value * 100:.1f} %" if t.english else f"{t.t.decimal(value * 100, 1)} %"


def progress_lines(p: ProgramProgress, t: _Text | None = None) -> list[str]:
    """Program Progress in the text output (issue 18), in the --locale language (issue 13)."""
    t = t or _Text(None)
    r = p.retention

    def money(m: Any) -> str:
        if not t.english:
            usd = t.t.money(m.usd, "USD")
            return usd if m.currency == "USD" else f"{usd} = {t.t.money(m.amount, m.currency)}"
        usd = f"US$ {m.usd:,.2f}"
        return usd if m.currency == "USD" else f"{usd} = {m.currency} {m.amount:,.2f}"
    first, last = r.months[0].label, r.months[-1].label
    expansion = t("gross") if r.expansion == "gross" else t("net")
    return [
        t("Program Progress (partnerkit's reading of HubSpot's figures)"),
        t("  12-month sourced MRR:   {value}", value=money(p.sourced)),
        t("  12-month assisted MRR:  {value}", value=money(p.assisted)),
        t("  Customer dollar retention, 12-month average ({expansion}): {value}",
          expansion=expansion, value=_pct(r.average_12m, t)),
        f"    {first} {sparkline(r.values)} {last}  "
        + t("(latest month: {value})", value=_pct(r.months[-1].value, t)),
    ]


def last_ledger_date(ledger: Ledger) -> dt.date | None:
    """The last date the ledger covers: a later as-of is a projection (no new deals)."""
    import pandas as pd

    last = ledger.frame["date"].max() if len(ledger.frame) else None
    return None if last is None or pd.isna(last) else pd.Timestamp(last).date()


def _text(x: object) -> str:
    """English text of a message or a plain string (explanations may be either)."""
    return x.english() if isinstance(x, Message) else str(x)


def cmd_tier(args: argparse.Namespace) -> int:
    rules = _rules(args)
    ledger, info = _load_ledger(args)
    as_of = args.as_of or today()
    cert = args.certified_until or info.get("certified_until")
    joined = getattr(args, "joined_on", None) or info.get("joined_on")
    if args.credited and not args.credited_since:
        raise ValueError("--credited needs --credited-since DATE (when that tier was credited)")
    if args.credited_since and not args.credited:
        raise ValueError("--credited-since needs --credited TIER (the tier credited that day)")
    if args.credited:
        rules.tier_rank(args.credited)  # a clear error for an unknown tier name
        history = tier_records(args.credited, args.credited_since)
    else:
        history = list(info.get("history") or [])
    currency = args.currency or info.get("currency")
    if currency:
        currency = currency.strip().upper()
        rules.currency_rule(currency, as_of)  # a clear error for a currency without an amount
    payload, lines = standing_payload(rules, ledger, as_of, history, cert, joined,
                                      info.get("data_until"), currency, args.locale)
    if info.get("name"):
        payload["partner"] = {"id": args.partner, "name": info["name"]}
        lines.insert(0, _Text(args.locale)("Partner: {name} ({id})", name=info["name"],
                                           id=args.partner))
    return _emit(args, payload, lines)


def cmd_rules(args: argparse.Namespace) -> int:
    rules = _rules(args)
    on = args.date or today()
    ladder = rules.tier_ladder(on)
    payload = {
        "date": on.isoformat(), "sources": list(rules.sources),
        "currencies": {c: str(rules.currency_rule(c, on).local_per_100)
                       for c in rules.currencies(on)},
        "growth_markets": sorted(rules.growth_countries(on)),
        "tiers": [{"tier": t.tier, "total_min": str(t.total_min), "sold_min": str(t.sold_min),
                   "sold_min_counts": t.sold_min_counts,
                   "managed_min": None if t.managed_min is None else str(t.managed_min),
                   "provenance": t.provenance} for t in ladder],
    }
    lines = [f"Rules in force on {on.isoformat()} ({', '.join(rules.sources)})", "Tiers:"]
    lines += [f"  {t.tier:9} total {t.total_min:>6}  {t.sold_min_counts} {t.sold_min:>6}  managed "
              f"{t.managed_min if t.managed_min is not None else '-':>6}  [{t.provenance}]"
              for t in ladder]
    lines.append("Currency amounts counting as US$100:")
    lines += [f"  {c} {rules.currency_rule(c, on).local_per_100:>10}  "
              f"[{rules.currency_rule(c, on).provenance}]" for c in rules.currencies(on)]
    lines.append("Growth markets: " + " ".join(sorted(rules.growth_countries(on))))
    return _emit(args, payload, lines)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("points", help="points a deal is worth (F3.1)",
                       description="What a deal is worth in sold points, plus managed points if "
                       "you also manage the client (F3.1). Example: partnerkit points "
                       "--amount 1000 --currency USD --country US --deal-type sourced --manage")
    p.add_argument("--amount", required=True, help="MRR sold, in the client's currency")
    p.add_argument("--manage", action="store_true", help="you will also manage this client")
    _common(p)
    p.set_defaults(handler=cmd_points)

    c = sub.add_parser("convert", help="points <-> currency (F3.2)",
                       description="Convert points to the MRR that earns them, or MRR to points "
                       "(F3.2).")
    c.add_argument("--to", choices=["currency", "points"], required=True)
    c.add_argument("--sold-points")
    c.add_argument("--managed-points")
    c.add_argument("--sold-value")
    c.add_argument("--managed-value")
    _common(c)
    c.set_defaults(handler=cmd_convert)

    t = sub.add_parser("tier", help="standing and tier from a ledger or the database (F2)",
                       description="Points standing, performance tier, credited tier through "
                       "reviews, gaps and expiring points, from a ledger CSV (see README "
                       "'Ledger CSV') or a partner in the database.")
    t.add_argument("--ledger", help="a ledger CSV file")
    t.add_argument("--partner", help="a partner id in the database (see 'partnerkit partners')")
    t.add_argument("--db", help="database URL (default: PARTNERKIT_DB or the local database)")
    t.add_argument("--as-of", type=date_arg, help="the date to stand on (default: today)")
    t.add_argument("--credited", help="your credited tier (Gold, Platinum, Diamond, Elite)")
    t.add_argument("--credited-since", type=date_arg, help="when it was credited")
    t.add_argument("--certified-until", type=date_arg,
                   help="when your Solutions Partner certification expires")
    t.add_argument("--currency",
                   help="your currency for the 12-month MRR figures (default: the partner's in "
                   "the database, else the ledger's only currency, else USD)")
    t.add_argument("--joined-on", type=date_arg,
                   help="when you joined the program (warns before the reach-Gold deadline)")
    t.add_argument("--rules", help="your rules file (or PARTNERKIT_RULES)")
    _output_options(t)
    t.set_defaults(handler=cmd_tier)

    r = sub.add_parser("rules", help="show the program rules in force on a date",
                       description="Show tiers, currency amounts and growth markets in force.")
    r.add_argument("--date", type=date_arg)
    r.add_argument("--rules", help="your rules file (or PARTNERKIT_RULES)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_rules)


__all__ = ["Decimal", "register"]

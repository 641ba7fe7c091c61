"""Explanations as data (issue 13): a message id plus typed arguments, never an English sentence.

The core returns `Message` values; the shells (CLI, widgets, reports) render them in the user's
language through the gettext catalogues and Babel formats (the shells' `ui/message_text.py`).
The English template of every id lives in `ENGLISH` below: it is the gettext msgid (domain
"messages"), the CLI's default text and the `explanation` strings of `--json`.

Arguments are typed, so each shell formats them for its locale:
- `Decimal` (points, rates), `int`, `datetime.date`;
- `str` for ISO codes, ids and data the program does not translate;
- `Term(kind, value)` for a program word the shells translate (a deal type, a requirement,
  a market, a provenance, a tier name - "Untiered" is translated, tier names are kept);
- money as an object with `amount` (Decimal) and `currency` (ISO code), e.g.
  `partnerkit.money.Money`: the shells format it with Babel from (amount, currency);
- a nested `Message` (a reason inside "review {date}: {why}"), or a list of any of these.

A placeholder's format spec says how to show a number, the same in every language:
`{x}` a Decimal with up to 2 decimals, an int with grouping, money with 2 decimals;
`{x:points}` points (up to 2 decimals), `{x:.2f}` two decimals, `{x:,}` a number or money as
given, with grouping; `{x:month}` a date shown as its month; `{x:us}` money in US dollars as
"US$12.5"; `{x:.2}` money rounded to cents. English keeps the historical text exactly (ISO dates,
"1,000 BRL").

This module imports only the standard library (the core is pure).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Term:
    """A program word the shells translate: kind is e.g. "deal_type", "requirement", "market",
    "provenance", "tier"; value is the stored code ("sourced", "managed")."""

    kind: str
    value: str

    def __str__(self) -> str:
        return english_term(self)


@dataclass(frozen=True, slots=True)
class Message:
    """One line of an explanation: `id` names the sentence, `args` fill its placeholders."""

    id: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """`{id, args}` with JSON-safe args (Decimal as string, dates ISO) for other tools."""
        return {"id": self.id, "args": {k: _json_arg(v) for k, v in self.args.items()}}

    def english(self) -> str:
        """The English sentence (the CLI's default and the JSON `explanation` strings)."""
        return render_plain(self, ENGLISH)

    def __str__(self) -> str:
        return self.english()


def msg(id: str, **args: Any) -> Message:
    """Build a message; the id must have an English template (checked by a unit test)."""
    return Message(id, args)


def english_lines(messages: list[Message]) -> list[str]:
    return [m.english() for m in messages]


def messages_json(messages: list[Message]) -> list[dict[str, Any]]:
    return [m.to_json() for m in messages]


def is_money(value: Any) -> bool:
    return isinstance(getattr(value, "amount", None), Decimal) and isinstance(
        getattr(value, "currency", None), str)


def _json_arg(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Term):
        return {"term": value.kind, "value": value.value}
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, (list, tuple)):
        return [_json_arg(v) for v in value]
    if is_money(value):
        return {"amount": str(value.amount), "currency": value.currency}
    return value


def points_text(value: Any) -> str:
    """Points for English text: up to 2 decimals, no trailing zeros, comma grouping."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{d.quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class PlainFormatter(string.Formatter):
    """English (locale-free) argument formatting; the historical explanation text."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return value.english()
        if isinstance(value, Term):
            return english_term(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(self.format_field(v, format_spec) for v in value)
        if is_money(value):
            amount: Decimal = value.amount
            if format_spec == "us":
                return f"US${points_text(amount)}"
            if format_spec == ".2":
                return f"{amount.quantize(Decimal('0.01')):,} {value.currency}"
            if format_spec == ",":  # the amount as given ("1,000.5 BRL")
                return f"{amount:,} {value.currency}"
            return f"{amount:,.2f} {value.currency}"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if format_spec == "points" or (format_spec == "" and isinstance(value, Decimal)):
            return points_text(value)
        if isinstance(value, int) and format_spec == "":
            return f"{value:,}"
        if isinstance(value, dt.date):
            return value.isoformat()  # also for "month": the English text has always been ISO
        return format(value, format_spec)


_PLAIN = PlainFormatter()


def plain_arg(value: Any) -> str:
    """One argument in English (for callers that show an argument alone)."""
    return _PLAIN.format_field(value, "")


def render_plain(message: Message, templates: Mapping[str, str]) -> str:
    """Fill a template with locale-free arguments (English; shells use their own formatter)."""
    template = templates.get(message.id, message.id)
    return _PLAIN.vformat(template, (), dict(message.args))


def english_term(term: Term) -> str:
    return TERMS.get(term.kind, {}).get(term.value, term.value)


# The program words the shells translate, by kind: stored code -> English word (the gettext
# msgid, with the kind as msgctxt). A code missing here is shown as itself (tier names, data).
TERMS: dict[str, dict[str, str]] = {
    "deal_type": {"sourced": "sourced", "assisted": "assisted", "managed": "managed"},
    "market": {"standard": "standard", "growth": "growth"},
    "provenance": {
        "hubspot": "HubSpot",
        "derived": "derived by partnerkit",
        "estimate": "partnerkit estimate",
        "user": "your rules file",
    },
    "requirement": {"total": "total", "sold": "sold", "sourced": "sourced", "managed": "managed"},
    "rule_table": {"rates": "rates", "currencies": "currencies",
                   "growth_markets": "growth_markets", "tiers": "tiers", "policy": "policy"},
    "tier": {"Untiered": "Untiered"},
    "renewal_status": {"pending": "pending", "confirmed": "confirmed", "renewed": "renewed",
                       "cancellation requested": "cancellation requested",
                       "cancellation_requested": "cancellation requested"},
    "credited_basis": {"recorded": "recorded", "computed": "computed",
                       "not recorded": "not recorded"},
}

# The English template of every message id: the gettext msgid of each. Add new ids here, with
# their translations in the catalogues (a test fails on an id without a template or a translation).
ENGLISH: dict[str, str] = {
    # points.py (F3)
    "points.to_usd": "{amount:,} = {usd:us} at the program amount {per_100:,} per US$100 "
                     "({provenance})",
    "points.market": "client country {country}: {market} market",
    "points.sold_rate": "{deal_type} rate {rate} points per US$100 (in force {since}) -> "
                        "{points:points} sold points",
    "points.sold_rate_first_sale": "{deal_type} rate {rate} points per US$100 (in force {since}; "
                                   "decided by the product line's first sale on {first_sold}) -> "
                                   "{points:points} sold points",
    "points.managed_rate": "managed rate {rate} points per US$100 -> {whole:points} -> "
                           "{points:points} managed points a month",
    "points.managed_rate_split": "managed rate {rate} points per US$100 -> {whole:points}, split "
                                 "among {partners} partners -> {points:points} managed points a "
                                 "month",
    "points.total": "total {points:points} points",
    "convert.sold_to_currency": "{points:points} {deal_type} points / {rate} per US$100 x "
                                "{per_100:,} = {value:.2} MRR",
    "convert.managed_to_currency": "{points:points} managed points / {rate} per US$100 x "
                                   "{per_100:,} = {value:.2} MRR",
    "convert.managed_to_currency_split": "{points:points} managed points x {partners} partners / "
                                         "{rate} per US$100 x {per_100:,} = {value:.2} MRR",
    "convert.sold_to_points": "{value:,} / {per_100:,} per US$100 x {rate} ({deal_type}) = "
                              "{points:points} sold points",
    "convert.managed_to_points": "{value:,} / {per_100:,} per US$100 x {rate} (managed) = "
                                 "{points:points} managed points",
    "convert.managed_to_points_split": "{value:,} / {per_100:,} per US$100 x {rate} (managed) / "
                                       "{partners} partners = {points:points} managed points",
    "estimate.not_hubspot": "{table} {key} is {provenance}, not HubSpot's figure",
    "estimate.not_hubspot_note": "{table} {key} is {provenance}, not HubSpot's figure: {note}",
    # explain.py: a rules-file row
    "rule.describe": "{table} {key} (from {start}; {provenance}; {source})",
    "rule.describe_to": "{table} {key} (from {start} to {end}; {provenance}; {source})",
    # standing.py (F2)
    "standing.on": "standing on {date}",
    "standing.sold": "sourced {sourced:.2f} + assisted {assisted:.2f} = sold {sold:.2f} (sold "
                     "deals closed in the last {months} months)",
    "standing.sold_no_lifetime": "sourced {sourced:.2f} + assisted {assisted:.2f} = sold "
                                 "{sold:.2f} (sold deals closed)",
    "standing.managed": "managed {managed:.2f} (client MRR you service, month {month:month})",
    "standing.managed_no_month": "managed {managed:.2f} (client MRR you service, month none)",
    "standing.total": "total {total:.2f}; expired {expired:.2f}",
    "standing.rule": "rule {rule}",
    # tiers.py (F2.1-F2.5)
    "tier.performance": "performance on {date}: {tier}",
    "tier.requirement_met": "{tier} {requirement} minimum {required:points} ({provenance}): you "
                            "have {actual:points}, met",
    "tier.requirement_short": "{tier} {requirement} minimum {required:points} ({provenance}): "
                              "you have {actual:points}, short by {gap:points}",
    "tier.certification_valid": "{tier}: certification valid {note}",
    "tier.certification_not_valid": "{tier}: certification NOT valid {note}",
    "tier.certification_assumed": "(no certification date given: assumed valid)",
    "tier.certification_until": "(valid until {date})",
    "tier.invitation_only": "{tier} is by invitation; also needs: {needs} (not checked by "
                            "partnerkit)",
    "review.untiered": "untiered: nothing to review",
    "review.held": "{tier} is held until {until} ({months}-month hold)",
    "review.keeps": "keeps {tier}: met it in {met} of {checks} checks from {start} to {end}",
    "review.moves": "moves to {new}: {tier} was not met in any month from {start} to {end}; best "
                    "tier met was {best}",
    "review.certification_lapsed": "moves down to {new}: the Solutions Partner certification "
                                   "expired on {expired}, before the review",
    "credited.since": "credited {tier} since {since}",
    "credited.review": "review {date}: {why}",
    "credited.upgrade_reason": "performance at month end {date} met {tier}",
    "credited.upgrade": "upgrade {date}: {why}",
    "credited.next_review": "next review {date} if nothing changes: {why}",
}

# Program Progress (issue 18): 12-month sold MRR and customer dollar retention (C$R).
ENGLISH.update({
    "progress.sourced_mrr":
        "Sourced MRR of the last {months} months: {usd} = {amount} ({deals} deals with {clients} "
        "clients closed {start} to {end}; US$ at the program's currency amounts of each close "
        "date)",
    "progress.assisted_mrr":
        "Assisted MRR of the last {months} months, for context: {usd} = {amount} ({deals} deals "
        "with {clients} clients closed {start} to {end})",
    "progress.mrr_reading":
        "The 12-month sold MRR is partnerkit's reading of HubSpot's figure ({provenance}): "
        "HubSpot does not publish how it adds it up",
    "progress.mrr_client": "{client}: {usd} from {deals} deal(s)",
    "progress.more_clients": "and {n} more clients",
    "progress.rule": "rule {rule} ({provenance})",
    "retention.average":
        "Customer dollar retention (C$R), {months}-month average: {value} % ({valued} months "
        "with a value)",
    "retention.average_none":
        "Customer dollar retention (C$R): no month of the last {months} has a value",
    "retention.policy_gross":
        "Gross retention ({provenance}): each client managed {lookback} months earlier counts at "
        "most its MRR then; expansion does not count, churn and downgrades do",
    "retention.policy_net":
        "Net retention ({provenance}): each client managed {lookback} months earlier counts at "
        "its MRR now; expansion counts",
    "retention.conversion":
        "Each client is compared in its own currency; clients are added up in US$ at the "
        "program's currency amounts of the month; sharing a client with other partners does "
        "not change its MRR",
    "retention.month":
        "{month}: {value} %: {kept} of {base} kept from {clients} clients managed in "
        "{base_month} ({churned} churned, {downgraded} downgraded, {expanded} expanded)",
    "retention.month_no_base": "{month}: no value, no client was managed in {base_month}",
    "retention.month_not_recorded":
        "{month}: not recorded, the ledger has no managed snapshot in this month",
    "retention.client_churned": "{client} churned: {base} in {base_month}, {now} in {month}",
    "retention.client_downgraded":
        "{client} downgraded: {base} in {base_month}, {now} in {month}",
    "tier.retention_met":
        "{tier} customer retention minimum {required} % ({provenance}): you have {actual} % "
        "(12-month average), met",
    "tier.retention_short":
        "{tier} customer retention minimum {required} % ({provenance}): you have {actual} % "
        "(12-month average), short by {gap} points",
    "tier.retention_not_recorded":
        "{tier} customer retention minimum {required} % ({provenance}): not recorded (no month "
        "of the last 12 has a value), not met",
    "tier.retention_not_checked":
        "{tier} customer retention minimum {required} % ({provenance}): not checked here (no "
        "ledger to compute it from)",
})

# -- issue 12: credited-tier history and tier risks ------------------------------------------------
ENGLISH.update({
    "credited.not_recorded_before": "not recorded before {first}",
    "credited.never_recorded": "no credited tier recorded",
    "credited.recorded": "{tier}, {source} from {since}",
    "credited.computed": (
        "{tier} since {since}, computed from {recorded_tier} recorded on {recorded_from}: {reason}"
    ),
    "credited.first_recorded": "{tier}, first recorded on {since}",
    "credited.up_from": "{tier}, up from {previous} (since {since})",
    "credited.down_from": "{tier}, down from {previous} (since {since})",
    "credited.unchanged": "{tier}, unchanged from last month (since {since})",
    "credited.projection": "{date} is after the last ledger date {last}: a projection "
                           "(no new deals assumed)",
    "risk.below_minimum": (
        "On {date} your projected {requirement} points ({projected:points}) fall below "
        "{tier}'s minimum of {required:points}: short by {shortfall:points}"
    ),
    "risk.below_minimum_now": (
        "Your {requirement} points ({projected:points}) are already below {tier}'s minimum of "
        "{required:points}: short by {shortfall:points}"
    ),
    "risk.projection_basis": "projection from {as_of}: no new deals, sold points expire on their "
                             "dates, managed points stay at the latest month",
    "risk.review_downgrade": (
        "The review on {date} would move you from {tier} down to {to_tier}: {tier} is met in "
        "{met} of the window's {checks} checks (it needs {need}), no new deals assumed"
    ),
    "risk.review_downgrade_certification": (
        "The review on {date} would move you from {tier} down to {to_tier}: your Solutions "
        "Partner certification expires on {expires}, before it"
    ),
    "risk.certification_expired": (
        "Your Solutions Partner certification expired on {date}: {tier} needs a valid one"
    ),
    "risk.certification_expires_before_review": (
        "Your Solutions Partner certification expires on {date}, before the review on {review}: "
        "renew it to keep {tier}"
    ),
    "risk.certification_expires_soon": (
        "Your Solutions Partner certification expires on {date}, in {days} days: renew it to "
        "keep {tier}"
    ),
    "risk.points_expiring": (
        "{points:points} sold points expire on {date}; then your {requirement} points "
        "({projected:points}) no longer meet {tier}'s minimum of {required:points}"
    ),
    "risk.gold_deadline": (
        "Reach {tier} by {date} ({months} months after joining on {joined}): short by "
        "{shortfall:points} {requirement} points today"
    ),
    "risk.none": "Nothing is at risk: no tier minimum is missed in the projection",
})

# -- issue 12: gates partnerkit does not compute, shown with the tier's requirements ---------------
ENGLISH.update({
    "gate.invitation": "{tier} is by invitation from HubSpot (not checked by partnerkit)",
    "gate.other": "{tier} also needs {requirement} (not checked by partnerkit)",
})

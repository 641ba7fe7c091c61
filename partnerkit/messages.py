"""Explanations as data (issue 13): a message id plus typed arguments, never an English sentence.

The core returns `Message` values; the shells (CLI, widgets, reports) render them in the user's
language through the gettext catalogues and Babel formats (`partnerkit.ui.i18n`). The English
template of every id lives in `ENGLISH` below: it is the gettext msgid, the CLI's default text
and the `explanation` strings of `--json`.

Arguments are typed, so each shell formats them for its locale:
- `Decimal` (points, rates, money amounts), `int`, `datetime.date`;
- `str` for tier names, ISO codes and ids (tiers are proper names, never translated);
- `Term(kind, value)` for a program term the shells translate (a deal type, a requirement,
  a market, a provenance);
- `Money(amount, currency)` from `partnerkit.money` where an amount has a currency.

This module imports only the standard library (the core is pure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Term:
    """A program word the shells translate: kind is e.g. "deal_type", "requirement", "market",
    "provenance", "relationship", "status"; value is the stored code ("sourced", "managed")."""

    kind: str
    value: str

    def __str__(self) -> str:
        return self.value


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


def msg(id: str, **args: Any) -> Message:
    """Build a message; the id must have an English template (checked by a unit test)."""
    return Message(id, args)


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
    amount = getattr(value, "amount", None)
    currency = getattr(value, "currency", None)
    if isinstance(amount, Decimal) and isinstance(currency, str):
        return {"amount": str(amount), "currency": currency}
    return value


def plain_arg(value: Any) -> str:
    """Locale-free formatting used for English text: points to 2 decimals without trailing zeros,
    ISO dates, terms by their code."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        q = value.quantize(Decimal("0.01"))
        text = f"{q:,.2f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Message):
        return value.english()
    if isinstance(value, (list, tuple)):
        return ", ".join(plain_arg(v) for v in value)
    return str(value)


def render_plain(message: Message, templates: Mapping[str, str]) -> str:
    """Fill a template with locale-free arguments (English; shells use their own formatter)."""
    template = templates.get(message.id, message.id)
    return template.format(**{k: plain_arg(v) for k, v in message.args.items()})


# The English template of every message id: the gettext msgid of each. Add new ids here, with
# their translations in the catalogues (a test fails on an id without a template or a translation).
ENGLISH: dict[str, str] = {}

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
        "On {date} your projected {requirement} points ({projected}) fall below {tier}'s minimum "
        "of {required}: short by {shortfall}"
    ),
    "risk.below_minimum_now": (
        "Your {requirement} points ({projected}) are already below {tier}'s minimum of "
        "{required}: short by {shortfall}"
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
        "{points} sold points expire on {date}; then your {requirement} points ({projected}) no "
        "longer meet {tier}'s minimum of {required}"
    ),
    "risk.gold_deadline": (
        "Reach {tier} by {date} ({months} months after joining on {joined}): short by "
        "{shortfall} {requirement} points today"
    ),
    "risk.none": "Nothing is at risk: no tier minimum is missed in the projection",
})

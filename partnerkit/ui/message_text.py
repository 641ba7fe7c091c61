"""Core messages as text in the user's language (issue 13): the one renderer of every shell.

    from partnerkit.ui.message_text import render, render_lines, term_text
    render(estimate.explanation_messages[0], "pt_BR")  # "R$ 1.000,00 = US$ 200,00 pelo valor ..."

The CLI, the widgets and the reports all call this (it imports Babel and the catalogues only, no
widgets), so a sentence reads the same on every surface:

- the template is the English text of the message id (`partnerkit.messages.ENGLISH`) translated
  through the "messages" gettext catalogue (partnerkit/locale/<lang>/LC_MESSAGES/messages.po);
- each argument is formatted by type with Babel for the locale: points and numbers with the
  locale's separators, dates as medium dates (a `{x:month}` placeholder as "dezembro de 2026"),
  money from (amount, currency) with the currency's own decimals (no decimals for yen), program
  terms (`Term`) through the catalogue with their kind as msgctxt, countries by name, nested
  messages rendered the same way.

English keeps the historical text exactly (`Message.english()`), so `--json` and every English
surface are unchanged.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_skeleton
from babel.numbers import format_decimal

from partnerkit.messages import ENGLISH, Message, Term, english_term, is_money
from partnerkit.ui.i18n import Translator, normalise_language, translator

__all__ = ["render", "render_lines", "term_text"]

DOMAIN = "messages"


def term_text(term: Term, locale: str | None) -> str:
    """A program word in the language: "sourced" -> "de origem"; a country code -> its name."""
    code = normalise_language(locale)
    if term.kind == "country":
        return translator(code, DOMAIN).country(term.value) if code != "en" else term.value
    if code == "en":
        return english_term(term)
    t = translator(code, DOMAIN)
    if term.kind == "rule_key":  # "sourced/growth", "Latin America/BR": translate each part
        return "/".join(t.pgettext("rule_key", part) for part in term.value.split("/"))
    return t.pgettext(term.kind, english_term(term))


class _LocaleFormatter(string.Formatter):
    def __init__(self, t: Translator) -> None:
        super().__init__()
        self.t = t

    def format_field(self, value: Any, format_spec: str) -> str:
        t = self.t
        if isinstance(value, Message):
            return render(value, t.code)
        if isinstance(value, Term):
            return term_text(value, t.code)
        if isinstance(value, (list, tuple)):
            return ", ".join(self.format_field(v, format_spec) for v in value)
        if is_money(value):
            return t.money(value.amount, value.currency)
        if isinstance(value, bool):
            return t("yes") if value else t("no")
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            if format_spec == "month":
                return str(format_skeleton("yMMMM", value, locale=t.locale))
            return t.date(value)
        if isinstance(value, (Decimal, int, float)):
            return self._number(value, format_spec)
        return str(value)

    def _number(self, value: Decimal | int | float, spec: str) -> str:
        t = self.t
        if spec == "points":  # up to 2 decimals, no trailing zeros
            d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return str(format_decimal(d, format="#,##0.##", locale=t.locale))
        if spec.endswith("f") and spec.lstrip(",.").rstrip("f").isdigit():
            return t.decimal(value, int(spec.lstrip(",.").rstrip("f")))
        if isinstance(value, int):
            return t.integer(value)
        # As given (a rate like 7.5, an input amount): every digit kept, the locale's separators.
        return str(format_decimal(Decimal(str(value)), locale=t.locale,
                                  decimal_quantization=False))


def render(message: Message, locale: str | None = "en") -> str:
    """The message as one sentence in the language ("en", "pt_PT", "pt_BR")."""
    code = normalise_language(locale)
    if code == "en":
        return message.english()
    t = translator(code, DOMAIN)
    template = t(ENGLISH.get(message.id, message.id))
    return _LocaleFormatter(t).vformat(template, (), dict(message.args)).strip()


def render_lines(messages: Iterable[Message], locale: str | None = "en") -> list[str]:
    return [render(m, locale) for m in messages]

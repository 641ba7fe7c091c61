"""Input fields of the points calculator (F3, issue 5): each one a widget plus a message shown
right under it, and a `read()` that returns the parsed value or None (with the message showing).

Parsing only; no points arithmetic here (the core does that).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from decimal import Decimal
from typing import Any

import ipywidgets as widgets
from babel.numbers import get_decimal_symbol, get_territory_currencies

from partnerkit.countries import ISO_3166_ALPHA2
from partnerkit.money import MoneyError, parse_amount
from partnerkit.ui.i18n import LANGUAGES, Translator, translator
from partnerkit.ui.widgets_common import MessageArea

DESCRIPTION_STYLE = {"description_width": "min(27em, 45%)"}
FIELD_LAYOUT = {"width": "100%", "max_width": "48em"}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def set_options_keeping(
    dropdown: widgets.Dropdown, options: list[tuple[str, Any]], value: Any, fallback: Any = None
) -> None:
    """Replace a Dropdown's (label, value) options, keeping `value` when it is still offered
    (ipywidgets would otherwise jump to the first option)."""
    values = [v for _label, v in options]
    if [tuple(o) for o in dropdown.options] == [tuple(o) for o in options] and (
        dropdown.value == value or value not in values
    ):
        return
    dropdown.options = options
    if value in values:
        dropdown.value = value
    elif fallback in values:
        dropdown.value = fallback
    else:
        dropdown.value = None


class Field:
    """A widget with a message area under it."""

    def __init__(self, widget: widgets.Widget, css: str) -> None:
        self.widget = widget
        widget.add_class(css)
        self.message = MessageArea(css_class="pk-field-message")
        self.box = widgets.VBox([widget, self.message.widget])
        self.box.add_class(css + "-box")

    def show(self, visible: bool) -> None:
        self.box.layout.display = None if visible else "none"


def _amount_problem(t: Translator, exc: MoneyError) -> str:
    """The English core message (money.parse_amount) -> a message in the user's language."""
    text = str(exc)
    if "negative" in text:
        return t("Must be zero or more; a negative amount is not a sale.")
    if "too large" in text:
        return t("That is too large to be a monthly amount; check for extra digits.")
    if "decimal places" in text:
        return t("Use at most 4 decimal places.")
    if "is required" in text:
        return t("Enter a number, e.g. 1000.")
    return t("Not a number: type digits such as 1000 or 1000.50.")


def canonical_number(text: str, decimal_symbol: str) -> str | None:
    """What a user typed -> a plain number string ("1234.5"), given their language's decimal
    symbol ("." in English, "," in Portuguese). Unambiguous forms work in every language:
    "1.234,5" and "1,234.5" (the last separator is the decimal one), "1 234,5". A single separator
    that is not the language's decimal symbol is a thousands separator only when exactly three
    digits follow it ("1.000" is 1000 in Portuguese; "1000.5" is 1000.5 everywhere). Separators
    in no such pattern ("1,2,3", "1.2.3,4") give None: refused, never guessed. Anything else is
    returned as typed, for parse_amount to judge."""
    raw = _SPACES.sub("", text or "").replace("_", "")
    sign = "-" if raw.startswith("-") else ""
    body = raw[1:] if raw[:1] in ("-", "+") else raw
    other = "," if decimal_symbol == "." else "."
    has_dot, has_comma = "." in body, "," in body
    if has_dot and has_comma:
        dec = body[max(body.rfind("."), body.rfind(","))]
        grp = "," if dec == "." else "."
        if re.fullmatch(rf"\d{{1,3}}(\{grp}\d{{3}})*\{dec}\d+", body):
            return sign + body.replace(grp, "").replace(dec, ".")
        return None
    if has_dot or has_comma:
        sep = "." if has_dot else ","
        if body.count(sep) > 1:
            if re.fullmatch(rf"\d{{1,3}}(\{sep}\d{{3}})+", body):
                return sign + body.replace(sep, "")
            return None
        if sep == other and re.fullmatch(rf"\d{{1,3}}\{sep}\d{{3}}", body):
            return sign + body.replace(sep, "")
        return sign + body.replace(sep, ".")
    return raw


def parse_localised_amount(text: str, t: Translator, *, allow_zero: bool = True) -> Decimal:
    """Parse what a user typed, in their language's number format (`canonical_number`), then
    check it with partnerkit.money.parse_amount (the same rules as the CLI and CSV import).
    Raises ValueError with a message in the user's language."""
    if _SPACES.sub("", text or "") == "":
        raise ValueError(t("Enter a number, e.g. 1000."))
    candidate = canonical_number(text, get_decimal_symbol(t.locale))
    if candidate is None:
        raise ValueError(t("Not a number: type digits such as 1000 or 1000.50."))
    try:
        return parse_amount(candidate, "amount", allow_zero=allow_zero)
    except MoneyError as exc:
        raise ValueError(_amount_problem(t, exc)) from None


class AmountField(Field):
    """A Text input parsed as a non-negative amount, validated as you type."""

    def __init__(self, css: str, value: str = "") -> None:
        super().__init__(
            widgets.Text(
                value=value,
                continuous_update=True,
                style=DESCRIPTION_STYLE,
                layout=FIELD_LAYOUT,
            ),
            css,
        )
        # Until something is typed, an empty field is not an error (no red text on arrival).
        self.touched = bool(value.strip())
        self.widget.observe(self._typed, "value")

    def _typed(self, change: dict[str, Any]) -> None:
        self.touched = True

    def read(self, t: Translator) -> Decimal | None:
        if not self.touched and not self.widget.value.strip():
            self.message.clear()
            return None
        try:
            value = parse_localised_amount(self.widget.value, t)
        except ValueError as exc:
            self.message.error(str(exc))
            return None
        self.message.clear()
        return value


def _fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Brasil' == 'brasil' == 'BRASIL'; 'Méx' -> 'mex'."""
    norm = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in norm if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=32)
def _country_labels(
    code: str, marker: str, growth: frozenset[str]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """{ISO code: "Name (CC) · growth market"} in a language, and the labels sorted by name."""
    t = translator(code, "calculator")
    labels = {}
    for cc in ISO_3166_ALPHA2:
        label = f"{t.country(cc)} ({cc})"
        labels[cc] = f"{label} · {marker}" if cc in growth else label
    return labels, tuple(sorted(labels.values(), key=_fold))


@functools.cache
def _names_in_every_language() -> dict[str, str]:
    """Folded country names in every UI language -> ISO code ("Brazil" and "Brasil" -> BR)."""
    names: dict[str, str] = {}
    for code in LANGUAGES:
        t = translator(code, "calculator")
        for cc in sorted(ISO_3166_ALPHA2):
            names.setdefault(_fold(t.country(cc)), cc)
    return names


class CountryField(Field):
    """A searchable country list (Combobox: type to filter, pick a suggestion). Growth markets
    are marked in the list; names come from Babel's territory names in the user's language.
    Also accepts a bare ISO code (BR) or a country name typed in full."""

    def __init__(self, css: str, code: str = "US") -> None:
        super().__init__(
            widgets.Combobox(
                value="",
                ensure_option=False,
                continuous_update=True,
                style=DESCRIPTION_STYLE,
                layout=FIELD_LAYOUT,
            ),
            css,
        )
        self._by_label: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._initial = code

    def relabel(self, t: Translator, growth: frozenset[str]) -> None:
        """Rebuild the list for a language and a growth-market set, keeping the chosen country."""
        current = self.code() if self._labels else self._initial
        self._labels, options = _country_labels(t.code, t("growth market"), growth)
        self._by_label = {_fold(v): k for k, v in self._labels.items()}
        self._by_name = _names_in_every_language()
        self.widget.options = options
        if current:
            self.widget.value = self._labels[current]

    def label_of(self, code: str) -> str:
        return self._labels.get(code, code)

    def code(self) -> str | None:
        """The ISO code for what is typed, or None when it matches no country."""
        key = _fold(self.widget.value or "")
        if not key:
            return None
        if key in self._by_label:
            return self._by_label[key]
        if key in self._by_name:
            return self._by_name[key]
        upper = key.upper()
        if len(upper) == 2 and upper in ISO_3166_ALPHA2:
            return upper
        match = re.search(r"\(([a-z]{2})\)", key)
        if match and match.group(1).upper() in ISO_3166_ALPHA2:
            return match.group(1).upper()
        return None

    def set_code(self, code: str) -> None:
        self.widget.value = self._labels.get(code.upper(), code.upper())

    def read(self, t: Translator) -> str | None:
        code = self.code()
        if code is None:
            if not (self.widget.value or "").strip():
                self.message.error(t("Choose the client's country from the list."))
            else:
                self.message.error(
                    t(
                        "No country matches \u201c{typed}\u201d: pick one from the list.",
                        typed=self.widget.value.strip(),
                    )
                )
            return None
        self.message.clear()
        return code


def default_currency(country: str, on: dt.date, supported: list[str]) -> tuple[str | None, str]:
    """The client's currency for a country on a date (Babel/CLDR), if the rules support it.

    Returns (currency or None, the country's own currency code for a message)."""
    try:
        in_use = get_territory_currencies(country, start_date=on, tender=True)
    except Exception:  # Babel has no data for a few codes (AQ, BV ...)
        in_use = []
    for ccy in in_use:
        if ccy in supported:
            return ccy, ccy
    return None, (in_use[0] if in_use else "")


@functools.lru_cache(maxsize=32)
def _currency_options(
    code: str, marker: str, supported: tuple[str, ...], estimated: frozenset[str]
) -> tuple[tuple[str, str], ...]:
    t = translator(code, "calculator")
    options = []
    for ccy in supported:
        label = f"{ccy} — {t.currency_name(ccy)}"
        options.append((f"{label} ({marker})" if ccy in estimated else label, ccy))
    return tuple(options)


class CurrencyField(Field):
    """The client's currency: limited to the currencies the rules support on the date."""

    def __init__(self, css: str) -> None:
        super().__init__(
            widgets.Dropdown(options=[], value=None, style=DESCRIPTION_STYLE, layout=FIELD_LAYOUT),
            css,
        )
        self.supported: list[str] = []
        self.estimated: set[str] = set()

    def relabel(
        self, t: Translator, supported: list[str], estimated: set[str], keep: str | None
    ) -> None:
        self.supported = list(supported)
        self.estimated = set(estimated)
        options = _currency_options(t.code, t("estimate"), tuple(supported), frozenset(estimated))
        set_options_keeping(self.widget, list(options), keep)

    def read(self, t: Translator, country_currency: str = "") -> str | None:
        value = self.widget.value
        if value is None or value not in self.supported:
            supported = ", ".join(self.supported)
            if country_currency and country_currency not in self.supported:
                self.message.error(
                    t(
                        "The program has no amount for {ccy}. Choose one of: {supported}.",
                        ccy=country_currency,
                        supported=supported,
                    )
                )
            else:
                self.message.error(t("Choose a currency: {supported}.", supported=supported))
            return None
        self.message.clear()
        return str(value)


class DateField(Field):
    """A date input with the chosen date written beside it in the user's language: the
    browser's native date input shows the browser's locale format (12/02/2026 in an en-US
    browser), the echo the page's (02/12/2026, 2 de dez. de 2026) (issue 13)."""

    def __init__(self, css: str, value: dt.date | None) -> None:
        super().__init__(
            widgets.DatePicker(value=value, style=DESCRIPTION_STYLE, layout=FIELD_LAYOUT), css
        )
        self.echo = widgets.HTML()
        self.echo.add_class("pk-date-echo")
        self.box.children = (widgets.HBox([self.widget, self.echo]), *self.box.children[1:])
        self._t: Translator | None = None
        self.widget.observe(lambda _change: self._refresh(), "value")

    def relabel(self, t: Translator, description: str) -> None:
        """Set the label in the user's language and write the date the same way."""
        self._t = t
        self.widget.description = description
        self._refresh()

    def _refresh(self) -> None:
        value = self.widget.value
        shown = self._t.date(value) if self._t is not None and value is not None else ""
        if self.echo.value != shown:
            self.echo.value = html.escape(shown)

    def read(self, t: Translator, *, required: bool = True) -> dt.date | None:
        value: dt.date | None = self.widget.value
        if value is None and required:
            self.message.error(t("Choose a date: it decides which rules apply."))
            return None
        self.message.clear()
        return value


class CountField(Field):
    """A whole number >= 0 (other managing partners)."""

    def __init__(self, css: str, maximum: int = 100) -> None:
        super().__init__(
            widgets.IntText(
                value=0, continuous_update=True, style=DESCRIPTION_STYLE, layout=FIELD_LAYOUT
            ),
            css,
        )
        self.maximum = maximum

    def read(self, t: Translator) -> int | None:
        value = self.widget.value
        if value is None or value < 0:
            self.message.error(t("Must be 0 or more (0 if only you manage the client)."))
            return None
        if value > self.maximum:
            self.message.error(t("At most {max} other partners.", max=self.maximum))
            return None
        self.message.clear()
        return int(value)

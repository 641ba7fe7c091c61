"""Shared translations and locale-aware formatting for every partnerkit UI (calculator, dashboard,
report): English, European Portuguese and Brazilian Portuguese.

    from partnerkit.ui.i18n import LANGUAGES, translator
    t = translator("pt_BR", domain="dashboard")
    t("Clients")                                  # -> "Clientes"
    t.n("{n} client", "{n} clients", n).format(n=n)
    t.points(Decimal("12.25")), t.money(Decimal("1000"), "BRL"), t.date(d), t.percent(0.5)

Catalogues are plain gettext .po files, one domain per UI module, read directly with Babel (no
compiled .mo files to keep in sync):

    partnerkit/locale/<pt_PT|pt_BR>/LC_MESSAGES/<domain>.po

English is the source language: it has no catalogue and every msgid is its own translation. A
msgid missing from a catalogue (or fuzzy, or empty) also falls back to the English text, so a
missing translation never blanks a label; `missing_translations()` lets a test catch it instead.

Numbers are formatted with Babel (CLDR data): "1,234.5" in en, "1 234,5" in pt_PT and "1.234,5"
in pt_BR (the spaces are non-breaking). Rounding for display is half-up; the values themselves
stay exact Decimals.
"""

from __future__ import annotations

import datetime as _dt
import functools
import gettext as _gettext
import threading
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "EXTRACT_KEYWORDS",
    "LANGUAGES",
    "LOCALE_DIR",
    "Translator",
    "catalogue_path",
    "missing_translations",
    "normalise_language",
    "translator",
]

#: The languages every partnerkit UI offers, code -> name in that language (for a picker).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "pt_PT": "Português (Portugal)",
    "pt_BR": "Português (Brasil)",
}
DEFAULT_LANGUAGE = "en"

#: Where the .po catalogues live.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

#: Babel extraction keywords: t("..."), _("...") and t.n("singular", "plural", n).
#: (Babel's Python extractor matches the last name before the parenthesis, so `t.n(` is `n`.)
EXTRACT_KEYWORDS: dict[str, Any] = {"t": None, "_": None, "n": (1, 2)}

# Plural rules used when a catalogue has no Plural-Forms header (gettext's classic ones; Babel's
# CLDR-derived default for Portuguese has three forms, which translators rarely fill in).
_DEFAULT_PLURAL_FORMS = {
    "pt_PT": "nplurals=2; plural=(n != 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
}

_LOCK = threading.Lock()


def normalise_language(code: str | None) -> str:
    """'pt-BR', 'pt_br' -> 'pt_BR'; unknown codes raise ValueError listing LANGUAGES."""
    if code is None:
        return DEFAULT_LANGUAGE
    text = str(code).strip().replace("-", "_")
    for known in LANGUAGES:
        if text.lower() == known.lower():
            return known
    choices = ", ".join(f"{k} ({v})" for k, v in LANGUAGES.items())
    raise ValueError(f"unknown language {code!r}: choose one of {choices}")


def catalogue_path(domain: str, code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.po"


@functools.lru_cache(maxsize=64)
def _load_catalogue(domain: str, code: str, mtime_ns: int) -> Catalog | None:
    """Read one .po file (cached per file version; mtime_ns makes an edited file reload)."""
    path = catalogue_path(domain, code)
    if mtime_ns < 0:
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=code, domain=domain)


def _catalogue(domain: str, code: str) -> Catalog | None:
    if code == "en":
        return None
    path = catalogue_path(domain, code)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = -1
    return _load_catalogue(domain, code, mtime)


def _plural_index(catalogue: Catalog | None, code: str, n: Any, forms: int = 2) -> int:
    """Index of the plural form for n (0 = singular). Uses the catalogue's Plural-Forms when its
    number of forms matches the entry's; otherwise gettext's classic two-form rule for the
    language (Babel's CLDR default for Portuguese has three forms that .po files rarely carry)."""
    try:
        value = Decimal(str(n))
        count = int(value) if value == value.to_integral_value() else 2  # fractions: "other"
    except (InvalidOperation, ValueError, TypeError):
        count = 2
    header = None
    if catalogue is not None and catalogue.num_plurals == forms:
        header = catalogue.plural_forms
    if not header:
        header = _DEFAULT_PLURAL_FORMS.get(code, "nplurals=2; plural=(n != 1);")
    expr = header.split("plural=", 1)[1].strip().rstrip(";")
    return int(_gettext.c2py(expr)(abs(count)))


class Translator:
    """Translations of one domain in one language, plus locale-aware number/money/date formats."""

    def __init__(self, code: str, domain: str) -> None:
        self.code: str = normalise_language(code)
        self.domain: str = domain
        self.locale: Locale = Locale.parse(self.code)
        self.language_name: str = LANGUAGES[self.code]

    def __repr__(self) -> str:
        return f"Translator({self.code!r}, domain={self.domain!r})"

    @property
    def catalogue(self) -> Catalog | None:
        return _catalogue(self.domain, self.code)

    # -- text ---------------------------------------------------------------------------------
    def __call__(self, msgid: str, **fields: Any) -> str:
        """gettext: the translation of msgid (or msgid itself); `fields` are .format()ted in."""
        text = msgid
        cat = self.catalogue
        if cat is not None:
            msg = cat.get(msgid)
            if msg is not None and not msg.fuzzy:
                string = msg.string
                if isinstance(string, (tuple, list)):
                    string = string[0] if string else ""
                if string:
                    text = string
        return text.format(**fields) if fields else text

    gettext = __call__

    def pgettext(self, context: str, msgid: str) -> str:
        """The translation of msgid in a context (a program term's kind), or msgid itself."""
        cat = self.catalogue
        if cat is not None:
            msg = cat.get(msgid, context=context)
            if msg is not None and not msg.fuzzy and isinstance(msg.string, str) and msg.string:
                return msg.string
        return msgid

    def message(self, message: Any) -> str:
        """A core `partnerkit.messages.Message` in this language (domain-independent: the
        sentences live in the "messages" catalogue)."""
        from partnerkit.ui.message_text import render

        return render(message, self.code)

    def n(self, singular: str, plural: str, n: Any) -> str:
        """ngettext: the right form for n (the caller formats, e.g. .format(n=...))."""
        cat = self.catalogue
        if cat is not None:
            msg = cat.get(singular)
            if msg is not None and not msg.fuzzy and isinstance(msg.string, (tuple, list)):
                forms = list(msg.string)
                while forms and not forms[-1]:  # Babel pads to its own number of forms
                    forms.pop()
                index = _plural_index(cat, self.code, n, len(forms))
                if index < len(forms) and forms[index]:
                    return str(forms[index])
        # English rule for the fallback.
        try:
            one = Decimal(str(n)) == 1
        except (InvalidOperation, ValueError):
            one = False
        return singular if one else plural

    ngettext = n

    # -- numbers ------------------------------------------------------------------------------
    @staticmethod
    def _round(x: Any, places: int) -> Decimal:
        value = x if isinstance(x, Decimal) else Decimal(str(x))
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    def decimal(self, x: Any, places: int = 2) -> str:
        """x with exactly `places` decimals, locale grouping and separators (half-up)."""
        pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
        return format_decimal(self._round(x, places), format=pattern, locale=self.locale)

    def points(self, x: Any) -> str:
        """Points are shown with one decimal place."""
        return self.decimal(x, places=1)

    def integer(self, x: Any) -> str:
        return self.decimal(x, places=0)

    def money(self, amount: Any, currency: str) -> str:
        """Amount in currency, e.g. 'US$1,000.00' / '1 000,00 €' / 'R$ 1.000,00' (half-up)."""
        places = get_currency_precision(currency)
        return format_currency(
            self._round(amount, places), currency, locale=self.locale, currency_digits=True
        )

    def currency_name(self, currency: str) -> str:
        return str(self.locale.currencies.get(currency, currency))

    def currency_symbol(self, currency: str) -> str:
        return str(self.locale.currency_symbols.get(currency, currency))

    def date(self, d: _dt.date) -> str:
        """Medium date: 'Mar 1, 2024' / '01/03/2024' / '1 de mar. de 2024'."""
        return format_date(d, format="medium", locale=self.locale)

    def percent(self, x: Any, places: int = 0) -> str:
        """x as a fraction (0.5 -> '50%' / '50 %')."""
        value = Decimal(str(x)) if not isinstance(x, Decimal) else x
        pattern = "#,##0" + ("." + "0" * places if places > 0 else "") + "%"
        return format_percent(value, format=pattern, locale=self.locale)

    def country(self, code: str) -> str:
        """The country's name in this language (Babel/CLDR territory names); the code if unknown."""
        return str(self.locale.territories.get(code.upper(), code.upper()))


@functools.cache
def _translator(code: str, domain: str) -> Translator:
    return Translator(code, domain)


def translator(code: str | None = DEFAULT_LANGUAGE, domain: str = "messages") -> Translator:
    """The cached Translator for (language, domain); unknown language -> ValueError."""
    return _translator(normalise_language(code), domain)


# -- test helper ----------------------------------------------------------------------------------
def extract_msgids(source_paths: Iterable[str | Path]) -> list[str | tuple[str, str]]:
    """Every msgid in the sources (keywords t, _, and t.n), in order, without duplicates."""
    seen: dict[str | tuple[str, str], None] = {}
    for src in source_paths:
        for _lineno, message, _comments, _context in extract_from_file(
            "python", str(src), keywords=EXTRACT_KEYWORDS
        ):
            key = tuple(message) if isinstance(message, (tuple, list)) else message
            if key and key not in seen:
                seen[key] = None  # type: ignore[index]
    return list(seen)


def missing_translations(domain: str, locale: str, source_paths: Iterable[str | Path]) -> list[str]:
    """msgids used in source_paths that the domain's catalogue for `locale` does not translate
    (absent, empty, fuzzy, or a plural with an empty form). English never misses anything."""
    code = normalise_language(locale)
    msgids = extract_msgids(source_paths)
    if code == "en":
        return []
    cat = _catalogue(domain, code)
    missing: list[str] = []
    for key in msgids:
        singular = key[0] if isinstance(key, tuple) else key
        msg = cat.get(singular) if cat is not None else None
        if msg is None or msg.fuzzy:
            missing.append(singular)
            continue
        if isinstance(key, tuple):
            forms = list(msg.string) if isinstance(msg.string, (tuple, list)) else [msg.string]
            while forms and not forms[-1]:  # Babel pads to its own number of forms
                forms.pop()
            if len(forms) < 2 or not all(forms):
                missing.append(singular)
        elif not msg.string or (isinstance(msg.string, (tuple, list)) and not all(msg.string)):
            missing.append(singular)
    return missing

"""Leftover-English check (issue 13): English product words in a page meant to be Portuguese.

    from partnerkit.ui.leftover_english import leftover_english
    leftover_english(visible_text, data=[partner_name, *client_names])  # -> ["Status", ...]

The vocabulary is built from the product's own English, so new strings are covered as soon as
they are added: every msgid of every gettext catalogue (dashboard, calculator, report, messages,
cli, mail ...) and the English message templates and terms of the core (partnerkit.messages).
From those words are removed:
- words that the Portuguese catalogues themselves use (e.g. "total", "MRR", "email", "Gold"):
  a word that appears in a Portuguese translation is Portuguese, or a name, or a code;
- a short allowlist of names and codes the product keeps in every language (ALLOWED).
A word in the page counts when it is a whole word of the vocabulary, case-insensitively, outside
the data the caller passes (partner and client names, ids, e-mail addresses are data, not text).
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable

from partnerkit.ui.i18n import LOCALE_DIR, _catalogue

__all__ = ["ALLOWED", "english_vocabulary", "leftover_english"]

# Names and codes every language keeps (proper names, product names, units, codes).
ALLOWED = frozenset(
    """
    hubspot partnerkit gold platinum diamond elite solutions partner marketing sales service
    content operations commerce hub hubs crm cms mrr usd eur brl jpy gbp mxn cop inr sgd cad csv
    xlsx pdf html json id ids url email e-mail pdm c$r voila voilà chrome sms whatsapp linkedin ok
    starter professional enterprise pro free smart api
    """.split()  # noqa: SIM905 - a word list reads better as a block
)

_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*[A-Za-zÀ-ÿ]")
_FIELD = re.compile(r"\{[^{}]*\}")
_ADDRESS = re.compile(r"\S*[\w-]\.[A-Za-z]{2,}\S*")


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’-") for w in _WORD.findall(_FIELD.sub(" ", text))}


def _domains() -> list[str]:
    return sorted({p.stem for p in LOCALE_DIR.glob("*/LC_MESSAGES/*.po")})


def _cldr_words() -> set[str]:
    """Portuguese names Babel shows (currencies, countries, months, days): never English."""
    from babel import Locale

    words: set[str] = set()
    for code in ("pt_PT", "pt_BR"):
        loc = Locale.parse(code)
        for names in (loc.currencies, loc.territories, loc.languages):
            for name in names.values():
                words |= _words(str(name))
        for width in ("wide", "abbreviated"):
            words |= {w for m in loc.months["format"][width].values() for w in _words(str(m))}
            words |= {w for d in loc.days["format"][width].values() for w in _words(str(d))}
    return words


@functools.cache
def english_vocabulary() -> frozenset[str]:
    """Every English word of the product's texts that Portuguese never uses (3+ letters)."""
    from partnerkit.messages import ENGLISH, TERMS

    english: set[str] = set()
    portuguese: set[str] = set()
    for domain in _domains():
        for code in ("pt_PT", "pt_BR"):
            cat = _catalogue(domain, code)
            if cat is None:
                continue
            for m in cat:
                if not m.id:
                    continue
                ids = m.id if isinstance(m.id, (tuple, list)) else (m.id,)
                strs = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
                for x in ids:
                    english |= _words(str(x))
                for x in strs:
                    portuguese |= _words(str(x or ""))
    portuguese |= _cldr_words()
    for template in ENGLISH.values():
        english |= _words(template)
    for words in TERMS.values():
        for word in words.values():
            english |= _words(word)
    return frozenset(w for w in english - portuguese - ALLOWED
                     if len(w) >= 3 and not set(w) <= set(string.digits))


def leftover_english(text: str, data: Iterable[str] = ()) -> list[str]:
    """The product's English words found in `text` (sorted, unique), ignoring the `data` strings
    (names, ids) wherever they occur."""
    for item in sorted((d for d in data if d), key=len, reverse=True):
        text = text.replace(item, " ")
    text = _ADDRESS.sub(" ", text)  # e-mail addresses, domains, links: data, not product text
    vocabulary = english_vocabulary()
    return sorted({w for w in _words(text) if w in vocabulary})

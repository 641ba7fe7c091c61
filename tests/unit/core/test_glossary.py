"""One glossary (issue 13, docs/glossary.md): every catalogue says a program term one way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from partnerkit.ui.i18n import LOCALE_DIR, _catalogue

GLOSSARY = Path(__file__).resolve().parents[3] / "docs" / "glossary.md"
COLUMN = {"pt_PT": 0, "pt_BR": 1}


def glossary() -> list[tuple[str, dict[str, list[str]], dict[str, list[str]]]]:
    """(english, {locale: words}, {locale: never}) per row of the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("English", "---") or set(cells[0]) <= {"-"}:
            continue
        english, pt, br, never = cells
        nevers = [part.split(",") for part in never.split(" / ")]
        rows.append((english, {"pt_PT": pt.split(","), "pt_BR": br.split(",")},
                     {code: [w.strip() for w in nevers[i] if w.strip()]
                      for code, i in COLUMN.items()}))
    return rows


def test_the_glossary_has_the_programs_main_terms() -> None:
    terms = {row[0] for row in glossary()}
    assert {"sourced", "managed", "sold points", "assisted", "credited tier"} <= terms


@pytest.mark.parametrize("locale", ["pt_PT", "pt_BR"])
def test_no_catalogue_uses_a_second_translation_of_a_glossary_term(locale: str) -> None:
    problems = []
    for path in sorted(LOCALE_DIR.glob(f"{locale}/LC_MESSAGES/*.po")):
        cat = _catalogue(path.stem, locale)
        assert cat is not None
        for entry in cat:
            if not entry.id:
                continue
            english = " ".join(entry.id) if isinstance(entry.id, (list, tuple)) else entry.id
            text = " ".join(s for s in (entry.string if isinstance(entry.string, (list, tuple))
                                        else [entry.string]) if s)
            for term, _words, never in glossary():
                if not re.search(rf"\b{re.escape(term)}\b", english, re.IGNORECASE):
                    continue
                problems += [f"{path.name}: {english!r} -> {text!r} uses {bad!r} for {term!r}"
                             for bad in never[locale] if bad.lower() in text.lower()]
    assert problems == []


def test_the_scan_catches_a_second_translation() -> None:
    """Guard: the rule above would flag the drift the issue found ("originados")."""
    _term, _words, never = next(r for r in glossary() if r[0] == "sourced")
    assert any(bad in "Pontos originados" for bad in never["pt_BR"])

"""The dashboard's texts are all in the gettext catalogues (issue 4: English, pt-PT, pt-BR)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from partnerkit.ui.i18n import missing_translations, translator

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    *sorted((ROOT / "partnerkit" / "ui" / "dashboard").glob("*.py")),
    ROOT / "partnerkit" / "charts.py",
]
# t("...") inside f-strings, which Babel's extractor does not look into.
_CALL = re.compile(r"""\bt\(\s*(["'])((?:(?!\1).)+)\1\s*\)""")


def fstring_msgids() -> set[str]:
    return {m.group(2) for p in SOURCES for m in _CALL.finditer(p.read_text())}


@pytest.mark.parametrize("locale", ["pt_PT", "pt_BR"])
def test_every_dashboard_text_has_a_translation(locale: str) -> None:
    assert missing_translations("dashboard", locale, SOURCES) == []
    t = translator(locale, domain="dashboard")
    untranslated = sorted(
        m for m in fstring_msgids() if t.catalogue.get(m) is None or not t.catalogue.get(m).string
    )
    assert untranslated == []


def test_the_two_portuguese_catalogues_really_differ() -> None:
    pt, br = translator("pt_PT", domain="dashboard"), translator("pt_BR", domain="dashboard")
    assert (pt("HubSpot team"), br("HubSpot team")) == ("Equipa HubSpot", "Equipe HubSpot")
    assert pt("CRM record id") == "ID do registo no CRM"
    assert br("CRM record id") == "ID do registro no CRM"


def test_the_fstring_scan_finds_texts_babel_misses() -> None:
    """Guard for the scan above: it must see at least the page headings built in f-strings."""
    assert {"Alerts", "Tier Insights", "Send email"} <= fstring_msgids()

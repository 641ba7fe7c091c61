"""Explanations as messages (issue 13): ids with typed args, English unchanged, every id and
program term translated in both Portuguese catalogues, rendered with Babel formats."""

from __future__ import annotations

import ast
import datetime as dt
import json
import string
from decimal import Decimal
from pathlib import Path

import pytest

from partnerkit.messages import ENGLISH, TERMS, Message, Term, msg
from partnerkit.money import Money
from partnerkit.points import currency_to_points, estimate_points, points_to_currency
from partnerkit.rules_io import load_rules
from partnerkit.tiers import Points, evaluate_tier
from partnerkit.ui.i18n import _catalogue, missing_translations
from partnerkit.ui.message_text import render, term_text

ROOT = Path(__file__).resolve().parents[3]
PORTUGUESE = ("pt_PT", "pt_BR")
ON = dt.date(2026, 12, 2)


def _ids_built_in(path: Path) -> set[str]:
    """Every literal id passed to msg(...) in a source file."""
    ids = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "msg"):
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant):
                    ids.add(arg.value)
                elif isinstance(arg, ast.IfExp):  # msg("a" if met else "b", ...)
                    ids |= {a.value for a in (arg.body, arg.orelse) if isinstance(a, ast.Constant)}
    return ids


def _fields(template: str) -> set[tuple[str, str]]:
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name}


def test_every_message_id_the_core_builds_has_an_english_template() -> None:
    built = set()
    for path in sorted((ROOT / "partnerkit").rglob("*.py")):
        built |= _ids_built_in(path)
    assert built, "no msg(...) call found: the scan is broken"
    assert sorted(built - set(ENGLISH)) == []


@pytest.mark.parametrize("locale", PORTUGUESE)
def test_every_english_template_has_a_translation_with_the_same_placeholders(locale: str) -> None:
    cat = _catalogue("messages", locale)
    assert cat is not None
    problems = []
    for mid, english in ENGLISH.items():
        entry = cat.get(english)
        if entry is None or entry.fuzzy or not entry.string:
            problems.append(f"{mid}: no translation")
        elif _fields(entry.string) != _fields(english):
            problems.append(f"{mid}: placeholders {_fields(entry.string)} != {_fields(english)}")
    assert problems == []


@pytest.mark.parametrize("locale", PORTUGUESE)
def test_every_program_term_and_shipped_rule_word_is_translated(locale: str) -> None:
    cat = _catalogue("messages", locale)
    assert cat is not None
    rules = load_rules()
    wanted = [(kind, word) for kind, words in TERMS.items() for word in words.values()]
    for rate in rules.rates:
        wanted += [("rule_key", rate.credit), ("rule_key", rate.market)]
    wanted += [("rule_key", g.region) for g in rules.growth_markets]
    wanted += [("rule_key", p.key) for p in rules.policies]
    wanted += [("other_requirement", x) for t in rules.tiers for x in t.other_requirements]
    missing = sorted({(k, w) for k, w in wanted
                      if not (e := cat.get(w, context=k)) or e.fuzzy or not e.string})
    assert missing == []


@pytest.mark.parametrize("locale", PORTUGUESE)
def test_the_cli_labels_are_translated(locale: str) -> None:
    assert missing_translations("cli", locale, [ROOT / "partnerkit" / "cli_core.py"]) == []


def test_the_english_explanation_of_a_deal_reads_as_it_always_did() -> None:
    rules = load_rules()
    e = estimate_points("1000.5", "BRL", "BR", "assisted", ON, rules, manage=True,
                        other_partners=2)
    rate = rules.rate("assisted", "growth", ON)
    assert e.explanation[1] == "client country BR: growth market"
    assert e.explanation[2] == (
        f"assisted rate {rate.points_per_100} points per US$100 (in force "
        f"{rate.effective_from.isoformat()}) -> {e.sold_points.quantize(Decimal('0.01'))} "
        "sold points")
    assert e.explanation[-1].startswith("total ") and e.explanation[-1].endswith(" points")
    assert e.explanation[0].startswith("1,000.5 BRL = US$")
    assert [m.english() for m in e.explanation_messages] == e.explanation


def test_the_english_explanation_of_a_tier_keeps_its_wording() -> None:
    rules = load_rules()
    perf = evaluate_tier(Points(Decimal("10"), Decimal("0"), Decimal("5")), ON, rules,
                         certified_until=dt.date(2027, 1, 5))
    gold = rules.tier_ladder(ON)[0]
    lines = perf.explanation
    assert lines[0] == f"performance on {ON.isoformat()}: {rules.untiered}"
    short = gold.total_min - 15
    assert any(line.startswith(f"{gold.tier} total minimum ") and line.endswith(
        f"you have 15, short by {short:,}") for line in lines)
    assert f"{gold.tier}: certification valid (valid until 2027-01-05)" in lines


def test_json_carries_each_explanation_line_as_an_id_with_json_safe_args() -> None:
    rules = load_rules()
    c = points_to_currency("12.5", "3", "EUR", "PT", "sourced", ON, rules, other_partners=1)
    payload = json.loads(json.dumps(c.as_json("currency")))
    ids = [m["id"] for m in payload["explanation_messages"]]
    assert ids == ["convert.sold_to_currency", "convert.managed_to_currency_split",
                   "points.market"]
    first = payload["explanation_messages"][0]["args"]
    assert first["points"] == "12.5"
    assert first["deal_type"] == {"term": "deal_type", "value": "sourced"}
    assert first["value"]["currency"] == "EUR"
    assert len(payload["explanation"]) == len(ids)


def test_a_yen_amount_is_shown_without_decimals_in_portuguese() -> None:
    rules = load_rules()
    c = currency_to_points("250000", "0", "JPY", "JP", "sourced", ON, rules)
    line = render(c.explanation_messages[0], "pt_BR")
    assert "JP¥\xa0250.000 " in line and "250.000," not in line


def test_portuguese_renders_dates_terms_and_points_in_the_locale() -> None:
    m = msg("credited.next_review", date=dt.date(2027, 1, 15),
            why=msg("review.held", tier="Diamond", until=dt.date(2027, 4, 2), months=6))
    assert render(m, "pt_PT") == (
        "próxima revisão 15/01/2027, se nada mudar: Diamond mantém-se até 02/04/2027 "
        "(garantia de 6 meses)")
    assert "15 de jan. de 2027" in render(m, "pt_BR")
    total = msg("points.total", points=Decimal("1234.5"))
    assert render(total, "pt_BR") == "total de 1.234,5 pontos"
    managed = msg("standing.managed", managed=Decimal("3"), month=dt.date(2026, 11, 1))
    assert "novembro de 2026" in render(managed, "pt_PT")
    assert term_text(Term("country", "BR"), "pt_PT") == "Brasil"
    assert term_text(Term("rule_key", "managed/growth"), "pt_BR") == "gerenciado/em crescimento"


def test_english_rendering_is_the_messages_own_english() -> None:
    m = msg("points.to_usd", amount=Money(Decimal("1000"), "EUR"),
            usd=Money(Decimal("1086.956"), "USD"), per_100=Money(Decimal("92"), "EUR"),
            provenance=Term("provenance", "hubspot"))
    assert render(m, "en") == m.english() == (
        "1,000 EUR = US$1,086.96 at the program amount 92 EUR per US$100 (HubSpot)")


def test_an_unknown_id_renders_as_its_id_rather_than_failing() -> None:
    assert Message("no.such.id").english() == "no.such.id"
    assert render(Message("no.such.id"), "pt_PT") == "no.such.id"


@pytest.mark.parametrize("locale", PORTUGUESE)
def test_hubspot_app_and_industry_names_of_the_demo_have_hubspots_portuguese(locale: str) -> None:
    from partnerkit.store.demo import APPS
    from partnerkit.store.names import INDUSTRIES

    cat = _catalogue("messages", locale)
    assert cat is not None
    wanted = [("app", a) for apps in APPS.values() for a in apps]
    wanted += [("industry", i) for i in INDUSTRIES]
    assert [w for w in wanted if not (e := cat.get(w[1], context=w[0])) or not e.string] == []
    assert term_text(Term("app", "Workflows"), locale) == "Fluxos de trabalho"


@pytest.mark.parametrize("locale", PORTUGUESE)
def test_every_note_of_a_shipped_estimate_or_derived_rule_is_translated(locale: str) -> None:
    """The notes shown beside a figure that is not HubSpot's (CLI `points`, estimates)."""
    rules = load_rules()
    cat = _catalogue("messages", locale)
    assert cat is not None
    notes = {row.note for table in (rules.rates, rules.currencies_, rules.growth_markets,
                                    rules.tiers, rules.policies)
             for row in table if row.note and row.provenance in ("estimate", "derived")}
    assert notes
    assert sorted(n for n in notes if not (e := cat.get(n, context="rule_note")) or not e.string
                  ) == []

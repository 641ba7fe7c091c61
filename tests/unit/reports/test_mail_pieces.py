"""Issue 14: report recipients (parsing, bounds, header injection) and the mail's texts."""

from __future__ import annotations

import pytest

import partnerkit.reports.mail as mail_module
from partnerkit.reports.mail import body_text
from partnerkit.store.recipients import MAX_RECIPIENTS, parse_recipients
from partnerkit.ui.i18n import missing_translations

HEADLINE = {"partner_id": "p", "partner_name": "Agência <&>", "month": "2026-11",
            "as_of": "2026-11-30", "data_as_of": "2026-12-02", "credited_tier": "Gold",
            "previous_credited_tier": None, "performance_tier": "Platinum",
            "total_points": "1234.56", "total_change": "-3.04", "next_tier": "Diamond",
            "gap_to_next": "20", "expiring_90_days": "0", "renewals_120_days": 2,
            "next_review": "2027-01-15"}


def test_recipients_are_split_on_commas_trimmed_and_deduplicated():
    assert parse_recipients(" a@x.pt; b@y.com, A@x.pt ,, ") == ["a@x.pt", "b@y.com"]


@pytest.mark.parametrize("bad", ["ana", "a@b", "a b@c.pt", "a@c.pt\r\nBcc: x@evil.example",
                                 "Ana <a@c.pt>", "x" * 250 + "@c.pt"])
def test_anything_but_a_plain_address_is_refused_by_name(bad: str):
    with pytest.raises(ValueError, match="not a plain e-mail address"):
        parse_recipients(bad)


def test_a_partner_has_at_most_twenty_recipients():
    with pytest.raises(ValueError, match="at most 20"):
        parse_recipients([f"r{i}@x.pt" for i in range(MAX_RECIPIENTS + 1)])


@pytest.mark.parametrize("locale", ["pt_PT", "pt_BR"])
def test_every_mail_text_is_translated(locale: str):
    assert missing_translations("mail", locale, [mail_module.__file__]) == []


def test_the_body_writes_figures_the_way_the_language_does():
    en, pt = body_text(HEADLINE, "en"), body_text(HEADLINE, "pt_PT")
    assert "Total points: 1,234.6 (-3.0 since last month)" in en
    from decimal import Decimal

    from partnerkit.ui.i18n import translator

    pt_points = translator("pt_PT", "mail").points(Decimal("1234.56"))
    assert f"Pontos totais: {pt_points} (-3,0 desde o mês anterior)" in pt
    assert "untiered" in en and "sem nível" in pt  # last month's credited tier: none
    assert "Tier risks" not in en  # the report has no risks figure: nothing claimed


def test_risks_in_the_headline_are_listed_and_an_empty_list_says_none():
    risky = {**HEADLINE, "risks": [{"date": "2027-01-15", "message": "Gold at risk"}]}
    assert "- Jan 15, 2027: Gold at risk" in body_text(risky, "en")
    assert "No tier risks found." in body_text({**HEADLINE, "risks": []}, "en")

"""Elite's gates partnerkit does not compute (issue 12): by invitation and a certifications count,
from the rules file; retention is left out when the rules make it a computed requirement."""

from __future__ import annotations

from partnerkit.gates import other_gates
from tests.unit.core.builders import D, shipped

RULES = shipped()


def test_elite_lists_the_invitation_and_the_certifications_count():
    gates = other_gates(RULES, "Elite", D(2026, 11, 15))
    texts = [g.english() for g in gates]
    assert texts[0] == "Elite is by invitation from HubSpot (not checked by partnerkit)"
    assert any("100 certifications" in x for x in texts)


def test_a_tier_without_gates_lists_none():
    assert other_gates(RULES, "Gold", D(2026, 11, 15)) == []
    assert other_gates(RULES, None, D(2026, 11, 15)) == []

"""Issue 12: the calculator's "What does it take?" lists Elite's other gates (by invitation, a
certifications count) under the gap table, as the dashboard's "Get to" and the report do."""

from __future__ import annotations

from tests.unit.ui.test_calculator import build


def test_what_does_it_take_for_elite_lists_its_other_gates():
    calc = build()
    g = calc.target
    g.tier.value = "Elite"
    assert "Elite is by invitation from HubSpot" in g.table.value
    assert "100 certifications" in g.table.value
    g.tier.value = "Gold"
    assert "pk-other-gates" not in g.table.value

"""A tier's gates partnerkit does not compute (issue 12): Elite is by invitation and needs a count
of certifications (program-rules.md §1; `invitation_only`/`other_requirements` in the rules file).
They are shown wherever Elite's requirements are ("Get to", the calculator's "What does it take?",
the report), never silently left out. Retention is a computed requirement (issue 18), not listed.
"""

from __future__ import annotations

import datetime as dt

from partnerkit.messages import Message, Term, msg
from partnerkit.retention import retention_minimum
from partnerkit.rules import Rulebook


def other_gates(rules: Rulebook, tier: str | None, on: dt.date) -> list[Message]:
    """The gates of `tier` on `on` that partnerkit does not check, as messages."""
    req = next((r for r in rules.tier_ladder(on) if r.tier == tier), None)
    if req is None:
        return []
    out = []
    if req.invitation_only:
        out.append(msg("gate.invitation", tier=req.tier))
    computed_retention = retention_minimum(rules, on).get(req.tier) is not None
    for text in req.other_requirements:
        if computed_retention and "retention" in text.lower():
            continue  # checked against the 12-month C$R like the points minimums
        out.append(msg("gate.other", tier=req.tier, requirement=Term("other_requirement", text)))
    return out

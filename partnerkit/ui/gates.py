"""Elite's other gates (by invitation, a certifications count) under a requirements table, in the
user's language: one renderer for the dashboard's "Get to", the calculator and the report."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from partnerkit.gates import other_gates
from partnerkit.ui.say import say


def gates_html(rules: Any, tier: str | None, on: dt.date, locale: str) -> str:
    gates = other_gates(rules, tier, on)
    if not gates:
        return ""
    items = "".join(f"<li>{html.escape(say(g, locale))}</li>" for g in gates)
    return f'<ul class="pk-other-gates" data-tier="{html.escape(str(tier))}">{items}</ul>'

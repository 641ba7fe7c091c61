"""Profile the engine on a synthetic ledger (what the engine findings were measured with).

    .venv/bin/python bench/profile_engine.py 10000000

Prints a pyinstrument call tree of Valuation + compute_standing + history(months=24), after one
warm-up pass. (`--categorical` is kept for old command lines: Ledger.from_frame already keeps
the text columns as categoricals.)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import AS_OF, synthetic_frame


def main(argv: list[str]) -> int:
    from pyinstrument import Profiler

    from partnerkit import load_rules
    from partnerkit.ledger import Ledger
    from partnerkit.standing import Valuation, compute_standing, history

    events = int(argv[0]) if argv and argv[0].isdigit() else 1_000_000
    rules = load_rules()
    ledger = Ledger.from_frame(synthetic_frame(events))
    if "--categorical" in argv:
        frame = ledger.frame
        for col in ("kind", "client_id", "client_name", "deal_type", "currency", "country",
                    "product_line"):
            frame[col] = frame[col].astype("category")
        ledger = Ledger(frame)
    as_of = dt.date.fromisoformat(AS_OF)
    compute_standing(Valuation(ledger, rules), as_of)  # warm-up: imports, caches
    profiler = Profiler(interval=0.001)
    profiler.start()
    v = Valuation(ledger, rules)
    compute_standing(v, as_of)
    history(v, as_of, months=24)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

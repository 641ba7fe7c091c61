"""Issue 12 — tier risks (partnerkit.risks.tier_risks) and the credited tier from the history
(partnerkit.tier_history.credited_on) on synthetic ledgers (bench/synthetic.py), on an already
built Valuation (every surface has one), against a floor measured in the same run: one
`compute_standing` on the as-of date (what the Tier page computes anyway).

    .venv/bin/python bench/bench_risks.py [--sizes 100000,1000000] [--runs 3]

Prints, per size: median wall seconds of tier_risks, of credited_on, of the floor, and the ratio,
with the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import AS_OF, synthetic_frame

from partnerkit import load_rules
from partnerkit.ledger import Ledger
from partnerkit.risks import tier_risks
from partnerkit.standing import Valuation, compute_standing
from partnerkit.tier_history import TierRecord, credited_on


def median_wall(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rules = load_rules()
    as_of = dt.date.fromisoformat(str(AS_OF)) if not isinstance(AS_OF, dt.date) else AS_OF
    history = [TierRecord(as_of.replace(year=as_of.year - 1), "Gold")]
    for size in (int(s) for s in args.sizes.split(",")):
        v = Valuation(Ledger.from_frame(synthetic_frame(size)), rules)

        cr = credited_on(v, rules, history, as_of, None)

        def credited(v: Valuation = v) -> None:
            credited_on(v, rules, history, as_of, None)

        def risks(v: Valuation = v, cr: Any = cr) -> None:
            tier_risks(v, rules, as_of, cr, None, None)

        def floor(v: Valuation = v) -> None:
            v._sums_cache.clear()
            compute_standing(v, as_of, with_clients=False)

        c = median_wall(credited, args.runs)
        r, f = median_wall(risks, args.runs), median_wall(floor, args.runs)
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"{size:>9} rows: tier_risks {r:.3f} s, credited_on {c:.3f} s, floor (standing) "
              f"{f:.3f} s, risks/floor {r / f:.1f}x (load {' '.join(load)})")


if __name__ == "__main__":
    main()

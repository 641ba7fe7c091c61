"""Issue 18 — Program Progress (12-month sourced/assisted MRR and C$R with its 12-month average)
on synthetic ledgers (bench/synthetic.py), on an already built Valuation (the dashboard, CLI and
report have one), against a floor measured in the same run: plain numpy on prepared arrays - one
pass over every row's amount with a grouped sum by client (np.bincount), the engine bench's floor.

    .venv/bin/python bench/bench_progress.py [--sizes 10000,100000,1000000] [--runs 5]

Prints, per size: median wall and CPU seconds of program_progress, the floor, their ratio, and
(for scale) the CPU seconds of building the Valuation itself, which every surface already pays.
Note the load average (printed) with any figure you report: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from synthetic import AS_OF, synthetic_frame

from partnerkit import load_rules
from partnerkit.ledger import Ledger
from partnerkit.program_progress import program_progress
from partnerkit.standing import Valuation


def measure(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = [], []
    fn()  # warm-up (imports, caches)
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rules = load_rules()
    as_of = dt.date.fromisoformat(AS_OF)
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(f"{'events':>10} {'progress s':>11} {'cpu s':>7} {'floor s':>8} {'cpu s':>7} "
          f"{'ratio (wall)':>12} {'valuation cpu s':>16}")
    for n in (int(x) for x in args.sizes.split(",")):
        ledger = Ledger.from_frame(synthetic_frame(n))
        c0 = time.process_time()
        v = Valuation(ledger, rules)
        vc = time.process_time() - c0
        pw, pc = measure(lambda v=v: program_progress(v, as_of, rules, "EUR"), args.runs)
        codes = v.client_codes.astype(np.int64)
        units = v.units.astype(np.float64)
        fw, fc = measure(lambda c=codes, u=units: np.bincount(c, weights=u), args.runs)
        print(f"{n:>10,} {pw:>11.3f} {pc:>7.3f} {fw:>8.3f} {fc:>7.3f} {pw / fw:>11.1f}x "
              f"{vc:>16.3f}")


if __name__ == "__main__":
    main()

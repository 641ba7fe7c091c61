"""Scenario 1 — the points engine (F2.2-F2.7) on synthetic ledgers of 10k to 10M events.

Per size, in a fresh interpreter (so the memory peak is its own): build the frame
(bench/synthetic.py, Ledger.from_frame format), then several passes of what a dashboard does on
load: build the `Valuation` (rule combination and expiry of every row), `compute_standing` on it
(totals, expiring, per-client breakdown) and `history(months=24)`. The floor is plain numpy on
already-prepared arrays: one multiply of the amounts by a per-row points factor and one grouped sum
by client with np.bincount — the arithmetic the engine cannot avoid.

The ledger's text columns are categoricals (Ledger.from_frame keeps them so since d26cc21), so the
former "categoricals (proposed)" what-if rows are gone: they measured the same thing twice.
"""

from __future__ import annotations

import json
from typing import Any

from common import Figure, fmt, median, run_json_subprocess

SCENARIO = "engine"
FULL_SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
QUICK_SIZES = (10_000, 100_000)
SMOKE_SIZES = (2_000,)


def _runs(n: int) -> int:
    return 3 if n >= 5_000_000 else 5 if n >= 500_000 else 7


# Runs inside the subprocess. Prints one JSON line.
_CHILD = r"""
import datetime as dt, gc, json, sys, time
sys.path.insert(0, "bench")
import numpy as np
from synthetic import synthetic_frame, AS_OF
from common import current_rss_mb
from partnerkit import load_rules
from partnerkit.ledger import Ledger
from partnerkit.standing import Valuation, compute_standing, history

def hwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

N, RUNS = {n}, {runs}
as_of = dt.date.fromisoformat(AS_OF)
rules = load_rules()
t0 = time.perf_counter(); frame = synthetic_frame(N); t_gen = time.perf_counter() - t0
t0 = time.perf_counter(); ledger = Ledger.from_frame(frame); t_adopt = time.perf_counter() - t0
del frame; gc.collect()
base_rss = current_rss_mb()
try:
    open("/proc/self/clear_refs", "w").write("5")  # reset the high-water mark: engine peak only
except OSError:
    pass
val, std, his, cpu = [], [], [], []
for _ in range(RUNS):
    gc.collect()
    c0 = time.process_time()
    t0 = time.perf_counter(); v = Valuation(ledger, rules)
    t1 = time.perf_counter(); s = compute_standing(v, as_of)
    t2 = time.perf_counter(); h = history(v, as_of, months=24)
    t3 = time.perf_counter()
    cpu.append(time.process_time() - c0)
    val.append(t1 - t0); std.append(t2 - t1); his.append(t3 - t2)
    del v, s, h
peak = hwm_mb()
# floor: prepared arrays (client codes, per-row float factor), one multiply + one grouped sum
v = Valuation(ledger, rules)
codes = v.client_codes.astype(np.int64)
nc = len(v.client_ids)
per_combo = np.array([float(c.rate / c.denominator) for c in v.combos])
factor = per_combo[v.combo_codes]
units = v.units.astype(np.float64)
floor, floor_cpu = [], []
for _ in range(max(RUNS, 7)):
    c0 = time.process_time(); t0 = time.perf_counter()
    np.bincount(codes, weights=units * factor, minlength=nc)
    floor.append(time.perf_counter() - t0); floor_cpu.append(time.process_time() - c0)
print(json.dumps({{"n": N, "clients": nc, "combos": len(v.combos), "gen": t_gen, "adopt": t_adopt,
                  "valuation": val, "standing": std, "history": his, "floor": floor,
                  "floor_cpu": floor_cpu, "cpu": cpu, "base_rss_mb": base_rss,
                  "peak_rss_mb": peak}}))
"""


def measure(n: int, runs: int | None = None) -> dict[str, Any]:
    code = _CHILD.format(n=int(n), runs=runs or _runs(n))
    return run_json_subprocess(code, timeout=1800)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def _total(r: dict[str, Any]) -> list[float]:
    return [a + b + c for a, b, c in zip(r["valuation"], r["standing"], r["history"], strict=True)]


def _target(n: int) -> tuple[str, float | None]:
    if n == 10_000_000:
        return "< 5 s and ≤ 10× floor", 5.0
    if n == 1_000_000:
        return "< 0.5 s", 0.5
    return "", None


def _check(n: int, seconds: float, floor: float) -> bool | None:
    _, limit = _target(n)
    if limit is None:
        return None
    return seconds < limit and (n != 10_000_000 or seconds / floor <= 10)


def run(quick: bool = False, smoke: bool = False) -> tuple[list[Figure], list[str]]:
    sizes = SMOKE_SIZES if smoke else QUICK_SIZES if quick else FULL_SIZES
    figures: list[Figure] = []
    notes: list[str] = []
    per_event: dict[int, float] = {}
    cpu_of: dict[int, float] = {}
    for n in sizes:
        r = measure(n, runs=2 if smoke else None)
        total = _total(r)
        fl, tot, cpu = median(r["floor"]), median(total), median(r["cpu"])
        # CPU time against the floor's CPU time (the wall floor also waits for a busy CPU)
        fl_cpu = median(r["floor_cpu"])
        per_event[n] = tot / n
        cpu_of[n] = cpu
        lab = label(n)
        target, _ = _target(n)
        runs = len(total)
        mem_target = "< 2 GB" if n == 10_000_000 else ""
        mem_pass = r["peak_rss_mb"] < 2048 if mem_target else None
        figures += [
            Figure(SCENARIO, f"{lab} events: Valuation + standing + history(24), wall", tot, "s",
                   fl, target, _check(n, tot, fl), runs, samples=total),
            Figure(SCENARIO, f"{lab} events: the same, CPU time", cpu, "s", fl_cpu, target,
                   _check(n, cpu, fl_cpu), runs, samples=r["cpu"]),
            Figure(SCENARIO, f"{lab}: Valuation (rules per row, expiry)", median(r["valuation"]),
                   "s", fl, runs=runs),
            Figure(SCENARIO, f"{lab}: compute_standing (incl. per-client)",
                   median(r["standing"]), "s", fl, runs=runs),
            Figure(SCENARIO, f"{lab}: history(months=24)", median(r["history"]), "s", fl,
                   runs=runs),
            Figure(SCENARIO, f"{lab}: peak memory while computing (process RSS)",
                   r["peak_rss_mb"], "MB", None, mem_target, mem_pass,
                   note=f"ledger alone {r['base_rss_mb']:.0f} MB"),
        ]
        notes.append(
            f"{lab}: {r['clients']:,} clients, {r['combos']} rule combinations; frame built in "
            f"{fmt(r['gen'], 's')}, Ledger.from_frame {fmt(r['adopt'], 's')}; process RSS with "
            f"the ledger loaded {r['base_rss_mb']:.0f} MB, peak while computing "
            f"{r['peak_rss_mb']:.0f} MB; {per_event[n] * 1e6:.2f} µs per event end to end "
            f"(wall), CPU {cpu:.3f} s; floor {fmt(fl, 's')} (CPU {fmt(fl_cpu, 's')}).")
    big = [n for n in sizes if n >= 100_000]
    if len(big) >= 2:
        a, b = big[-2], big[-1]
        growth = cpu_of[b] / cpu_of[a]  # CPU time: the wall clock is mostly the machine's load
        figures.append(Figure(SCENARIO, f"growth {label(a)} → {label(b)} events (CPU time ratio)",
                              growth, "×", b / a, f"≈ {b / a:.0f}× (linear: ratio ≤ 1.3)",
                              growth <= 1.3 * b / a))
    return figures, notes


if __name__ == "__main__":
    import sys

    figs, notes = run(quick="--quick" in sys.argv)
    print(json.dumps([f.__dict__ for f in figs], default=str, indent=1))

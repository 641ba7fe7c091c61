"""Shared benchmark plumbing: timing, medians, figures, the results table and docs/benchmarks.md.

Method (issue 7): every figure is a ratio against a floor measured in the same run (the machine is
shared and noisy, so absolute times drift; ratios much less), the median of several runs, plus the
absolute medians for reference. Each scenario module returns a list of `Figure`; bench/run.py
stores them per scenario in bench/results/<scenario>.json (with the machine they ran on) and
renders every stored scenario into docs/benchmarks.md, so `--only storage` refreshes one section
without losing the others.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable


@dataclass
class Figure:
    """One row of the table. `median` and `floor` are in `unit` (s, ms, rows/s, MB, ...)."""

    scenario: str
    name: str
    median: float
    unit: str = "s"
    floor: float | None = None
    target: str = ""
    passed: bool | None = None  # None: informational, no target
    runs: int = 1
    note: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or not self.floor or not self.median:
            return None
        if self.unit.endswith("/s"):  # a rate: how many times slower than the floor
            return self.floor / self.median
        return self.median / self.floor


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one call (perf_counter), with the garbage collector run before."""
    gc.collect()
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def repeat(fn: Callable[[], Any], runs: int, warmup: int = 0) -> list[float]:
    """Wall times of `runs` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    return [timed(fn)[0] for _ in range(runs)]


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def p95(xs: list[float]) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_json_subprocess(code: str, timeout: float = 900) -> Any:
    """Run Python `code` in a fresh interpreter (own memory peak); it prints one JSON line last."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(
        [PYTHON, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- machine ---------------------------------------------------------------------------------
PACKAGES = (
    "partnerkit",
    "numpy",
    "pandas",
    "sqlalchemy",
    "psycopg",
    "ipywidgets",
    "voila",
    "papermill",
    "nbconvert",
    "ipykernel",
    "playwright",
    "dask",
)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = float("nan")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            continue
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory_gb": round(mem_gb, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "load_at_start": [round(x, 2) for x in load],
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


# -- output ----------------------------------------------------------------------------------
def fmt(value: float | None, unit: str = "") -> str:
    if value is None or value != value:  # None or NaN
        return "-"
    if unit == "s":
        if value < 1e-6:
            return f"{value * 1e9:.0f} ns"
        if value < 1e-3:
            return f"{value * 1e6:.0f} µs"
        if value < 1:
            return f"{value * 1e3:.1f} ms"
        return f"{value:.2f} s"
    if abs(value) >= 1000:
        return f"{value:,.0f} {unit}".strip()
    if abs(value) >= 10:
        return f"{value:.1f} {unit}".strip()
    return f"{value:.3g} {unit}".strip()


def verdict(f: Figure) -> str:
    return {True: "pass", False: "FAIL", None: ""}[f.passed]


def table(figures: list[Figure]) -> list[list[str]]:
    rows = [["figure", "median", "floor", "ratio", "target", "result"]]
    for f in figures:
        ratio = f.ratio
        rows.append(
            [
                f.name,
                fmt(f.median, f.unit),
                fmt(f.floor, f.unit),
                "-" if ratio is None else f"{ratio:.1f}×",
                f.target,
                verdict(f),
            ]
        )
    return rows


def print_table(figures: list[Figure]) -> None:
    rows = table(figures)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, r in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def markdown_table(figures: list[Figure]) -> str:
    rows = table(figures)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def save_results(
    scenario: str, figures: list[Figure], notes: list[str], info: dict[str, Any]
) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{scenario}.json"
    payload = {
        "scenario": scenario,
        "machine": info,
        "notes": notes,
        "figures": [asdict(f) for f in figures],
    }
    path.write_text(json.dumps(payload, indent=1, default=str) + "\n")
    return path


def load_results() -> dict[str, dict[str, Any]]:
    out = {}
    for p in sorted(RESULTS.glob("*.json")):
        data = json.loads(p.read_text())
        data["figures"] = [Figure(**f) for f in data["figures"]]
        out[data["scenario"]] = data
    return out

"""Scenario 6 — ingestion (issue 16): from a ledger file or the database to a tier, at 1M and 10M.

Side by side in one run, on generated ledger CSVs (bench/ledger_files.py: several currencies,
countries, deal types, managed snapshots, 5 % of rows with a first-sold date):

- **File → tier**: `partnerkit tier --ledger FILE --json` as a whole process, against the floor
  "a process that reads the same CSV with pyarrow and sums amount per client and kind"
  (bench/ingest_floor.py). Target ≤ 2.5×, at 1M and 10M; plus the process's peak memory (≤ 2 GB at
  10M) and CPU times (the machine is shared: CPU moves less than wall).
- **Import into SQLite**: `import_file(..., "ledger", FILE)` in rows/s (≥ 100k), the bare driver
  writing the same rows alongside; PostgreSQL reported when PARTNERKIT_TEST_PG_URL is set.
- **load_ledger → tier** from SQLite at 1M: `load_ledger` + `compute_standing` + `evaluate_tier`
  against a plain cursor read of the same columns. Target ≤ 2×.
- **Engine on prepared arrays**: bench_engine's 10M figure in three fresh interpreters, wall and
  CPU against its numpy floor. Target ≤ 10× in each.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from common import PYTHON, ROOT, Figure, fmt, median
from ledger_files import ledger_csv
from synthetic import AS_OF

SCENARIO = "ingest"
PARTNER = "bench-partner"
FILE_TIER_TARGET = 2.5
IMPORT_TARGET = 100_000
LOAD_TARGET = 2.0
ENGINE_TARGET = 10.0


def _process(cmd: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one child process (its own rusage, via wait4)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                         env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = ""
    if p.stderr:
        err = p.stderr.read().decode()
        p.stderr.close()
    if p.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def file_to_tier(rows: int, runs: int) -> tuple[list[Figure], list[str]]:
    path = ledger_csv(rows)
    size = f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"
    ours = [PYTHON, "-m", "partnerkit", "tier", "--ledger", str(path), "--json",
            "--as-of", AS_OF]
    floor = [PYTHON, str(ROOT / "bench" / "ingest_floor.py"), str(path)]
    got: dict[str, list[tuple[float, float, float]]] = {"ours": [], "floor": []}
    for _ in range(runs):  # interleaved, so both see the same load
        got["floor"].append(_process(floor))
        got["ours"].append(_process(ours))
    wall = {k: [r[0] for r in v] for k, v in got.items()}
    cpu = {k: [r[1] for r in v] for k, v in got.items()}
    rss = max(r[2] for r in got["ours"])
    ratio = median(wall["ours"]) / median(wall["floor"])
    cpu_ratio = median(cpu["ours"]) / median(cpu["floor"])
    figures = [
        Figure(SCENARIO, f"file → tier, {size} rows (partnerkit tier --ledger --json, wall)",
               median(wall["ours"]), "s", median(wall["floor"]), f"≤ {FILE_TIER_TARGET}× floor",
               ratio <= FILE_TIER_TARGET, runs, samples=wall["ours"],
               note="floor: pyarrow reads the CSV and sums amount per client and kind"),
        Figure(SCENARIO, f"file → tier, {size} rows, CPU time", median(cpu["ours"]), "s",
               median(cpu["floor"]), f"≤ {FILE_TIER_TARGET}× floor",
               cpu_ratio <= FILE_TIER_TARGET, runs, samples=cpu["ours"]),
        Figure(SCENARIO, f"file → tier, {size} rows, peak memory (process RSS)", rss, "MB",
               None, "≤ 2,048 MB" if rows >= 10_000_000 else "",
               rss <= 2048 if rows >= 10_000_000 else None,
               note=f"floor process: {max(r[2] for r in got['floor']):.0f} MB"),
    ]
    notes = [f"file → tier {size}: {path.stat().st_size / 1e6:,.0f} MB CSV; wall "
             f"{', '.join(fmt(x, 's') for x in wall['ours'])} vs floor "
             f"{', '.join(fmt(x, 's') for x in wall['floor'])}; CPU "
             f"{', '.join(f'{x:.2f}' for x in cpu['ours'])} s vs "
             f"{', '.join(f'{x:.2f}' for x in cpu['floor'])} s."]
    return figures, notes


def _new_store(url: str) -> Any:
    from partnerkit.store import Partner, open_store

    store = open_store(url)
    store.upsert_partner(Partner(PARTNER, "Bench Partner Lda", "PT", "EUR",
                                 dt.date(2027, 12, 31), dt.date(2019, 1, 1), "Gold",
                                 dt.date(2025, 1, 1)), by="bench")
    return store


_COLS = ("event_id", "kind", "client_id", "client_name", "date", "deal_type", "amount_units",
         "currency", "country", "product_line", "first_sold", "other_partners")


def _floor_insert(url: str, tuples: list[tuple[Any, ...]]) -> tuple[float, float]:
    """(wall, CPU) for the bare driver writing the rows into a freshly migrated store."""
    from partnerkit.store.writes import SQLITE_BULK_CACHE_KIB

    store = _new_store(url)
    raw = store.engine.raw_connection()
    cols = ", ".join(("partner_id", *_COLS))
    try:
        cur = raw.cursor()
        if url.startswith("sqlite"):
            cur.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
            c0, t0 = time.process_time(), time.perf_counter()
            cur.execute("BEGIN")
            cur.executemany(f"INSERT INTO ledger ({cols}) VALUES ({', '.join('?' * 13)})", tuples)
            raw.commit()
        else:
            c0, t0 = time.process_time(), time.perf_counter()
            with cur.copy(f"COPY ledger ({cols}) FROM STDIN") as copy:
                for r in tuples:
                    copy.write_row(r)
            raw.commit()
        return time.perf_counter() - t0, time.process_time() - c0
    finally:
        raw.close()
        store.close()


def _import(label: str, make_url: Any, path: Path, rows: int, runs: int
            ) -> tuple[list[Figure], list[str], Any]:
    from partnerkit.store.importer import Ctx, import_file, read_ledger_csv_file

    as_of = dt.date.fromisoformat(AS_OF)
    store = _new_store(make_url("book"))
    c0, t0 = time.process_time(), time.perf_counter()
    res = import_file(store, PARTNER, "ledger", path, today=as_of)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    checked = read_ledger_csv_file(path, Ctx(today=as_of, rules=store.rules), path.name)
    tuples = list(zip([PARTNER] * len(checked), *(checked.columns[c] for c in _COLS),
                      strict=True))
    del checked
    floor_wall, floor_cpu = _floor_insert(make_url("floor"), tuples)
    del tuples
    rate, floor_rate = res.rows / wall, res.rows / floor_wall
    size = f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"
    sqlite = label == "SQLite"
    figures = [
        Figure(SCENARIO, f"{label}: import {size} ledger rows (CSV → store), rate", rate,
               "rows/s", floor_rate, f"≥ {IMPORT_TARGET:,} rows/s" if sqlite else "",
               rate >= IMPORT_TARGET if sqlite else None,
               note="floor: the bare driver inserting the same rows"),
        Figure(SCENARIO, f"{label}: import {size} ledger rows, CPU time (partnerkit process)",
               cpu, "s", floor_cpu),
    ]
    notes = [f"{label}: import of {res.rows:,} rows in {fmt(wall, 's')} ({rate:,.0f} rows/s, "
             f"{cpu:.1f} s CPU); bare driver {fmt(floor_wall, 's')} ({floor_rate:,.0f} rows/s, "
             f"{floor_cpu:.1f} s CPU)."]
    return figures, notes, store


def load_to_tier(store: Any, size: str, runs: int) -> tuple[list[Figure], list[str]]:
    from partnerkit import load_rules
    from partnerkit.standing import compute_standing
    from partnerkit.tiers import evaluate_tier

    as_of = dt.date.fromisoformat(AS_OF)
    rules = load_rules()
    sql = f"SELECT {', '.join(_COLS)} FROM ledger WHERE partner_id = ? ORDER BY date, event_id"

    def floor() -> int:
        raw = store.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(sql, (PARTNER,))
            return len(cur.fetchall())
        finally:
            raw.close()

    def ours() -> str:
        ledger = store.load_ledger(PARTNER)
        s = compute_standing(ledger, as_of, rules)
        return evaluate_tier(s, as_of, rules).tier_label

    ours()  # warm: statements compiled, rules cached
    walls: dict[str, list[float]] = {"ours": [], "floor": []}
    cpus: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(runs):
        for name, fn in (("floor", floor), ("ours", ours)):
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            walls[name].append(time.perf_counter() - t0)
            cpus[name].append(time.process_time() - c0)
    ratio = median(walls["ours"]) / median(walls["floor"])
    cpu_ratio = median(cpus["ours"]) / median(cpus["floor"])
    return [
        Figure(SCENARIO, f"SQLite: load_ledger → tier, {size} rows (wall)", median(walls["ours"]),
               "s", median(walls["floor"]), f"≤ {LOAD_TARGET}× floor", ratio <= LOAD_TARGET,
               runs, samples=walls["ours"], note="floor: a plain cursor read of the same columns"),
        Figure(SCENARIO, f"SQLite: load_ledger → tier, {size} rows, CPU time",
               median(cpus["ours"]), "s", median(cpus["floor"]), f"≤ {LOAD_TARGET}× floor",
               cpu_ratio <= LOAD_TARGET, runs, samples=cpus["ours"]),
    ], []


def engine(rows: int, fresh_runs: int) -> tuple[list[Figure], list[str]]:
    from bench_engine import _total, label, measure

    figures: list[Figure] = []
    target = f"≤ {ENGINE_TARGET:g}× floor" if rows >= 10_000_000 else ""  # (small: overheads)
    for k in range(fresh_runs):
        r = measure(rows)
        wall, fl = median(_total(r)), median(r["floor"])
        cpu, fl_cpu = median(r["cpu"]), median(r["floor_cpu"])
        figures += [
            Figure(SCENARIO, f"engine {label(rows)} on prepared arrays, fresh run {k + 1} (wall)",
                   wall, "s", fl, target, wall / fl <= ENGINE_TARGET if target else None,
                   len(r["cpu"]), samples=_total(r)),
            Figure(SCENARIO, f"engine {label(rows)}, fresh run {k + 1} (CPU)", cpu, "s", fl_cpu,
                   target, cpu / fl_cpu <= ENGINE_TARGET if target else None, len(r["cpu"]),
                   samples=r["cpu"]),
        ]
    return figures, []


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(quick: bool = False, smoke: bool = False) -> tuple[list[Figure], list[str]]:
    sizes = (5_000,) if smoke else (100_000,) if quick else (1_000_000, 10_000_000)
    runs = 1 if smoke else 3
    figures: list[Figure] = []
    notes: list[str] = [f"load average at start: {_load()}"]
    for rows in sizes:
        f, n = file_to_tier(rows, runs if rows < 10_000_000 else 2)
        figures += f
        notes += n
    rows = sizes[0]
    size = f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"
    with tempfile.TemporaryDirectory(prefix="pk-ingest-") as tmp:
        folder = Path(tmp)
        f, n, store = _import("SQLite", lambda name: f"sqlite:///{folder / (name + '.db')}",
                              ledger_csv(rows), rows, runs)
        figures += f
        notes += n
        try:
            f, n = load_to_tier(store, size, runs)
            figures += f
            notes += n
        finally:
            store.close()
        pg = os.environ.get("PARTNERKIT_TEST_PG_URL")
        if pg and not smoke:
            figures_pg, notes_pg = _postgres(pg, ledger_csv(rows), rows, runs)
            figures += figures_pg
            notes += notes_pg
        elif not pg:
            notes.append("PostgreSQL: skipped (PARTNERKIT_TEST_PG_URL is not set).")
    f, n = engine(2_000 if smoke else 100_000 if quick else 10_000_000, 1 if smoke else 3)
    figures += f
    notes += n
    notes.append(f"load average at end: {_load()}")
    return figures, notes


def _postgres(pg: str, path: Path, rows: int, runs: int) -> tuple[list[Figure], list[str]]:
    import sqlalchemy as sa

    admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def url(name: str) -> str:
        db = f"pk_ingest_{name}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{db}"'))
        made.append(db)
        return str(sa.engine.make_url(pg).set(database=db).render_as_string(hide_password=False))

    try:
        f, n, store = _import("PostgreSQL", url, path, rows, runs)
        store.close()
        return f, n
    finally:
        with admin.connect() as c:
            for db in made:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()

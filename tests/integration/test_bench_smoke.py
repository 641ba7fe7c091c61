"""Issue 7: a tiny run of every benchmark scenario, so bench/ cannot rot.

Each smoke run uses toy sizes and one or two repetitions; the figures are meaningless and never
stored (`bench/run.py --smoke` writes nothing). What is checked: each scenario runs end to end on
the real engine, store, widget and papermill, and reports figures that make sense (positive,
finite, slower than their floors where the floor is a strict subset of the work).
"""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


def scenario(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"bench_{name}")


def by_name(figures: list, fragment: str):  # type: ignore[no-untyped-def]
    found = [f for f in figures if fragment in f.name]
    assert found, f"no figure named like {fragment!r} in {[f.name for f in figures]}"
    return found[0]


def assert_sane(figures: list) -> None:  # type: ignore[no-untyped-def]
    assert figures
    for f in figures:
        assert math.isfinite(f.median) and f.median > 0, f
        if f.floor is not None:
            assert math.isfinite(f.floor) and f.floor > 0, f


def test_the_engine_benchmark_times_standing_history_and_memory_against_a_numpy_floor():
    figures, notes = scenario("engine").run(smoke=True)
    assert_sane(figures)
    total = by_name(figures, "Valuation + standing + history(24), wall")
    assert total.ratio is not None and total.ratio > 1  # the floor is a subset of the work
    assert by_name(figures, "peak memory").unit == "MB"
    assert "rule combinations" in notes[0]


def test_the_storage_benchmark_imports_a_book_and_times_every_dashboard_view():
    figures, notes = scenario("storage").run(smoke=True)
    assert_sane(figures)
    rate = by_name(figures, "SQLite: ledger import rate")
    assert rate.unit == "rows/s" and rate.target.startswith("≥")
    for view in ("client_table", "renewals_due", "client_details", "load_ledger"):
        by_name(figures, view)
    assert any("5,000 rows" in n for n in notes)


def test_the_calculator_benchmark_times_the_core_and_the_widget_recalculation():
    figures, notes = scenario("calculator").run(smoke=True)
    assert_sane(figures)
    est = by_name(figures, "estimate_points")
    assert est.ratio is not None and est.ratio > 1
    by_name(figures, "widget: type an amount")
    assert any("the figures change with the amount: yes" in n for n in notes)


@pytest.mark.slow
def test_the_reports_benchmark_runs_one_report_against_the_empty_notebook_floor():
    figures, notes = scenario("reports").run(smoke=True)
    assert_sane(figures)
    one = by_name(figures, "one report")
    assert one.ratio is not None and one.ratio > 1
    assert "empty one-cell notebook" in notes[0]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_the_dashboard_benchmark_renders_the_tier_page_and_the_one_button_floor():
    figures, _notes = scenario("dashboard").run(smoke=True)
    assert_sane(figures)
    first = by_name(figures, "Tier page")
    assert first.floor is not None


def test_run_py_prints_the_table_and_refuses_unknown_scenarios(capsys):
    run = importlib.import_module("run")
    assert run.main(["--smoke", "--only", "calculator"]) == 0
    out = capsys.readouterr().out
    assert "figure" in out and "median" in out and "floor" in out and "ratio" in out
    assert "wrote" not in out  # a smoke run stores nothing
    assert run.main(["--only", "nonsense", "--no-doc"]) == 2


def test_the_markdown_page_lists_each_stored_scenario_with_its_machine(tmp_path, monkeypatch):
    common = importlib.import_module("common")
    run = importlib.import_module("run")
    monkeypatch.setattr(common, "RESULTS", tmp_path)
    fig = common.Figure("calculator", "estimate_points (F3.1), per call", 0.0002, "s", 0.000001,
                        "< 20 ms", True, 5)
    common.save_results("calculator", [fig], ["a note"], common.machine())
    page = run.render()
    assert "## 4. Calculator" in page and "| estimate_points (F3.1), per call | 200 µs |" in page
    assert "200.0×" in page and "| pass |" in page and "- a note" in page
    assert "Python " in page and " CPUs (" in page


def test_the_ingest_benchmark_times_file_to_tier_import_load_and_engine_against_floors(
        tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERKIT_BENCH_CACHE", str(tmp_path))
    figures, notes = scenario("ingest").run(smoke=True)
    assert_sane(figures)
    assert by_name(figures, "file → tier, 5k rows").floor
    assert by_name(figures, "SQLite: import 5k").unit == "rows/s"
    assert by_name(figures, "load_ledger → tier").floor
    assert by_name(figures, "engine 2k on prepared arrays, fresh run 1")
    assert any("load average" in n for n in notes)

"""Style and typing gates (stamina-style): ruff over the code, mypy strict over the pure core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE_CORE = [
    "partnerkit/money.py", "partnerkit/countries.py", "partnerkit/explain.py", "partnerkit/rules",
    "partnerkit/display.py", "partnerkit/messages.py",
    "partnerkit/ledger.py", "partnerkit/ledger_csv.py", "partnerkit/points.py",
    "partnerkit/standing.py", "partnerkit/tiers.py",
    "partnerkit/progress.py", "partnerkit/retention.py", "partnerkit/program_progress.py",
    "partnerkit/risks.py", "partnerkit/tier_history.py", "partnerkit/changes.py",
    "partnerkit/gates.py",
]
FORBIDDEN_IN_CORE = ("ipywidgets", "sqlalchemy", "voila", "papermill", "matplotlib", "open(",
                     "pathlib", "partnerkit.store", "partnerkit.ui", "partnerkit.reports")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def test_ruff_finds_nothing_to_fix_in_the_package_tests_and_benchmarks() -> None:
    result = _run("ruff", "check", "partnerkit", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pure_core_type_checks_under_mypy_strict() -> None:
    result = _run("mypy", "--no-incremental", *PURE_CORE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pure_core_imports_no_widgets_database_files_or_shells() -> None:
    offenders = []
    for rel in PURE_CORE:
        for path in sorted((ROOT / rel).rglob("*.py")) if (ROOT / rel).is_dir() else [ROOT / rel]:
            text = path.read_text("utf-8")
            offenders += [f"{path.relative_to(ROOT)}: {word}" for word in FORBIDDEN_IN_CORE
                          if word in text]
    assert offenders == []

"""Every notebook in notebooks/ executes headless under nbval (`--nbval-lax`), on a seeded demo
database (PARTNERKIT_DB), as a user or CI would run it:

    PARTNERKIT_DB=sqlite:////tmp/demo.db python -m pytest --nbval-lax notebooks/

One inner pytest per notebook, so a failure names the notebook. (Reports, issue 6; the calculator
and dashboard notebooks belong to issues 4 and 5 and are only executed here.)
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb")  # examples/ too (issue 17)
                   if ".ipynb_checkpoints" not in p.parts)
TODAY = dt.date(2026, 11, 28)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from partnerkit.store.demo import create_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('nbval') / 'demo.sqlite3'}"
    create_demo(url, seed=7, today=TODAY)
    return url


def test_there_are_notebooks_to_check():
    assert any(p.name == "monthly_tier_report.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_notebook_runs_headless_under_nbval_lax(notebook: Path, seeded_db: str, tmp_path):
    env = {
        **os.environ,
        "PARTNERKIT_DB": seeded_db,
        "PARTNERKIT_AS_OF": TODAY.isoformat(),
        "MPLBACKEND": "agg",
    }
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(ROOT),
            str(notebook.relative_to(ROOT)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
    assert " passed" in p.stdout and " failed" not in p.stdout

"""tests/conftest.py's enforcement (issue 4 Quality: browser tests "fail, not skip, in CI when the
browser is missing"): a pytest run in a scratch project that uses the real conftest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

SKIPPING_TESTS = """
import pytest

@pytest.mark.postgres
def test_needs_postgres(pg_admin_url):
    assert pg_admin_url

@pytest.mark.browser
def test_pretends_the_browser_is_missing():
    pytest.skip("no chromium here")

def test_plain():
    pass
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "tests").mkdir(exist_ok=True)
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "test_scratch.py").write_text(SKIPPING_TESTS)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    browser: b\n    postgres: p\n    slow: s\n"
        "addopts = --strict-markers -p no:cacheprovider\n"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CI", "PARTNERKIT_REQUIRE_ALL", "PARTNERKIT_TEST_PG_URL"}
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests"],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_locally_a_skipped_browser_or_postgres_test_is_only_a_skip(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode == 0, done.stdout
    assert "2 skipped" in done.stdout
    assert "0 browser, 0 postgres tests ran; 2 browser/postgres test(s) skipped" in done.stdout


def test_in_ci_a_skipped_browser_or_postgres_test_fails_the_session_naming_it(
    tmp_path: Path,
) -> None:
    done = _run(tmp_path, PARTNERKIT_REQUIRE_ALL="1")
    assert done.returncode == 1, done.stdout
    assert "SKIPPED-BUT-REQUIRED tests/test_scratch.py::test_needs_postgres" in done.stdout
    assert (
        "SKIPPED-BUT-REQUIRED tests/test_scratch.py::test_pretends_the_browser_is_missing"
        in done.stdout
    )
    assert "PARTNERKIT_TEST_PG_URL is not set" in done.stdout
    assert "SKIPPED-BUT-REQUIRED tests/test_scratch.py::test_plain" not in done.stdout


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "false"}, False),
        ({"PARTNERKIT_REQUIRE_ALL": "1"}, True),
        ({"PARTNERKIT_REQUIRE_ALL": "0"}, False),
    ],
)
def test_ci_or_partnerkit_require_all_switch_the_enforcement_on(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], required: bool
) -> None:
    from tests.conftest import require_all

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PARTNERKIT_REQUIRE_ALL", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert require_all() is required

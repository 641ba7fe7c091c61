"""Suite-wide pytest wiring (infra). Keep it small: feature fixtures live in subfolder conftests.

1. Markers become environment checks: a `browser` test skips when /usr/bin/chromium is missing,
   a `postgres` test skips when PARTNERKIT_TEST_PG_URL is unset — each with a reason saying how
   to get it (scripts/system-deps.sh, scripts/test-services.sh).
2. Enforcement: with CI=true or PARTNERKIT_REQUIRE_ALL=1 (set by .ci/run), any skipped
   `browser`/`postgres` test fails the session, listing them. A green CI run therefore means the
   browser and database tests really ran. A one-line summary says how many ran.
3. PostgreSQL fixtures: `pg_admin_url` (the URL from the environment) and `fresh_pg_url`
   (a uniquely named throwaway database, dropped afterwards).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Shared test helpers import as `tests.…` (e.g. `from tests.e2e.harness import start_voila`) however
# pytest is started (--import-mode=importlib does not touch sys.path).
_REPO = str(Path(__file__).resolve().parent.parent)
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

CHROMIUM = Path("/usr/bin/chromium")
PG_ENV = "PARTNERKIT_TEST_PG_URL"
_ENFORCED_MARKERS = ("browser", "postgres")


def require_all() -> bool:
    """True in CI (CI=true) or when PARTNERKIT_REQUIRE_ALL=1: no browser/postgres test may skip."""
    return (
        os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
        or os.environ.get("PARTNERKIT_REQUIRE_ALL", "").strip() == "1"
    )


# --------------------------------------------------------------------------- marker checks


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        pytest.skip(
            f"browser test: {CHROMIUM} is missing; install Debian's chromium "
            "(as root: bash scripts/system-deps.sh)"
        )
    if item.get_closest_marker("postgres") and not os.environ.get(PG_ENV):
        pytest.skip(
            f"postgres test: {PG_ENV} is not set; run the suite with ./dev test "
            "(it sources scripts/test-services.sh) or export a SQLAlchemy URL whose role may "
            "CREATE DATABASE"
        )


# --------------------------------------------------------------------------- enforcement


class _Enforcer:
    """Plugin object: tallies browser/postgres tests, fails the session on required skips."""

    def __init__(self) -> None:
        self.ran: dict[str, set[str]] = {m: set() for m in _ENFORCED_MARKERS}
        self.skipped: dict[str, str] = {}  # nodeid -> "[markers] reason"

    @staticmethod
    def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            return str(longrepr[2]).removeprefix("Skipped: ")
        return str(longrepr)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        markers = [m for m in _ENFORCED_MARKERS if m in report.keywords]
        if not markers or hasattr(report, "wasxfail"):
            return
        if report.skipped:
            self.skipped[report.nodeid] = f"[{', '.join(markers)}] {self._reason(report)}"
        elif report.when == "call":
            for m in markers:
                self.ran[m].add(report.nodeid)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # A whole browser module skipped at import (pytest.importorskip("playwright"), a
        # module-level skip) counts too: everything under tests/e2e is browser territory.
        if report.skipped and report.nodeid.replace("\\", "/").startswith("tests/e2e"):
            self.skipped[report.nodeid] = f"[browser module] {self._reason(report)}"

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.skipped and require_all() and session.exitstatus in (0, 5):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        tr = terminalreporter
        ran = ", ".join(f"{len(self.ran[m])} {m}" for m in _ENFORCED_MARKERS)
        tr.write_line(
            f"partnerkit: {ran} tests ran; {len(self.skipped)} browser/postgres test(s) skipped"
        )
        if self.skipped and require_all():
            tr.write_sep("=", "REQUIRED TESTS SKIPPED (CI / PARTNERKIT_REQUIRE_ALL=1)", red=True)
            for nodeid, reason in sorted(self.skipped.items()):
                tr.write_line(f"SKIPPED-BUT-REQUIRED {nodeid}: {reason}", red=True)
            tr.write_line(
                f"partnerkit: {len(self.skipped)} browser/postgres test(s) skipped, but CI "
                "requires them: install the system packages (bash scripts/system-deps.sh as "
                "root) and start PostgreSQL (source scripts/test-services.sh). Session FAILED.",
                red=True,
            )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_Enforcer(), "partnerkit-required-tests")


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """SQLAlchemy URL of the test PostgreSQL (its role may CREATE DATABASE)."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(
            f"{PG_ENV} is not set: run the suite with ./dev test (sources scripts/test-services.sh)"
        )
    return url


_STALE_AFTER_S = 6 * 3600  # throwaway databases older than this were left by an interrupted run


def _sweep_stale_databases(conn: object, now: int) -> None:
    """Drop throwaway databases (name partnerkit_t_<epoch>_<hex>) left by killed test runs."""
    import sqlalchemy as sa

    rows = conn.execute(  # type: ignore[attr-defined]
        sa.text(
            "SELECT datname FROM pg_database "
            "WHERE datname LIKE :pattern AND pg_get_userbyid(datdba) = current_user"
        ),
        {"pattern": "partnerkit\\_t\\_%"},
    ).scalars()
    for name in list(rows):
        parts = name.split("_")
        if len(parts) == 4 and parts[2].isdigit() and now - int(parts[2]) > _STALE_AFTER_S:
            # best effort: another run may be dropping it right now
            with contextlib.suppress(sa.exc.DBAPIError):
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]


@pytest.fixture
def fresh_pg_url(pg_admin_url: str) -> Iterator[str]:
    """URL of a new, empty, uniquely named PostgreSQL database; dropped (forcibly) afterwards."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    now = int(time.time())
    name = f"partnerkit_t_{now}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            _sweep_stale_databases(conn, now)
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.dispose()

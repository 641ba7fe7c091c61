"""Storage fixtures (issue 3): every storage test runs against SQLite and PostgreSQL.

`db_url` is parametrised: a fresh SQLite file, and (marked `postgres`) a throwaway PostgreSQL
database from the suite's `fresh_pg_url`. `demo_db_url` is a module-wide demo book per backend for
read-only tests (tests that write use `db_url`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

TEST_TODAY = dt.date(2026, 11, 15)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("PARTNERKIT_AS_OF", TEST_TODAY.isoformat())
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("fresh_pg_url"))


@pytest.fixture(scope="module", params=BACKENDS)
def demo_db_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    """A demo book (seed 7, today 2026-11-15), shared by a module's read-only tests."""
    from partnerkit.store.demo import create_demo

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
        create_demo(url, seed=7, today=TEST_TODAY)
        yield url
        return
    with _module_pg_database(request.getfixturevalue("pg_admin_url")) as url:
        create_demo(url, seed=7, today=TEST_TODAY)
        yield url


class _module_pg_database:
    def __init__(self, admin_url: str) -> None:
        import sqlalchemy as sa

        self.name = f"partnerkit_m_{uuid.uuid4().hex[:12]}"
        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.admin_url = admin_url

    def __enter__(self) -> str:
        from sqlalchemy.engine import make_url

        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        return make_url(self.admin_url).set(database=self.name).render_as_string(
            hide_password=False)

    def __exit__(self, *exc: object) -> None:
        try:
            with self.admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            self.admin.dispose()

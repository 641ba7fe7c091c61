"""The PostgreSQL fixtures of tests/conftest.py: each test gets its own empty database, and it is
gone afterwards."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.postgres

_seen: list[str] = []


def test_a_fresh_database_is_empty_and_writable(fresh_pg_url: str) -> None:
    engine = sa.create_engine(fresh_pg_url)
    try:
        with engine.begin() as conn:
            tables = conn.exec_driver_sql(
                "select count(*) from information_schema.tables where table_schema = 'public'"
            ).scalar_one()
            assert tables == 0
            conn.exec_driver_sql("create table t (x int)")
            conn.exec_driver_sql("insert into t values (1)")
            name = conn.exec_driver_sql("select current_database()").scalar_one()
    finally:
        engine.dispose()
    assert name.startswith("partnerkit_t_")
    _seen.append(name)


def test_the_fresh_database_of_the_previous_test_was_dropped(pg_admin_url: str) -> None:
    assert _seen, "runs after test_a_fresh_database_is_empty_and_writable"
    engine = sa.create_engine(pg_admin_url)
    try:
        with engine.connect() as conn:
            left = conn.exec_driver_sql(
                "select count(*) from pg_database where datname = %(n)s", {"n": _seen[0]}
            ).scalar_one()
    finally:
        engine.dispose()
    assert left == 0

"""Issue 3: the schema, automatic Alembic migrations, URLs, SQLite pragmas."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from partnerkit.store import default_database_url, normalise_url, open_store
from partnerkit.store import schema as t
from partnerkit.store.engine import (
    StoreError,
    current_revision,
    head_revision,
    make_engine,
    migrate,
)


def test_opening_a_new_database_creates_every_table_at_the_newest_revision(db_url):
    with open_store(db_url) as store:
        names = set(sa.inspect(store.engine).get_table_names())
        assert current_revision(store.engine) == head_revision()
    assert {"partners", "team_members", "clients", "subscriptions", "renewals", "portal_usage",
            "engagement", "ledger", "audit_log", "alembic_version"} <= names


def test_the_migrated_database_matches_the_schema_module_exactly(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with open_store(db_url) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert diff == []


def test_a_database_created_at_the_first_revision_is_upgraded_and_keeps_its_rows(db_url):
    engine = make_engine(db_url)
    try:
        migrate(engine, "0001")
        assert current_revision(engine) == "0001"
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO partners (partner_id, name, country, currency) "
                "VALUES ('old', 'Agência Antiga', 'PT', 'EUR')"))
            conn.execute(sa.text(
                "INSERT INTO clients (partner_id, client_id, name, country, relationship, "
                "currency) VALUES ('old', 'c1', 'Cliente Ótimo', 'PT', 'managed', 'EUR')"))
        assert "audit_log" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
    with open_store(db_url) as store:
        assert current_revision(store.engine) == head_revision()
        table = store.client_table("old", dt.date(2026, 11, 15))
        assert table["name"].tolist() == ["Cliente Ótimo"]
        assert table["status"].tolist() == ["active"]
        store.end_services("old", "c1", "test", by="tester")
        assert store.audit_log("old")["action"].tolist() == ["end_services"]


def test_reopening_a_current_database_does_not_touch_it(db_url):
    with open_store(db_url) as store:
        store.engine.dispose()
    with open_store(db_url) as store:
        assert current_revision(store.engine) == head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'x.db'}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_refuse_a_subscription_of_an_unknown_client(db_url):
    from tests.integration.store.builders import add_subscription, new_partner

    with open_store(db_url) as store:
        new_partner(store)
        with pytest.raises(sa.exc.IntegrityError):
            add_subscription(store, "p1", "nobody")


def test_with_nothing_configured_the_database_is_a_file_in_the_user_data_directory(
        monkeypatch, tmp_path):
    monkeypatch.delenv("PARTNERKIT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    url = default_database_url()
    assert url == f"sqlite:///{tmp_path / 'xdg' / 'partnerkit' / 'partnerkit.sqlite3'}"
    with open_store() as store:
        assert store.partners().empty
    assert (tmp_path / "xdg" / "partnerkit" / "partnerkit.sqlite3").exists()


def test_partnerkit_db_may_be_a_url_or_a_plain_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PARTNERKIT_DB", str(tmp_path / "plain.db"))
    assert default_database_url() == f"sqlite:///{tmp_path / 'plain.db'}"
    assert normalise_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"


def test_an_in_memory_sqlite_url_is_refused_with_a_plain_message():
    with pytest.raises(StoreError, match="in-memory"):
        open_store("sqlite://")


def test_the_fast_open_path_knows_the_newest_migration() -> None:
    from partnerkit.store.engine import HEAD_REVISION, head_revision

    assert head_revision() == HEAD_REVISION


def test_opening_a_database_already_at_the_newest_schema_does_not_load_alembic(tmp_path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'book.sqlite3'}"
    code = (
        "import sys; from partnerkit.store import open_store; open_store({url!r}); "
        "print('alembic' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", code.format(url=url)], capture_output=True,
                           text=True, check=True)
    again = subprocess.run([sys.executable, "-c", code.format(url=url)], capture_output=True,
                           text=True, check=True)
    assert first.stdout.strip() == "True"  # a new file is migrated by Alembic
    assert again.stdout.strip() == "False"  # an up-to-date one costs one SELECT

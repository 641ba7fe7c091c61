"""Database URLs, engines and automatic Alembic migrations (issue 3).

- With nothing configured the database is an SQLite file in the per-user data directory
  (platformdirs), created on first use. `$PARTNERKIT_DB` or `--db` choose another: an SQLAlchemy URL
  (`sqlite:///path.db`, `postgresql+psycopg://user:pw@host/db`) or a plain file path.
- SQLite runs in WAL mode with foreign keys on and a busy timeout; every write transaction starts
  with BEGIN IMMEDIATE, so two writers queue instead of failing half-way (see `write_tx`).
- Opening a database applies the shipped migrations (an old file is upgraded, never dropped).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another one before giving up
_PG_MIGRATION_LOCK = 0x5041_524B  # "PARK": advisory lock id serialising concurrent migrations


class StoreError(ValueError):
    """A database problem explained for the user (what, where, how to fix)."""


def default_database_url() -> str:
    """`$PARTNERKIT_DB`, else an SQLite file in the user data directory (created on first use)."""
    configured = os.environ.get("PARTNERKIT_DB", "").strip()
    if configured:
        return normalise_url(configured)
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("partnerkit", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'partnerkit.sqlite3'}"


def normalise_url(url: str) -> str:
    """Accept a plain file path or a bare postgres URL; return an SQLAlchemy URL."""
    url = url.strip()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare) :]
    return url


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url) if url else default_database_url()
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(
            f"database URL {url!r} is not valid: use sqlite:///path/to/file.db, "
            "postgresql+psycopg://user:password@host/dbname or a file path"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database or ""
        if db in ("", ":memory:") or db.startswith("file::memory:"):
            raise StoreError(
                "an in-memory SQLite database cannot be shared between connections: "
                "give a file path, e.g. sqlite:///partnerkit.db"
            )
        Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
    else:
        engine = sa.create_engine(parsed, pool_pre_ping=True)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's own transaction
        # handling would start deferred transactions that deadlock between two writers).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("partnerkit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextlib.contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """One write transaction: all or nothing; on SQLite it holds the write lock from the start."""
    try:
        with engine.connect().execution_options(partnerkit_write=True) as conn, conn.begin():
            yield conn
    except sa.exc.OperationalError as e:
        if "locked" in str(e.orig) or "busy" in str(e.orig):
            raise StoreError(
                f"the database is busy: another writer held it for more than "
                f"{SQLITE_BUSY_TIMEOUT_MS // 1000} s; nothing was written, try again"
            ) from None
        raise


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# The newest migration's id. Opening a database that is already there costs one SELECT instead of
# importing Alembic (~0.7 s at every dashboard/report start; docs/benchmarks.md). A test checks it
# against Alembic's own head, so a new migration cannot forget to update it.
HEAD_REVISION = "0003"


def _already_at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except sa.exc.DBAPIError:
        return False  # a new database: no version table yet
    return [r[0] for r in rows] == [HEAD_REVISION]


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest), keeping every row.

    Concurrent openers are serialised (SQLite write lock / PostgreSQL advisory lock), so two
    processes opening a new database at once do not both create the tables.
    """
    if revision == "head" and _already_at_head(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    target = head_revision() if revision == "head" else revision
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == target:
            return
    try:
        with write_tx(engine) as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            if MigrationContext.configure(conn).get_current_revision() == target:
                return
            cfg = _alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except sa.exc.OperationalError as e:
        raise StoreError(
            "cannot open or upgrade the database "
            f"{engine.url.render_as_string(hide_password=True)}: {e.orig}"
        ) from None


def analyze(engine: Engine, tables: list[str] | None = None) -> None:
    """Refresh the planner statistics after a bulk write (PostgreSQL plans joins badly on a
    freshly loaded table until autovacuum gets to it; SQLite benefits too)."""
    from partnerkit.store.schema import metadata

    names = tables or [t.name for t in metadata.sorted_tables]
    with engine.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'ANALYZE "{name}"')
        conn.commit()

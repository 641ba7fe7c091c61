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

from partnerkit.atomic_file import EnvironmentFailure

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another one before giving up
_PG_MIGRATION_LOCK = 0x5041_524B  # "PARK": advisory lock id serialising concurrent migrations


class StoreError(ValueError):
    """A database problem explained for the user (what, where, how to fix)."""


def describe_db_error(e: BaseException) -> str:
    """One line for a database failure: the driver's first line, never the SQL or the values
    (SQLAlchemy's own message carries both; PostgreSQL's DETAIL names the row's values)."""
    orig = getattr(e, "orig", None) or e
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return first[:200]


def safe_url(url: Any) -> str:
    """A database URL to show: no password."""
    try:
        return str(sa.engine.make_url(str(url)).render_as_string(hide_password=True))
    except Exception:
        return "(the database URL)"


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


_URL_HELP = ("use sqlite:///path/to/file.db, postgresql+psycopg://user:password@host/dbname "
             "or a file path")


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for `url`. With read_only=True (commands that only read) a missing SQLite file
    is an error, never created, and a file on a read-only disk is opened read-only."""
    url = normalise_url(url) if url else default_database_url()
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreError(f"database URL {safe_url(url)!r} is not valid: {_URL_HELP}") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"database URL {safe_url(url)!r}: {backend!r} is not a database "
                         f"partnerkit supports; {_URL_HELP}")
    if backend == "sqlite":
        db = parsed.database or ""
        if db in ("", ":memory:") or db.startswith("file::memory:"):
            raise StoreError(
                "an in-memory SQLite database cannot be shared between connections: "
                "give a file path, e.g. sqlite:///partnerkit.db"
            )
        path = Path(db).expanduser()
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file; give the file's path")
        if read_only and not path.exists():
            raise StoreError(
                f"no database at {path}: check the path (nothing was created); "
                "'partnerkit demo' or 'partnerkit add-partner' creates one")
        if read_only and not _writable(path):
            return _read_only_sqlite(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise EnvironmentFailure(
                f"cannot create the folder {path.parent}: {(e.strerror or '').lower()}") from None
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
    else:
        try:
            engine = sa.create_engine(parsed, pool_pre_ping=True)
        except (sa.exc.ArgumentError, ImportError):
            raise StoreError(f"database URL {safe_url(url)!r} cannot be used: {_URL_HELP}"
                             ) from None
    return engine


def _writable(path: Path) -> bool:
    """Can SQLite write here (the file and, for WAL's -wal/-shm files, its folder)?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only_sqlite(path: Path) -> Engine:
    """A read-only engine for a database on a read-only disk or folder. WAL mode needs a -shm
    file beside the database; where none can be made, the file is opened as immutable (nothing
    can write it there either)."""
    import sqlite3

    folder_ro = not os.access(path.parent, os.W_OK)
    flags = "immutable=1" if folder_ro else "mode=ro"
    uri = f"{path.resolve().as_uri()}?{flags}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)

    engine = sa.create_engine("sqlite://", creator=connect)
    _configure_sqlite(engine, read_only=True)
    return engine


def _configure_sqlite(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's own transaction
        # handling would start deferred transactions that deadlock between two writers).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if not read_only:
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
        raise EnvironmentFailure(
            f"the database refused the write: {describe_db_error(e)}; nothing was written"
        ) from None
    except sa.exc.IntegrityError:
        raise  # a broken constraint: the caller's bug or data, kept as it is for the API
    except sa.exc.DBAPIError as e:  # never the SQL or the row's values
        raise EnvironmentFailure(
            f"the database refused the write: {describe_db_error(e)}; nothing was written"
        ) from None


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
    if engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, ""):
        # a read-only engine (_read_only_sqlite) cannot be upgraded
        raise StoreError("this database is on a read-only disk and was made by an older "
                         "partnerkit: open it once where it can be written, to upgrade it")
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
    except (sa.exc.OperationalError, EnvironmentFailure) as e:
        raise EnvironmentFailure(
            "cannot open or upgrade the database "
            f"{engine.url.render_as_string(hide_password=True)}: {describe_db_error(e)}"
        ) from None


def open_failure(e: Exception, engine: Engine) -> Exception:
    """The user's error for a database that cannot be opened (the driver's first line only)."""
    if isinstance(e, (StoreError, EnvironmentFailure)):
        return e
    where = engine.url.render_as_string(hide_password=True)
    if engine.url.database in (None, ""):
        where = "the read-only database"
    text = describe_db_error(e)
    if "file is not a database" in text or "file is encrypted" in text:
        return StoreError(f"{where} is not an SQLite database (or it is damaged): check --db")
    if isinstance(e, sa.exc.DBAPIError):
        db = engine.url.database
        if engine.url.get_backend_name() == "sqlite" and db and not _writable(Path(db)):
            text += (" (the file or its folder is read-only: commands that write need it "
                     "writable; partners, tier, export and report can read it)")
        return EnvironmentFailure(f"cannot open the database {where}: {text}")
    return e


def analyze(engine: Engine, tables: list[str] | None = None) -> None:
    """Refresh the planner statistics after a bulk write (PostgreSQL plans joins badly on a
    freshly loaded table until autovacuum gets to it; SQLite benefits too)."""
    from partnerkit.store.schema import metadata

    names = tables or [t.name for t in metadata.sorted_tables]
    with engine.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'ANALYZE "{name}"')
        conn.commit()

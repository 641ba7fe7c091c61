"""Idempotent bulk writes: insert or update on the table's primary key (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

CHUNK = 2_000


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a million rows are read, checked or fetched: each pass
    would walk every row object (1M-row ledger: ~3x slower). Nothing built there is cyclic."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def upsert_rows(conn: Any, table: sa.Table, rows: Sequence[dict[str, Any]],
                update: Sequence[str] | None = None) -> None:
    """Insert `rows`, updating the non-key columns of rows whose primary key already exists (only
    the `update` columns if given: a column absent from an imported file keeps its stored value)."""
    if not rows:
        return
    name = conn.dialect.name
    if name == "postgresql":
        insert: Any = postgresql.insert(table)
    elif name == "sqlite":
        insert = sqlite.insert(table)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise ValueError(f"database {name!r} is not supported: use SQLite or PostgreSQL")
    keys = [c.name for c in table.primary_key.columns]
    columns = list(rows[0].keys())
    update_set = {c: insert.excluded[c] for c in columns
                  if c not in keys and (update is None or c in update)}
    stmt = (insert.on_conflict_do_update(index_elements=keys, set_=update_set) if update_set
            else insert.on_conflict_do_nothing(index_elements=keys))
    for start in range(0, len(rows), CHUNK):
        conn.execute(stmt, list(rows[start : start + CHUNK]))


def existing_keys(conn: Any, table: sa.Table, partner_id: str) -> set[tuple[Any, ...]]:
    """The primary keys (without partner_id) already stored for a partner."""
    cols = [c for c in table.primary_key.columns if c.name != "partner_id"]
    return {tuple(r) for r in conn.execute(
        sa.select(*cols).where(table.c.partner_id == partner_id)
    )}


def bulk_insert(conn: Any, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Plain inserts of many new rows, fast: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(sa.insert(table), list(rows))
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    defaults = {c.name: c.server_default.arg for c in table.columns  # type: ignore[attr-defined]
                if c.name not in rows[0] and c.server_default is not None}
    columns += list(defaults)
    cursor = conn.connection.dbapi_connection.cursor()
    quoted = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] if c in row else defaults[c] for c in columns])


# SQLite page cache for a bulk write: big enough to keep the indexes being filled in memory (with
# the default 2 MB, 1M ledger rows spill index pages again and again: ~1.6x slower). The limit is a
# ceiling, not an allocation; it is restored when the write is done.
SQLITE_BULK_CACHE_KIB = 256 * 1024


def bulk_upsert(conn: Any, table: sa.Table, columns: dict[str, Sequence[Any]],
                fixed: dict[str, Any]) -> int:
    """Insert or update many rows of `table`, given as columns (values as the driver takes them:
    text, int, ISO dates, None), with the `fixed` values (e.g. partner_id) on every row; returns
    how many keys were new. Rows whose stored values are already equal are left untouched.

    Runs inside the caller's transaction: the DBAPI's executemany on SQLite; on PostgreSQL COPY
    into a temporary table and one INSERT ... SELECT ... ON CONFLICT.
    """
    names = [*fixed, *columns]
    n = len(next(iter(columns.values()))) if columns else 0
    if not n:
        return 0
    keys = [c.name for c in table.primary_key.columns]
    missing = [k for k in keys if k not in names]
    if missing:
        raise ValueError(f"bulk_upsert: the key column(s) {', '.join(missing)} are not given")
    rows = zip(*(itertools.repeat(v, n) for v in fixed.values()), *columns.values(),
               strict=True)
    dialect = conn.dialect.name
    q = conn.dialect.identifier_preparer.quote
    name = q(table.name)
    cols = ", ".join(q(c) for c in names)
    changing = [c for c in names if c not in keys]
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if dialect == "sqlite":
            return _sqlite_upsert(cursor, name, cols, names, keys, changing, rows, fixed, q)
        if dialect == "postgresql":
            return _pg_upsert(cursor, name, cols, keys, changing, rows, n, q)
        raise ValueError(f"database {dialect!r} is not supported: use SQLite or PostgreSQL")
    finally:
        cursor.close()


def _sqlite_upsert(cursor: Any, name: str, cols: str, names: list[str], keys: list[str],
                   changing: list[str], rows: Any, fixed: dict[str, Any], q: Any) -> int:
    where = " AND ".join(f"{q(c)} = ?" for c in fixed)
    count = f"SELECT count(*) FROM {name} WHERE {where}"
    before = cursor.execute(count, tuple(fixed.values())).fetchone()[0]
    conflict = f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO " + (
        "UPDATE SET " + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in changing)
        + " WHERE " + " OR ".join(f"{name}.{q(c)} IS NOT excluded.{q(c)}" for c in changing)
        if changing else "NOTHING")
    cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
    try:
        cursor.executemany(
            f"INSERT INTO {name} ({cols}) VALUES ({', '.join('?' * len(names))}) {conflict}", rows)
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache)}")
    return int(cursor.execute(count, tuple(fixed.values())).fetchone()[0] - before)


def _pg_upsert(cursor: Any, name: str, cols: str, keys: list[str], changing: list[str],
               rows: Any, n: int, q: Any) -> int:
    tmp = q("_partnerkit_bulk")
    cursor.execute(f"CREATE TEMPORARY TABLE {tmp} (LIKE {name} INCLUDING DEFAULTS) "
                   "ON COMMIT DROP")
    with cursor.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    key_cols = ", ".join(q(k) for k in keys)
    cursor.execute(f"SELECT count(*) FROM {tmp} JOIN {name} USING ({key_cols})")
    existing = int(cursor.fetchone()[0])
    conflict = f"ON CONFLICT ({key_cols}) DO " + (
        "UPDATE SET " + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in changing)
        + f" WHERE ({', '.join(f'{name}.{q(c)}' for c in changing)}) IS DISTINCT FROM ("
        + ", ".join(f"excluded.{q(c)}" for c in changing) + ")"
        if changing else "NOTHING")
    cursor.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {tmp} {conflict}")
    cursor.execute(f"DROP TABLE {tmp}")  # (ON COMMIT DROP covers a failure: rolled back anyway)
    return n - existing

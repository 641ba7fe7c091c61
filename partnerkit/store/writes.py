"""Idempotent bulk writes: insert or update on the table's primary key (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

CHUNK = 2_000


def upsert_rows(conn: Any, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows`, updating the non-key columns of rows whose primary key already exists."""
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
    update = {c: insert.excluded[c] for c in columns if c not in keys}
    stmt = (insert.on_conflict_do_update(index_elements=keys, set_=update) if update
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

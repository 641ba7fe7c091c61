"""The hostile-input corpus (issue 15): every case in tests/data/hostile/cases.toml, on the demo
book in SQLite and PostgreSQL: no traceback, the documented exit status, a message naming the
field, line or option, and every table of the database unchanged."""

from __future__ import annotations

import os
import random
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from partnerkit.cli import main
from partnerkit.store import schema as t

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CASES: list[dict[str, Any]] = tomllib.loads((HOSTILE / "cases.toml").read_text("utf-8"))["case"]
CLIENTS = "Client ID,Company name,Country/Region,Relationship,Currency\n"
LEDGER = ("event_id,kind,client_id,client_name,date,deal_type,amount,currency,country,"
          "product_line,first_sold,other_partners\n")


def _workbook(path: Path, rows: list[list[Any]], extra_sheet: list[Any] | None = None) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    if extra_sheet is not None:
        wb.create_sheet("notes").append(extra_sheet)
    wb.save(path)
    return path


def _with_member(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return path


def _stale_dimension(path: Path) -> Path:
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    start = sheet.index(b'<dimension ref="')
    end = sheet.index(b'"', start + 16)
    members["xl/worksheets/sheet1.xml"] = sheet[:start] + b'<dimension ref="A1:E2' + sheet[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _row(i: int, country: str = "PT") -> list[Any]:
    return [f"z{i}", f"Client {i}", country, "sold", "EUR"]


HEAD = ["Client ID", "Company name", "Country/Region", "Relationship", "Currency"]
GENERATORS: dict[str, Callable[[Path], Path]] = {
    "folder": lambda p: (p.mkdir(), p)[1],
    "dev-zero": lambda p: (p.symlink_to("/dev/zero"), p)[1],
    "clients-long-name": lambda p: _text(p, CLIENTS + "z1," + "N" * 600 + ",PT,sold,EUR\n"),
    "clients-unclosed-quote": lambda p: _text(p, CLIENTS + 'z0,"Unclosed,PT,sold,EUR\n' + "".join(
        f"z{i},Client {i},PT,sold,EUR\n" for i in range(1, 7000))),
    "clients-2mb": lambda p: _text(p, CLIENTS + "".join(
        f"z{i},Client {i},PT,sold,EUR\n" for i in range(90_000))),
    "usage-long-app": lambda p: _text(p, "Client ID,Month,Product,App,Used\nPT-0001,2026-09,"
                                         "Marketing Hub," + "A" * 200 + ",yes\n"),
    "xlsx-zip-bomb": lambda p: _with_member(_workbook(p, [HEAD, _row(1)]), "xl/media/fill.bin",
                                            b"\0" * (3 * 1024 * 1024)),
    "xlsx-two-sheets": lambda p: _workbook(p, [HEAD, _row(1)], extra_sheet=_row(2)),
    "xlsx-escape": lambda p: _workbook(p, [HEAD, ["z1", "Bad\x9b2J", "PT", "sold", "EUR"]]),
    "xlsx-stale-dimension-bad-row": lambda p: _stale_dimension(
        _workbook(p, [HEAD, _row(1), _row(2), _row(3, "Atlantis")])),
    "xlsx-wide": lambda p: _workbook(p, [HEAD + [f"x{i}" for i in range(15)], _row(1)]),
    "xlsx-three-rows": lambda p: _workbook(p, [HEAD, _row(1), _row(2), _row(3)]),
    "xlsx-2mb": lambda p: _with_member(_workbook(p, [HEAD, _row(1)]), "xl/media/noise.bin",
                                       random.Random(15).randbytes(2 * 1024 * 1024)),
    "xlsx-empty": lambda p: _workbook(p, []),
    "ledger-long-field": lambda p: _text(p, LEDGER + "h-1,sold,PT-0001," + "N" * 140_000
                                         + ",2026-03-15,sourced,100,EUR,PT,Sales Hub,,\n"),
    "ledger-stray-quote-5000": lambda p: _text(p, LEDGER + 'h-0,sold,PT-0001,"Stray,2026-03-15,'
                                               "sourced,100,EUR,PT,Sales Hub,,\n" + "".join(
        f"h-{i},sold,PT-0001,Client,2026-03-15,sourced,100,EUR,PT,Sales Hub,,\n"
        for i in range(1, 5000))),
    "rules-deep-array": lambda p: _text(p, "x = " + "[" * 100_000 + "]" * 100_000 + "\n"),
}
SUFFIX = {"xlsx": ".xlsx", "rules": ".toml"}


def _text(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8", newline="")
    return path


def _case_file(case: dict[str, Any], tmp: Path) -> Path | None:
    if "file" in case:
        return HOSTILE / "files" / case["file"]
    if "gen" in case:
        kind = case["gen"].split("-", 1)[0]
        path = tmp / case.get("name", f"{case['id']}{SUFFIX.get(kind, '.csv')}")
        return GENERATORS[case["gen"]](path)
    if "text" in case:
        return _text(tmp / case.get("name", f"{case['id']}.csv"), case["text"])
    return None


def _argv(case: dict[str, Any], file: Path | None, tmp: Path) -> list[str]:
    argv = case.get("argv") or ["import", "--partner", "pt-lusitania", "--kind", case["kind"],
                                "{file}"]
    subs = {"{file}": str(file), "{tmp}": str(tmp), "{data}": str(HOSTILE / "files")}
    out = []
    for arg in argv:
        for key, value in subs.items():
            arg = arg.replace(key, value)
        out.append(arg)
    return out


_ENGINES: dict[str, sa.Engine] = {}
_BEFORE: dict[str, dict[str, list[tuple[Any, ...]]]] = {}  # the demo book as created, per backend


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as the driver returns them, in primary-key order (raw SQL: the demo
    book's 24,000 usage rows compare in milliseconds)."""
    # NullPool: no connection stays open to block the throwaway PostgreSQL database's DROP
    engine = _ENGINES.get(url) or _ENGINES.setdefault(
        url, sa.create_engine(url, poolclass=sa.pool.NullPool))
    q = engine.dialect.identifier_preparer.quote
    rows = {}
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        for table in t.metadata.sorted_tables:
            order = ", ".join(q(c.name) for c in (list(table.primary_key.columns)
                                                   or list(table.columns)))
            cursor.execute(f"SELECT * FROM {q(table.name)} ORDER BY {order}")
            rows[table.name] = [tuple(r) for r in cursor.fetchall()]
        cursor.close()
    finally:
        conn.close()
    return rows


def _param(case: dict[str, Any]) -> Any:
    return pytest.param(case, id=case["id"])


def test_the_corpus_has_at_least_150_cases_with_unique_ids() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)
    for case in CASES:
        assert case["exit"] in (1, 2) and case["expect"], case["id"]


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_a_hostile_input_is_refused_cleanly_and_changes_nothing(
        case, demo_db_url, tmp_path, monkeypatch, capsys):
    from sqlalchemy.engine import make_url

    monkeypatch.setenv("PARTNERKIT_DB", demo_db_url)
    monkeypatch.setenv("PARTNERKIT_AS_OF", "2026-11-15")
    monkeypatch.setenv("PARTNERKIT_NO_PROGRESS", "1")
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    file = _case_file(case, tmp_path)
    argv = _argv(case, file, tmp_path)
    # Every case must leave the book as created, so "before" is taken once per database.
    before = _BEFORE.get(demo_db_url) or _BEFORE.setdefault(demo_db_url, snapshot(demo_db_url))
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own refusals
        code = e.code
    captured = capsys.readouterr()
    said = captured.err + captured.out
    assert code == case["exit"], said
    for text in case["expect"]:
        assert text in said, f"{text!r} not in: {said}"
    for leak in ("Traceback", "[SQL", "hunter2"):
        assert leak not in said
    assert "\x1b" not in said and "\x07" not in said  # escaped on the terminal
    if make_url(demo_db_url).password:
        assert demo_db_url not in said  # a URL is shown without its password
    assert snapshot(demo_db_url) == before
    os.environ.pop("PARTNERKIT_MAX_FILE_MB", None)

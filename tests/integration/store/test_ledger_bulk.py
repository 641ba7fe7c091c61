"""Issue 7 (storage): the ledger import checks columns, not rows, and writes in bulk; load_ledger
reads typed columns. The behaviour must stay the core's: same problems (line, column, reason),
all or nothing, idempotent re-imports, identical stored rows and identical Ledger frames."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from partnerkit.ledger import LedgerError, parse_ledger_csv, parse_ledger_csv_rows
from partnerkit.rules_io import load_rules
from partnerkit.store import open_store
from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx
from partnerkit.store.importer import Ctx, ImportFileError, import_file, validate_ledger
from partnerkit.store.writes import bulk_upsert, upsert_rows
from tests.integration.conftest import TEST_TODAY
from tests.integration.store.builders import new_client, new_partner

HEADER = ["event_id", "kind", "client_id", "client_name", "date", "deal_type", "amount",
          "currency", "country", "product_line", "first_sold", "other_partners"]
STORED = ["event_id", "kind", "client_id", "client_name", "date", "deal_type", "amount_units",
          "currency", "country", "product_line", "first_sold", "other_partners"]


def ledger_rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        if i % 3:
            rows.append([f"s{i}", "sold", f"c{i % 40}", f"Cliente {i % 40}, Lda",
                         f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "sourced" if i % 2 else
                         "assisted", f"{100 + i % 997}.{i % 100:02d}", "EUR", "PT",
                         "Sales Hub", "", ""])
        else:
            rows.append([f"m{i}", "managed", f"c{i % 40}", "", f"2024-{1 + i % 12:02d}", "",
                         f"{50 + i % 300}", "EUR", "PT", "", "", str(i % 3)])
    return rows


def write_ledger(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def stored(store, pid: str) -> list[tuple]:
    cols = ", ".join(STORED)
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(
            f"SELECT {cols} FROM ledger WHERE partner_id = '{pid}' ORDER BY event_id")]


def ledger_count(store, pid: str = "p1") -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t.ledger).where(
            t.ledger.c.partner_id == pid)).scalar_one()


def test_a_50000_row_ledger_with_one_bad_row_at_line_40001_writes_nothing_and_names_it(
        db_url, tmp_path):
    rows = ledger_rows(50_000)
    rows[39_999][6] = "-5"  # line 40,001: the header is line 1
    bad = write_ledger(tmp_path / "ledger.csv", rows)
    with open_store(db_url) as store:
        new_partner(store)
        with pytest.raises(ImportFileError) as e:
            import_file(store, "p1", "ledger", bad, today=TEST_TODAY)
        assert [(p.line, p.column) for p in e.value.problems] == [(40_001, "amount")]
        assert "line 40001, column 'amount': -5 is negative" in str(e.value)
        assert "nothing imported" in str(e.value)
        assert ledger_count(store) == 0
        assert "import" not in set(store.audit_log("p1")["action"])

        rows[39_999][6] = "5"
        good = write_ledger(tmp_path / "ledger.csv", rows)
        first = import_file(store, "p1", "ledger", good, today=TEST_TODAY)
        assert (first.rows, first.inserted, first.updated) == (50_000, 50_000, 0)
        before = stored(store, "p1")
        again = import_file(store, "p1", "ledger", good, today=TEST_TODAY)
        assert (again.inserted, again.updated) == (0, 50_000)
        assert stored(store, "p1") == before and len(before) == 50_000


def test_a_changed_and_a_new_ledger_row_are_counted_and_written_by_the_bulk_upsert(
        db_url, tmp_path):
    rows = ledger_rows(300)
    with open_store(db_url) as store:
        new_partner(store)
        import_file(store, "p1", "ledger", write_ledger(tmp_path / "a.csv", rows),
                    today=TEST_TODAY)
        rows[10][6] = "999.99"
        rows.append(["new-1", "sold", "c1", "", "2025-03-03", "sourced", "1", "EUR", "PT", "",
                     "2024-01-01", ""])
        result = import_file(store, "p1", "ledger", write_ledger(tmp_path / "b.csv", rows),
                             today=TEST_TODAY)
        assert (result.inserted, result.updated) == (1, 300)
        by_id = {r[0]: r for r in stored(store, "p1")}
        assert by_id[rows[10][0]][6] == 9_999_900
        assert str(by_id["new-1"][10])[:10] == "2024-01-01" and len(by_id) == 301


def awkward_records(n: int, tag: str) -> dict[str, list]:
    """Values that stress each path's escaping and types: quotes, tabs, newlines, backslashes,
    non-ASCII text, empty strings, NULL dates, amounts beyond 2**53 units."""
    names = ["", "Ana \"Zé\" Lda", "tab\there", "line\nbreak", "back\\slash\\N", "株式会社",
             "comma, and; semi", "'=formula"]
    cols: dict[str, list] = {c: [] for c in STORED}
    for i in range(n):
        sold = i % 2 == 0
        cols["event_id"].append(f"{tag}{i:05d}")
        cols["kind"].append("sold" if sold else "managed")
        cols["client_id"].append(f"c{i % 7}")
        cols["client_name"].append(names[i % len(names)])
        cols["date"].append(f"2025-{1 + i % 12:02d}-{1 if not sold else 1 + i % 28:02d}")
        cols["deal_type"].append("sourced" if sold else "")
        cols["amount_units"].append(99_999_999_999_999_999 if i == 3 else i * 10_001)
        cols["currency"].append("BRL" if i % 3 else "EUR")
        cols["country"].append("BR" if i % 3 else "PT")
        cols["product_line"].append("Marketing Hub" if sold else "")
        cols["first_sold"].append("2024-02-27" if sold and i % 4 == 0 else None)
        cols["other_partners"].append(0 if sold else i % 4)
    return cols


def as_records(cols: dict[str, list], pid: str) -> list[dict]:
    """The same rows for SQLAlchemy's upsert (dates as date objects, as its Date type wants)."""
    records = []
    for values in zip(*cols.values(), strict=True):
        rec = {"partner_id": pid, **dict(zip(cols, values, strict=True))}
        for c in ("date", "first_sold"):
            rec[c] = rec[c] and dt.date.fromisoformat(rec[c])
        records.append(rec)
    return records


def test_executemany_and_copy_store_exactly_what_the_sqlalchemy_upsert_stores(db_url):
    cols = awkward_records(400, "e")
    with open_store(db_url) as store:
        new_partner(store, "bulk")
        new_partner(store, "orm")
        with write_tx(store.engine) as conn:
            assert bulk_upsert(conn, t.ledger, cols, {"partner_id": "bulk"}) == 400
            upsert_rows(conn, t.ledger, as_records(cols, "orm"))
        assert stored(store, "bulk") == stored(store, "orm")
        cols["client_name"][5] = "changed \\ name"
        cols["amount_units"][6] = 1
        with write_tx(store.engine) as conn:
            assert bulk_upsert(conn, t.ledger, cols, {"partner_id": "bulk"}) == 0
            upsert_rows(conn, t.ledger, as_records(cols, "orm"))
        assert stored(store, "bulk") == stored(store, "orm")
        assert stored(store, "bulk")[5][3] == "changed \\ name"


@pytest.mark.postgres
def test_a_ledger_imported_into_sqlite_and_postgresql_loads_back_identical(
        fresh_pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERKIT_AS_OF", TEST_TODAY.isoformat())
    rows = ledger_rows(2_000)
    rows[7][3] = 'Quote "and" back\\slash\tand tab'
    rows[8][10] = "2024-06-30"
    path = write_ledger(tmp_path / "ledger.csv", rows)
    frames, raw = [], []
    for url in (f"sqlite:///{tmp_path / 'a.db'}", fresh_pg_url):
        with open_store(url) as store:
            new_partner(store)
            import_file(store, "p1", "ledger", path, today=TEST_TODAY)
            frames.append(store.load_ledger("p1").frame)
            raw.append([tuple(str(v) for v in r) for r in stored(store, "p1")])
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert raw[0] == raw[1]
    with path.open(encoding="utf-8", newline="") as fh:
        expected = parse_ledger_csv(fh, "ledger.csv").frame
    order = ["date", "event_id"]
    pd.testing.assert_frame_equal(
        frames[0], expected.sort_values(order, kind="stable").reset_index(drop=True))


def test_load_ledger_leaves_out_managed_months_after_services_end_with_the_same_frame(
        db_url, tmp_path):
    rows = ledger_rows(600)
    with open_store(db_url) as store:
        new_partner(store)
        for n in range(40):
            new_client(store, "p1", f"c{n}")
        import_file(store, "p1", "ledger", write_ledger(tmp_path / "l.csv", rows),
                    today=TEST_TODAY)
        full = store.load_ledger("p1").frame
        store.end_services("p1", "c3", "moved away", by="tester", on=dt.date(2024, 3, 31))
        kept = store.load_ledger("p1").frame
        gone = (full["client_id"] == "c3") & (full["kind"] == "managed") & (
            full["date"] > pd.Timestamp("2024-03-31"))
        assert gone.any()
        expected = full[~gone].reset_index(drop=True)
        for col in expected.columns:  # categories as a fresh read makes them
            if isinstance(expected[col].dtype, pd.CategoricalDtype):
                expected[col] = expected[col].cat.remove_unused_categories()
        pd.testing.assert_frame_equal(kept, expected)
        pd.testing.assert_frame_equal(store.load_ledger("p1", include_stopped=True).frame, full)


def test_an_empty_ledger_loads_as_an_empty_ledger_with_the_engine_dtypes(db_url):
    with open_store(db_url) as store:
        new_partner(store)
        frame = store.load_ledger("p1").frame
        assert len(frame) == 0
        assert str(frame["date"].dtype) == "datetime64[ns]"
        assert str(frame["amount_units"].dtype) == "int64"


# -- the column checks against the core's parser ---------------------------------------------
CELLS = {
    "event_id": ["a", "b", "", " a ", "'=x", "row3", "c", "d", "e"],
    "kind": ["sold", "managed", " Sold", "MANAGED ", "gift", "", "'=sold"],
    "client_id": ["c1", " c2", "", "'=c3"],
    "client_name": ["", "Ana", " x ", "'+1"],
    "date": ["2026-01-05", "2026-01", "2026-13-01", "2027-01-05", "2026-11", " 2025-02-28 ",
             "20250228", "2025-02-30", "", "2026-11-15", "2026-11-16"],
    "deal_type": ["sourced", "assisted", "", "Sourced ", "gifted"],
    "amount": ["100", "100.5", "1,000.50", "1.000,50", "1,000", "-5", "'-5", "1e3", "1e999", "",
               "0", "9999999999999.9999", "10000000000000.0001", "0.00001", "٣", " 7 ",
               "1_000", "nan", ".5", "5."],
    "currency": ["EUR", "eur", " EUR", "XYZ", "EURO", ""],
    "country": ["PT", "pt", " BR ", "XX", ""],
    "product_line": ["", "Sales Hub", " x"],
    "first_sold": ["", "2026-01-01", "2026-02-01", "bad", " "],
    "other_partners": ["", "0", "3", "-1", "x", "1_0", " 2 "],
}


def expected_outcome(header: list[str], rows: list[tuple[int, list[str]]], ctx: Ctx,
                     folder: Path) -> tuple[str, object]:
    """The reference: the core's parser on the file itself, then the store's three checks row by
    row (future dates, currencies the rules refuse, repeated event ids)."""
    path = folder / "ref.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        line = 2
        for n, values in rows:
            fh.write("\n" * (n - line))
            w.writerow([v[1:] if len(v) > 1 and v[0] == "'" and v[1] in "=+-@\t\r" else v
                        for v in values])
            line = n + 1
    try:  # the row-by-row reader: the reference the columnar reader is held to
        with path.open(encoding="utf-8", newline="") as fh:
            frame = parse_ledger_csv_rows(fh, "f.csv").frame
    except LedgerError as e:
        return "refused", [(p.line, p.column, p.reason) for p in e.problems]
    problems, seen = [], {}
    for (line, _), rec in zip(rows, frame.to_dict("records"), strict=True):
        day = rec["date"].date()
        if day > ctx.today:
            what = "month" if rec["kind"] == "managed" else "close date"
            problems.append((line, "date", f"{what} {day} is in the future (today is "
                                           f"{ctx.today}); it cannot be"))
        try:
            ctx.rules.currency_rule(rec["currency"], ctx.today)
        except ValueError as e:
            problems.append((line, "currency", str(e)))
        if rec["event_id"] in seen:
            problems.append((line, "event_id", f"duplicate event_id {rec['event_id']!r}: "
                                               f"already on line {seen[rec['event_id']]}"))
        seen[rec["event_id"]] = line
    if problems:
        return "refused", problems
    if frame.empty:
        return "refused", [(2, "", "the file has no data rows")]
    return "imported", [
        tuple(None if pd.isna(v) else v.strftime("%Y-%m-%d") if c in ("date", "first_sold")
              else v for c, v in zip(STORED, rec, strict=True))
        for rec in frame[STORED].astype(object).itertuples(index=False)]


def actual_outcome(header: list[str], rows: list[tuple[int, list[str]]], ctx: Ctx
                   ) -> tuple[str, object]:
    try:
        got = validate_ledger(header, rows, ctx, "f.csv")
    except ImportFileError as e:
        return "refused", [(p.line, p.column, p.reason) for p in e.problems]
    return "imported", list(zip(*(got.columns[c] for c in STORED), strict=True))


def test_the_column_checks_refuse_and_accept_exactly_what_the_core_parser_does(tmp_path):
    rnd = random.Random(7)
    ctx = Ctx(today=TEST_TODAY, rules=load_rules())
    outcomes = {"imported": 0, "refused": 0}
    for _ in range(400):
        header = list(CELLS) if rnd.random() < 0.7 else (
            rnd.sample(list(CELLS), rnd.randint(5, 12)) + ["unknown"] * (rnd.random() < 0.3))
        if rnd.random() < 0.1:
            header.append(rnd.choice(list(CELLS)))  # a repeated heading: the last one counts
        clean = rnd.random() < 0.6
        rows, line = [], 2
        for _ in range(rnd.randint(1, 6)):
            line += rnd.choice([0, 0, 0, 1, 3])  # blank lines in between
            values = [(CELLS[h][0] if clean and rnd.random() < 0.9 else rnd.choice(CELLS[h]))
                      if h in CELLS else "zz" for h in header]
            if clean and "kind" in header and rnd.random() < 0.5:  # a well-formed managed row
                for h, v in (("kind", "managed"), ("date", "2026-01"), ("deal_type", "")):
                    if h in header:
                        values[len(header) - 1 - header[::-1].index(h)] = v
            if rnd.random() < 0.08:
                values = values[:rnd.randint(1, len(values))]  # fewer values than headings
            if not any(v.strip() for v in values):
                continue
            at = header.index("event_id") if "event_id" in header else len(values)
            if clean and at < len(values) and rnd.random() < 0.9:
                values[at] = f"id{line}"  # mostly distinct ids, so clean files import
            rows.append((line, values))
            line += 1
        if not rows:
            continue
        expected = expected_outcome(header, rows, ctx, tmp_path)
        assert actual_outcome(header, rows, ctx) == expected, (header, rows)
        outcomes[expected[0]] += 1
    assert outcomes["imported"] > 40 and outcomes["refused"] > 150  # both sides exercised

"""Issue 16: the columnar ledger CSV reader (pyarrow, per-column checks) gives exactly what the
row-by-row reader gives: the same Ledger frame for a good file, the same problems (line, column,
reason) for a bad one. Plus the reader's own decisions (issue 15, items 9-11 and 13): semicolons,
unclosed quotes, over-long cells, size and row bounds."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pandas as pd
import pytest

from partnerkit.ledger import LedgerError, parse_ledger_csv, parse_ledger_csv_rows
from partnerkit.ledger_csv import LedgerLimits, ledger_limits, read_ledger_csv

DATA = Path(__file__).resolve().parents[2] / "data"
HEADER = ["event_id", "kind", "client_id", "client_name", "date", "deal_type", "amount",
          "currency", "country", "product_line", "first_sold", "other_partners"]
# Cells good and bad, as people type them (no export guard "'=": the importer's test covers it).
CELLS = {
    "event_id": ["a", "b", "", " a ", "row3", "c", "d", "e", "x,y", 'q"uote'],
    "kind": ["sold", "managed", " Sold", "MANAGED ", "gift", ""],
    "client_id": ["c1", " c2", "", "c3", "Acme, Inc"],
    "client_name": ["", "Ana", " x ", 'Says "hi"', "Lda, SA", "Ação"],
    "date": ["2026-01-05", "2026-01", "2026-13-01", "2027-01-05", "2026-11", " 2025-02-28 ",
             "20250228", "2025-02-30", "", "2999-01-01", "0225-01-01", "2024-02-29"],
    "deal_type": ["sourced", "assisted", "", "Sourced ", "gifted"],
    "amount": ["100", "100.5", "1,000.50", "1.000,50", "1,000", "-5", "1e3", "1e999", "",
               "0", "9999999999999.9999", "10000000000000.0001", "0.00001", "٣", " 7 ",
               "1_000", "nan", ".5", "5.", "+5", "-0", "12345678901234567890"],
    "currency": ["EUR", "eur", " EUR", "XYZ", "EURO", ""],
    "country": ["PT", "pt", " BR ", "XX", ""],
    "product_line": ["", "Sales Hub", " x"],
    "first_sold": ["", "2026-01-01", "2026-02-01", "bad", " ", "2999-12-31"],
    "other_partners": ["", "0", "3", "-1", "x", "1_0", " 2 ", "99999999999999999999"],
}


def outcome(read, data: bytes):
    try:
        return "ok", read(data).frame
    except LedgerError as e:
        return "refused", [(p.line, p.column, p.reason) for p in e.problems]


def columnar(data: bytes):
    return parse_ledger_csv(io.BytesIO(data), "f.csv")


def row_by_row(data: bytes):
    """The reference: csv.DictReader and the row checks. Rows whose every cell is blank are blank
    lines to it (the columnar reader skips them, as the importer always has)."""
    text = data.decode("utf-8-sig")
    lines = text.split("\n")
    kept = [line if (i == 0 or any(c.strip() for c in next(csv.reader([line]), [""]))) else ""
            for i, line in enumerate(lines)]
    return parse_ledger_csv_rows(io.StringIO("\n".join(kept), newline=""), "f.csv")


def assert_same(data: bytes) -> str:
    new, old = outcome(columnar, data), outcome(row_by_row, data)
    assert new[0] == old[0], (data.decode()[:2000], new, old)
    if new[0] == "ok":
        pd.testing.assert_frame_equal(new[1], old[1])
    else:
        assert new[1] == old[1], data.decode()[:2000]
    return new[0]


def random_file(rnd: random.Random) -> bytes:
    header = list(CELLS) if rnd.random() < 0.7 else rnd.sample(list(CELLS), rnd.randint(5, 12))
    if rnd.random() < 0.1:
        header.append(rnd.choice(list(CELLS)))  # a repeated heading: the last one counts
    if rnd.random() < 0.2:
        header.insert(rnd.randint(0, len(header)), "unknown")
    clean = rnd.random() < 0.5
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=rnd.choice(["\n", "\r\n"]))
    w.writerow(header)
    for i in range(rnd.randint(0, 30)):
        if clean:
            managed = rnd.random() < 0.4
            row = {"event_id": f"e{i}", "kind": "managed" if managed else "sold",
                   "client_id": f"c{i % 4}", "client_name": rnd.choice(CELLS["client_name"]),
                   "date": "2025-03" if managed else f"2025-03-{1 + i % 28:02d}",
                   "deal_type": "" if managed else rnd.choice(["sourced", "assisted"]),
                   "amount": rnd.choice(["100", "99.95", "1,000.50", "1000,5", "0"]),
                   "currency": rnd.choice(["EUR", "USD", "brl"]), "country": "PT",
                   "product_line": "", "first_sold": "", "other_partners": "1" if managed else ""}
        else:
            row = {c: rnd.choice(v) for c, v in CELLS.items()}
        values = [row.get(h, "x") for h in header]
        if rnd.random() < 0.05:
            values = values[: rnd.randint(1, len(values))]  # a short row
        if rnd.random() < 0.03:
            values = [*values, "extra"]  # a long row: the extra cell is ignored
        if rnd.random() < 0.03:
            buf.write("\n")  # a blank line
        w.writerow(values)
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if rnd.random() < 0.1 else data


def test_the_columnar_reader_accepts_and_refuses_exactly_what_the_row_by_row_reader_does():
    rnd = random.Random(16)
    seen = {"ok": 0, "refused": 0}
    for _ in range(300):
        seen[assert_same(random_file(rnd))] += 1
    assert seen["ok"] > 50 and seen["refused"] > 50  # both verdicts were exercised


@pytest.mark.parametrize("path", sorted(DATA.rglob("*ledger*.csv")), ids=lambda p: p.name)
def test_every_test_ledger_reads_to_the_same_frame_or_problems_both_ways(path):
    assert_same(path.read_bytes())


def test_amounts_stay_exact_integers_of_a_ten_thousandth_up_to_the_largest_amount():
    data = (b"kind,client_id,date,deal_type,amount,currency,country\n"
            b"sold,c1,2025-01-02,sourced,9999999999999.9999,COP,CO\n"
            b"sold,c1,2025-01-03,sourced,0.0001,COP,CO\n"
            b"sold,c1,2025-01-04,sourced,1234567.8912,COP,CO\n")
    units = columnar(data).frame["amount_units"].tolist()
    assert units == [99_999_999_999_999_999, 1, 12_345_678_912]
    assert assert_same(data) == "ok"


def test_rows_keep_their_file_order_and_line_numbers_when_some_go_to_the_row_parser():
    data = (b"event_id,kind,client_id,date,deal_type,amount,currency,country\n"
            b"a,sold,c1,2025-01-02,sourced,100,EUR,PT\n"
            b"b,sold,c1,2025-01-03,sourced,\"1,000.50\",EUR,PT\n"  # judged by the row parser
            b",managed,c1,2025-01,,50,EUR,PT\n"
            b"d,sold,c1,2025-01-05,sourced,7\n")  # short: the row parser, cells as None
    with pytest.raises(LedgerError) as e:
        columnar(data)
    assert [(p.line, p.column) for p in e.value.problems][:1] == [(5, "currency")]
    good = data.rsplit(b"d,sold", 1)[0]
    frame = columnar(good).frame
    assert frame["event_id"].tolist() == ["a", "b", "row4"]
    assert frame["amount_units"].tolist() == [1_000_000, 10_005_000, 500_000]


# -- issue 15 items the reader owns ----------------------------------------------------------
SEMI = ("event_id;kind;client_id;client_name;date;deal_type;amount;currency;country\n"
        "e1;sold;c1;Acme, Lda;2025-03-01;sourced;100,50;EUR;PT\n"
        "e2;managed;c1;Acme, Lda;2025-03;;80;EUR;PT\n")


def test_a_semicolon_ledger_is_read_like_a_comma_one():
    frame = columnar(SEMI.encode()).frame
    comma = columnar(SEMI.replace(",", ".").replace(";", ",").encode()).frame
    assert frame["amount_units"].tolist() == [1_005_000, 800_000]
    assert frame["client_name"].tolist() == ["Acme, Lda", "Acme, Lda"]
    assert frame["amount_units"].tolist() == comma["amount_units"].tolist()


def test_an_unclosed_quote_names_the_line_where_it_opens_and_swallows_no_row():
    data = (b"event_id,kind,client_id,client_name,date,deal_type,amount,currency,country\n"
            b"e1,sold,c1,Acme,2025-03-01,sourced,100,EUR,PT\n"
            b'e2,sold,c2,"Beta,2025-03-02,sourced,200,EUR,PT\n'
            b"e3,sold,c3,Gamma,2025-03-03,sourced,300,EUR,PT\n"
            b"e4,sold,c4,Delta,2025-03-04,sourced,400,EUR,PT\n")
    with pytest.raises(LedgerError) as e:
        columnar(data)
    [problem] = e.value.problems
    assert (problem.line, problem.column) == (3, "client_name")
    assert "quote" in problem.reason and "does not close" in problem.reason
    assert "None" not in str(e.value)


def test_a_quote_closed_on_a_later_line_is_refused_too_naming_where_it_opens():
    data = (b"event_id,kind,client_id,client_name,date,deal_type,amount,currency,country\n"
            b'e1,sold,c1,"Acme,2025-03-01,sourced,100,EUR,PT\n'
            b'e2,sold,c2,"Beta",2025-03-02,sourced,200,EUR,PT\n')
    with pytest.raises(LedgerError) as e:
        columnar(data)
    assert [(p.line, p.column) for p in e.value.problems] == [(2, "client_name")]
    assert "runs on to line 3" in e.value.problems[0].reason


def test_a_quote_inside_a_value_is_just_a_character():
    data = (b"kind,client_id,client_name,date,deal_type,amount,currency,country\n"
            b'sold,c1,Acme 5" screens,2025-03-01,sourced,100,EUR,PT\n')
    assert columnar(data).frame["client_name"].tolist() == ['Acme 5" screens']


def test_a_cell_over_131072_characters_is_one_problem_naming_line_and_column():
    data = ("kind,client_id,client_name,date,deal_type,amount,currency,country\n"
            f"sold,c1,{'x' * 200_000},2025-03-01,sourced,100,EUR,PT\n").encode()
    with pytest.raises(LedgerError) as e:
        columnar(data)
    [problem] = e.value.problems
    assert (problem.line, problem.column) == (2, "client_name")
    assert "200,000 characters" in problem.reason and "131,072" in problem.reason
    assert "PARTNERKIT_MAX_CELL_CHARS" in problem.reason


def test_the_row_size_and_time_bounds_name_the_limit_and_how_to_raise_it(monkeypatch):
    data = ("kind,client_id,date,deal_type,amount,currency,country\n"
            + "sold,c1,2025-03-01,sourced,100,EUR,PT\n" * 50).encode()
    monkeypatch.setenv("PARTNERKIT_MAX_ROWS", "10")
    with pytest.raises(LedgerError, match=r"rows limit of 10.*PARTNERKIT_MAX_ROWS"):
        columnar(data)
    monkeypatch.setenv("PARTNERKIT_MAX_ROWS", "50")
    assert len(columnar(data)) == 50
    limits = ledger_limits()
    small = LedgerLimits(1_000, limits.max_rows, limits.max_cell_chars, limits.max_seconds)
    with pytest.raises(LedgerError, match=r"file size limit.*PARTNERKIT_MAX_FILE_MB"):
        read_ledger_csv(io.BytesIO(data), "f.csv", small)
    no_time = LedgerLimits(limits.max_bytes, limits.max_rows, limits.max_cell_chars, -1)
    with pytest.raises(LedgerError, match=r"time limit.*PARTNERKIT_MAX_SECONDS"):
        read_ledger_csv(io.BytesIO(data), "f.csv", no_time)


@pytest.mark.parametrize("data, says", [
    (b"\x1f\x8b\x08\x00rest", "gzip compressed"),
    (b"PK\x03\x04rest", "zip"),
    ("kind,client_id\n".encode("utf-16"), "UTF-16"),
    (b"", "empty"),
    (b"kind,client_id,date,amount,currency,country\nsold,c1,2025-01-01,1,EUR,Portug\xe2l\n",
     "not UTF-8"),
])
def test_files_that_are_not_a_utf8_csv_are_refused_with_what_to_do(data, says):
    with pytest.raises(LedgerError, match=says):
        columnar(data)

"""The ledger CSV reader (issue 16): pyarrow reads typed text columns, checks run per column.

One reader for `partnerkit tier --ledger` and `partnerkit import --kind ledger`, so both accept and
refuse the same files. How a file becomes a `Ledger` (docs/architecture.md, "How a ledger flows
from file to Valuation"):

1. The first bytes are checked (UTF-16, compressed files refused; a UTF-8 byte-order mark
   dropped), the header line is read and its delimiter chosen: comma, semicolon or tab, whichever
   the header holds most of (a semicolon CSV from a pt-PT/pt-BR Excel is accepted everywhere).
2. pyarrow streams the rest in blocks of text columns (explicit string types: nothing is guessed),
   while the newlines are counted and the size and row bounds enforced (`ledger_limits`).
3. Each column is checked vectorised: text columns are dictionary-encoded and each distinct value
   is parsed ONCE by the core's own parsers (dates, months, currencies, countries, kinds, deal
   types); amounts go through pyarrow's exact decimal cast into integer 1/10,000 units (no float).
4. Only rows a column check flags (and rows with too few values) go to the row-level parser
   (`partnerkit.ledger._validate_records`), so every message (line, column, reason) is the one the
   row-by-row reader gives.
5. The codes become the Ledger's categoricals and datetime64 columns directly (no per-row Python).

Pure: no file is opened here; the reader takes an open binary stream.
"""

from __future__ import annotations

import codecs
import csv
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np

from partnerkit.countries import normalise_country
from partnerkit.ledger import (
    DEAL_TYPES,
    LEDGER_COLUMNS,
    REQUIRED_COLUMNS,
    Ledger,
    LedgerError,
    LedgerProblem,
    _validate_records,
    parse_date,
    parse_month,
)
from partnerkit.money import ABSURD_AMOUNT, AMOUNT_SCALE, parse_currency
from partnerkit.safe_text import control_in

# -- bounds ----------------------------------------------------------------------------------------
# The input bounds are partnerkit.limits' (issue 15, items 11 and 13): file size, rows, characters
# in a cell, time; each message names the limit and the environment variable that raises it.
# pyarrow parses in blocks; a line must fit in a block (a longer one is reported with its number).
BLOCK_BYTES = 16 * 1024**2


@dataclass(frozen=True)
class LedgerLimits:
    max_bytes: int
    max_rows: int
    max_cell_chars: int
    max_seconds: float


def ledger_limits() -> LedgerLimits:
    """The bounds in force now (partnerkit.limits: defaults, or the environment's)."""
    from partnerkit import limits

    return LedgerLimits(limits.FILE_SIZE.value, limits.ROWS.value, limits.CELL_CHARS.value,
                        limits.SECONDS.value)


def _over(limit: str, where: str, found: str = "") -> LedgerProblem:
    from partnerkit import limits

    bound = {"bytes": limits.FILE_SIZE, "rows": limits.ROWS, "cell": limits.CELL_CHARS,
             "seconds": limits.SECONDS}[limit]
    return LedgerProblem(0, "", bound.message(where, found))


# -- the stream ------------------------------------------------------------------------------------
_COMPRESSED = {b"\x1f\x8b": "gzip", b"PK\x03\x04": "zip (or .xlsx)", b"BZh": "bzip2",
               b"\xfd7zXZ\x00": "xz", b"(\xb5/\xfd": "zstd"}


class _Bounded(io.RawIOBase):
    """The data pyarrow reads: counts newlines as they pass and stops at the size/row bounds."""

    def __init__(self, head: bytes, rest: IO[bytes], limits: LedgerLimits) -> None:
        self._head, self._rest, self._limits = head, rest, limits
        self.newlines = 0
        self.total = 0
        self._ends = time.monotonic() + limits.max_seconds
        self.ends_in_newline = True

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = (self._head, b"") if size < 0 or size >= len(self._head) else (
                self._head[:size], self._head[size:])
        else:
            data = self._rest.read(size if size >= 0 else self._limits.max_bytes + 1)
        if data:
            self.total += len(data)
            self.newlines += data.count(b"\n")
            self.ends_in_newline = data.endswith(b"\n")
            if self.total > self._limits.max_bytes:
                raise _TooBig(_over("bytes", "the file"))
            if self.newlines > self._limits.max_rows:  # past the header: one per data row
                raise _TooBig(_over("rows", "the file"))
            if time.monotonic() > self._ends:
                raise _TooBig(_over("seconds", "reading the file"))
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _TooBig(Exception):
    def __init__(self, problem: LedgerProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _header(stream: IO[bytes], source: str, limits: LedgerLimits) -> tuple[list[str], str, bytes]:
    """(header names, delimiter, the bytes read past the header line)."""
    first = stream.read(64 * 1024)
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerError([LedgerProblem(1, "", (
            "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8 (comma "
            "delimited)' and use that"))], source)
    for magic, what in _COMPRESSED.items():
        if first.startswith(magic):
            raise LedgerError([LedgerProblem(1, "", (
                f"the file is {what} compressed, not a CSV; unpack it and give the .csv"))], source)
    skipped = 3 if first.startswith(codecs.BOM_UTF8) else 0
    buf = first[skipped:]
    while b"\n" not in buf:
        more = stream.read(64 * 1024)
        if not more:
            break
        buf += more
        if len(buf) > limits.max_cell_chars * 4:
            raise LedgerError([LedgerProblem(1, "", (
                "the first line (the header) is longer than a ledger header can be: is this a "
                "ledger CSV?"))], source)
    end = buf.find(b"\n")
    line, rest = (buf, b"") if end < 0 else (buf[:end], buf[end + 1:])
    try:
        text = line.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as e:
        raise LedgerError([_not_utf8(1, line[e.start])], source) from None
    if not text.strip():
        raise LedgerError([LedgerProblem(1, "", "the file is empty: give the ledger CSV with "
                                         "its header line")], source)
    delimiter = max((",", ";", "\t"), key=text.count)
    names = next(csv.reader([text], delimiter=delimiter))
    names = [h.strip().lstrip("\ufeff") for h in names]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise LedgerError([LedgerProblem(1, c, "required column is missing") for c in missing],
                          source)
    return names, delimiter, rest


def _not_utf8(line: int, byte: int) -> LedgerProblem:
    return LedgerProblem(line, "", (
        f"the file is not UTF-8 (byte 0x{byte:02X}; probably Windows-1252/Latin-1 from an older "
        "Excel): save it as 'CSV UTF-8' and use that"))


# -- columns ---------------------------------------------------------------------------------------
class _Categories:
    """A text column's distinct (cleaned) values across every block, and their codes."""

    def __init__(self) -> None:
        self.code: dict[str, int] = {}
        self.values: list[str] = []

    def codes_of(self, cleaned: list[str]) -> np.ndarray:
        out = np.empty(len(cleaned), dtype=np.int32)
        for i, v in enumerate(cleaned):
            c = self.code.get(v)
            if c is None:
                c = self.code[v] = len(self.values)
                self.values.append(v)
            out[i] = c
        return out

    def categorical(self, codes: np.ndarray) -> Any:
        """The used values as sorted categories, as pandas' astype("category") makes them."""
        import pandas as pd

        used = np.flatnonzero(np.bincount(codes, minlength=len(self.values)) > 0)
        names = np.array(self.values, dtype=object)[used]
        order = np.argsort(names, kind="stable")
        rank = np.full(len(self.values), -1, dtype=np.int32)
        rank[used[order]] = np.arange(len(used), dtype=np.int32)
        cats = pd.Index(names[order].tolist(), dtype="str")
        return pd.Categorical.from_codes(rank[codes], categories=cats)


# The export's formula guard ('=x, '+1, ...; partnerkit export) is undone on reading, on both paths,
# so an exported ledger reads back as it was.
_GUARDED = ("=", "+", "-", "@", "\t", "\r")


def unguard(text: str) -> str:
    """"'=x" read back is "=x" (the export wrote the quote so a spreadsheet shows text)."""
    if len(text) > 1 and text[0] == "'" and text[1] in _GUARDED:
        return text[1:]
    return text


def _distinct(column: Any) -> tuple[np.ndarray, list[str]]:
    """(code per row, distinct cell values) of a pyarrow string array."""
    enc = column.dictionary_encode()
    return (enc.indices.to_numpy(zero_copy_only=False),
            [unguard(v) for v in enc.dictionary.to_pylist()])


_FAILED = object()


def _per_value(raw: list[str], fn: Callable[[str], Any], dtype: Any = object,
               cache: dict[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """fn applied once per distinct value (and once per file with a `cache`): (values, ok)."""
    cache = {} if cache is None else cache
    values = np.empty(len(raw), dtype=dtype)
    ok = np.ones(len(raw), dtype=bool)
    for i, v in enumerate(raw):
        got = cache.get(v, _FAILED if v in cache else None)
        if got is None:
            try:
                got = cache[v] = fn(v)
            except ValueError:
                cache[v] = got = _FAILED
        if got is _FAILED:
            ok[i] = False
        else:
            values[i] = got
    return values, ok


def _day(fn: Callable[[str], Any]) -> Callable[[str], np.datetime64]:
    def parse(v: str) -> np.datetime64:
        d = fn(v)
        return np.datetime64("NaT", "D") if d is None else np.datetime64(d, "D")

    return parse


def _day64(day: Any) -> np.datetime64:
    return np.datetime64("NaT", "D") if day is None else np.datetime64(day, "D")


def _first_sold(v: str) -> Any:
    return parse_date(v, "first_sold") if v.strip() else None


def _others(v: str) -> int:
    text = v.strip()
    if not text:
        return 0
    n = int(text)
    if not 0 <= n <= 2**63 - 1:
        raise ValueError(text)
    return n


_ABSURD_UNITS = int(ABSURD_AMOUNT) * AMOUNT_SCALE


def _amount_units(column: Any) -> tuple[np.ndarray, np.ndarray]:
    """Integer 1/10,000 units per row and which rows are plain amounts (the rest: row parser).

    pyarrow's decimal cast is exact: it refuses more than 4 decimals, and the value's integer is
    the amount x 10,000. A block with any other spelling (1,000.50; 1000,50; blanks) falls back to
    parsing each distinct value with the core's parse_amount."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(column)
    try:
        dec = pc.cast(column, pa.decimal128(18, 4))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        from partnerkit.money import parse_amount, to_units

        codes, raw = _distinct(column)
        units, ok = _per_value(raw, lambda v: to_units(parse_amount(v, "amount")), np.int64)
        return units[codes], ok[codes]
    dec = dec.combine_chunks() if hasattr(dec, "combine_chunks") else dec
    words = np.frombuffer(dec.buffers()[1], dtype=np.int64)
    units = words[2 * dec.offset: 2 * (dec.offset + n): 2].copy()
    ok = (units >= 0) & (units <= _ABSURD_UNITS)  # negative / absurd: the row parser says why
    return units, ok


@dataclass
class _Block:
    """One block's clean columns (codes into the shared categories)."""

    lines: np.ndarray
    kind: np.ndarray  # 0 sold, 1 managed
    codes: dict[str, np.ndarray]
    date: np.ndarray
    first: np.ndarray
    units: np.ndarray
    others: np.ndarray
    event_id: Any  # pyarrow string array


def _narrow(values: np.ndarray, bound: int) -> np.ndarray:
    """`values` (all in 0 .. bound-1) in the smallest integer type that holds them."""
    for dtype in (np.int8, np.int16, np.int32):
        if bound <= np.iinfo(dtype).max:
            return values.astype(dtype, copy=False)
    return values.astype(np.int64, copy=False)


_TEXT_COLUMNS = ("client_id", "client_name", "deal_type", "currency", "country", "product_line")


@dataclass
class _Reader:
    names: list[str]
    source: str
    limits: LedgerLimits
    cats: dict[str, _Categories] = field(
        default_factory=lambda: {c: _Categories() for c in ("kind", *_TEXT_COLUMNS)})
    blocks: list[_Block] = field(default_factory=list)
    problems: list[LedgerProblem] = field(default_factory=list)
    rows: int = 0
    # parsed distinct values, kept across blocks (a date is parsed once per file)
    cache: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        c: {} for c in ("day", "month", "first_sold", "other_partners", "currency", "country")})

    def __post_init__(self) -> None:
        # A repeated heading: the last one counts (as csv.DictReader reads it).
        self.where = {name: i for i, name in enumerate(self.names) if name in LEDGER_COLUMNS}
        self.cats["kind"].codes_of(["sold", "managed"])

    def block(self, columns: dict[str, Any], lines: np.ndarray) -> None:
        """Check one block of raw text columns (by ledger name); `lines` are the file lines."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(lines)
        if not n:
            return
        blank = pa.repeat(pa.scalar(""), n)

        def col(name: str) -> Any:
            return columns.get(name, blank)

        for name, c in columns.items():  # cell length bound (item 13)
            if (pc.max(pc.binary_length(c)).as_py() or 0) > self.limits.max_cell_chars:
                lengths = pc.utf8_length(c).to_numpy(zero_copy_only=False)
                for i in np.flatnonzero(lengths > self.limits.max_cell_chars)[:10]:
                    over = _over("cell", "this cell", f"it has {int(lengths[i]):,} characters")
                    self.problems.append(LedgerProblem(int(lines[i]), name, over.reason))
        codes, raw = _distinct(col("kind"))
        kind_of = np.array([{"sold": 0, "managed": 1}.get(v.strip().lower(), -1) for v in raw],
                           dtype=np.int8)
        kind = kind_of[codes]
        managed, sold = kind == 1, kind == 0
        bad = kind < 0
        if bad.any():  # a blank line (every cell blank) is skipped, as in the row-by-row reader
            blank_kind = np.array([not v.strip() for v in raw], dtype=bool)[codes]
            for i in np.flatnonzero(blank_kind):
                if all(not str(columns[c][int(i)].as_py()).strip() for c in columns):
                    bad[i] = False
                    kind[i] = -2
        clean: dict[str, np.ndarray] = {}
        for name in _TEXT_COLUMNS:
            codes, raw = _distinct(col(name))
            if name == "deal_type":
                cleaned = [v.strip().lower() for v in raw]
                ok = np.array([v in DEAL_TYPES for v in cleaned], dtype=bool)[codes]
                bad |= sold & ~ok
                clean[name] = self.cats[name].codes_of(cleaned)[codes]
                continue
            if name == "currency":
                values, okv = _per_value(raw, parse_currency, object, self.cache[name])
            elif name == "country":
                values, okv = _per_value(raw, lambda v: normalise_country(v.strip()), object,
                                         self.cache[name])
            else:
                values = np.array([v.strip() for v in raw], dtype=object)
                okv = (values != "") if name == "client_id" else np.ones(len(raw), dtype=bool)
                # a control character (issue 15): the row parser says which and where
                okv &= np.array([control_in(v) is None for v in raw], dtype=bool)
            values = np.where(okv, values, "")
            bad |= ~okv[codes]
            clean[name] = self.cats[name].codes_of(values.tolist())[codes]
        codes, raw = _distinct(col("date"))
        day, day_ok = _per_value(raw, _day(parse_date), "datetime64[D]", self.cache["day"])
        month, month_ok = _per_value(raw, _day(parse_month), "datetime64[D]",
                                     self.cache["month"])
        date = np.where(managed, month[codes], day[codes])
        bad |= ~np.where(managed, month_ok[codes], day_ok[codes])
        codes, raw = _distinct(col("first_sold"))
        first, first_ok = _per_value(raw, _day(_first_sold), "datetime64[D]",
                                     self.cache["first_sold"])
        first, first_ok = first[codes], first_ok[codes]
        bad |= ~first_ok
        with np.errstate(invalid="ignore"):
            bad |= sold & ~np.isnat(first) & ~np.isnat(date) & (first > date)
        units, amount_ok = _amount_units(col("amount"))
        bad |= ~amount_ok
        codes, raw = _distinct(col("other_partners"))
        others, others_ok = _per_value(raw, _others, np.int64, self.cache["other_partners"])
        others, others_ok = np.where(managed, others[codes], 0), others_ok[codes]
        bad |= managed & ~others_ok
        event_id = col("event_id")
        guarded = pc.starts_with(event_id, "'").to_numpy(zero_copy_only=False)
        if guarded.any():
            fixed = [unguard(v) for v in event_id.filter(pa.array(guarded)).to_pylist()]
            event_id = pc.replace_with_mask(event_id, pa.array(guarded), pa.array(fixed))
        event_id = pc.utf8_trim_whitespace(event_id)
        bad |= pc.match_substring_regex(event_id, "[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f]"
                                        ).to_numpy(zero_copy_only=False)
        no_id = pc.equal(event_id, "").to_numpy(zero_copy_only=False)
        keep = kind != -2  # blank rows are dropped
        if bad.any():
            self._flagged(columns, lines, bad, keep)
        if no_id.any():
            ids = np.char.add("row", lines[no_id].astype(str)).tolist()
            event_id = pc.replace_with_mask(event_id, pa.array(no_id), pa.array(ids))
        clean["deal_type"] = np.where(managed, self.cats["deal_type"].codes_of([""])[0],
                                      clean["deal_type"])
        sel = np.flatnonzero(keep & ~bad)
        if len(sel) == n:
            self._add(lines, kind, clean, date, first, units, others, event_id)
        elif len(sel):
            take = pa.array(sel)
            self._add(lines[sel], kind[sel], {k: v[sel] for k, v in clean.items()}, date[sel],
                      first[sel], units[sel], others[sel], event_id.take(take))

    def _add(self, lines: np.ndarray, kind: np.ndarray, codes: dict[str, np.ndarray],
             date: np.ndarray, first: np.ndarray, units: np.ndarray, others: np.ndarray,
             event_id: Any) -> None:
        self.rows += len(lines)
        # Kept small until the Ledger is built (10M rows live here at once): the smallest
        # integer types that hold the values so far; np.concatenate widens where they differ.
        small = {name: _narrow(c, len(self.cats[name].values)) for name, c in codes.items()}
        self.blocks.append(_Block(lines.astype(np.int32), kind.astype(np.int8), small, date,
                                  first, units, _narrow(others, int(others.max(initial=0)) + 1),
                                  event_id))

    def _flagged(self, columns: dict[str, Any], lines: np.ndarray, bad: np.ndarray,
                 keep: np.ndarray) -> None:
        """The flagged rows through the row-by-row parser; rows it accepts leave the block (they
        are added with the row parser's values)."""
        idx = np.flatnonzero(bad & keep)
        rows = [(int(lines[i]), {c: unguard(columns[c][int(i)].as_py()) for c in columns})
                for i in idx]
        accepted = self.row_level(rows)
        if accepted:
            hit = np.isin(lines, np.array(sorted(accepted), dtype=np.int64))
            bad[hit] = False
            keep[hit] = False

    def row_level(self, rows: list[tuple[int, dict[str, Any]]]) -> set[int]:
        """Rows judged by the row-by-row parser: its problems are kept, the rows it accepts
        added; returns the lines accepted."""
        import pyarrow as pa

        clean, problems = _validate_records(rows)
        self.problems.extend(problems)
        if not clean:
            return set()
        refused = {p.line for p in problems}
        lines = [line for line, _ in rows if line not in refused]
        self._add(
            np.array(lines, dtype=np.int64),
            np.array([0 if r["kind"] == "sold" else 1 for r in clean], dtype=np.int8),
            {name: self.cats[name].codes_of([str(r[name]) for r in clean])
             for name in _TEXT_COLUMNS},
            np.array([_day64(r["date"]) for r in clean], dtype="datetime64[D]"),
            np.array([_day64(r["first_sold"]) for r in clean], dtype="datetime64[D]"),
            np.array([r["amount_units"] for r in clean], dtype=np.int64),
            np.array([r["other_partners"] for r in clean], dtype=np.int64),
            pa.array([str(r["event_id"]) for r in clean], type=pa.string()))
        return set(lines)

    def ledger(self) -> tuple[Ledger, np.ndarray]:
        """The Ledger in file order, and each row's line. Built column by column, each column's
        block pieces dropped once joined (10M rows: the peak holds one copy, not two)."""
        import pandas as pd
        import pyarrow as pa

        blocks = [b for b in self.blocks if len(b.lines)]
        self.blocks = []
        if not blocks:  # the empty ledger, exactly as the row-by-row reader makes it
            return Ledger.from_records([]), np.zeros(0, dtype=np.int64)
        lines = np.concatenate([b.lines for b in blocks])
        order = None if np.all(lines[1:] > lines[:-1]) else np.argsort(lines, kind="stable")

        def joined(field_name: str, key: str = "") -> np.ndarray:
            parts = []
            for b in blocks:
                store = b.codes if key else b.__dict__
                parts.append(store.pop(key or field_name))
            out = np.concatenate(parts)
            del parts
            return out if order is None else out[order]

        ids = pa.chunked_array([b.event_id for b in blocks], type=pa.string())
        for b in blocks:
            b.event_id = None
        if order is not None:
            ids = ids.take(pa.array(order))
        data: dict[str, Any] = {"event_id": ids.to_pandas()}
        del ids
        data["kind"] = self.cats["kind"].categorical(joined("kind"))
        for name in ("client_id", "client_name"):
            data[name] = self.cats[name].categorical(joined("codes", name))
        data["date"] = joined("date").astype("datetime64[ns]")
        data["deal_type"] = self.cats["deal_type"].categorical(joined("codes", "deal_type"))
        data["amount_units"] = joined("units")
        for name in ("currency", "country", "product_line"):
            data[name] = self.cats[name].categorical(joined("codes", name))
        data["first_sold"] = joined("first").astype("datetime64[ns]")
        data["other_partners"] = joined("others").astype(np.int64, copy=False)
        frame = pd.DataFrame(data, copy=False)
        del data
        pa.default_memory_pool().release_unused()  # the blocks' text: back to the system
        return Ledger.from_frame(frame), (lines if order is None else lines[order])


# -- the reader ------------------------------------------------------------------------------------
def read_ledger_csv(stream: IO[bytes], source: str = "ledger.csv",
                    limits: LedgerLimits | None = None) -> tuple[Ledger, np.ndarray]:
    """A ledger CSV (binary stream) as a validated Ledger, and each row's line in the file.

    Raises LedgerError listing every problem (line, column, reason), as the row-by-row reader
    words them. The stream is read once; it is read again (from the start) only to explain a
    file pyarrow cannot split into lines (an unclosed quote, a line longer than a block)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    limits = limits or ledger_limits()
    start = stream.tell() if stream.seekable() else None
    names, delimiter, rest = _header(stream, source, limits)
    data = _Bounded(rest, stream, limits)
    wanted = {name: f"f{i}" for name, i in _where(names).items()}
    set_aside: list[tuple[int, str]] = []

    def invalid(row: Any) -> str:
        set_aside.append((int(row.number or 0) + 1, row.text))  # pyarrow counts after the header
        return "skip"

    reader = _Reader(names, source, limits)
    seen = 0
    try:
        batches = pacsv.open_csv(
            data,
            read_options=pacsv.ReadOptions(
                column_names=[f"f{i}" for i in range(len(names))], use_threads=False,
                block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                             invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(len(names))},
                include_columns=list(wanted.values()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
        next_line = 2
        for batch in _batches(batches):
            n = batch.num_rows
            aside, set_aside[:] = list(set_aside), []
            span = np.arange(next_line, next_line + n + len(aside), dtype=np.int64)
            if aside:
                span = span[~np.isin(span, [line for line, _ in aside])]
            next_line += n + len(aside)
            seen += n + len(aside)
            if len(span) >= n:
                reader.block({name: batch.column(f) for name, f in wanted.items()}, span[:n])
            _set_aside_rows(reader, aside, delimiter)
        if set_aside:
            seen += len(set_aside)
            _set_aside_rows(reader, list(set_aside), delimiter)
    except _TooBig as e:
        raise LedgerError([e.problem], source) from None
    except pa.ArrowInvalid as e:
        if not (str(e).startswith("Empty CSV") and data.total == 0):  # else: a header only
            raise LedgerError([_explain(stream, start, names, delimiter, str(e))],
                              source) from None
    lines_after_header = data.newlines + (0 if data.ends_in_newline else 1)
    if seen != lines_after_header:  # a quoted value ran over a line end
        raise LedgerError([_explain(stream, start, names, delimiter, "")], source)
    if reader.problems:
        reader.problems.sort(key=lambda p: p.line)
        raise LedgerError(reader.problems, source)
    return reader.ledger()


def _where(names: list[str]) -> dict[str, int]:
    """The position of each ledger column; a repeated heading: the last one counts (as
    csv.DictReader reads it)."""
    return {name: i for i, name in enumerate(names) if name in LEDGER_COLUMNS}


def _batches(batches: Any) -> Iterator[Any]:
    while True:
        try:
            yield batches.read_next_batch()
        except StopIteration:
            return


def _set_aside_rows(reader: _Reader, rows: list[tuple[int, str]], delimiter: str) -> None:
    """Rows pyarrow set aside (too few or too many values): the row parser reads them as
    csv.DictReader would (missing cells as None, extra cells ignored)."""
    for line, text in rows:
        if "\n" in text or "\r" in text:
            continue  # a value running over lines: the line count tells, `_explain` says where
        if text.count('"') % 2:
            reader.problems.append(LedgerProblem(line, "", _OPEN_QUOTE.format(where="")))
            continue
        values = next(csv.reader([text], delimiter=delimiter), [])
        if not any(v.strip() for v in values):
            continue  # a blank row
        row = {name: unguard(values[p]) for name, p in reader.where.items() if p < len(values)}
        reader.row_level([(line, row)])


_OPEN_QUOTE = ("a quote (\") opens a value that does not close on this line{where}; a ledger value "
               "cannot span lines: remove the stray quote, or close it")


def _explain(stream: IO[bytes], start: int | None, names: list[str], delimiter: str,
             error: str) -> LedgerProblem:
    """Why the file cannot be read as one row per line, with the line where it starts (read again
    from the start with the csv module, whose quoting rules are pyarrow's)."""
    first = error.strip().splitlines()[0] if error.strip() else ""
    if start is None:
        return LedgerProblem(0, "", f"cannot read this file as CSV ({first})")
    stream.seek(start)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    line = 1
    try:
        reader = csv.reader(text, delimiter=delimiter)
        for values in reader:
            end = reader.line_num
            if end > line and values:  # one record over several lines: a quote did it
                col = next((i for i, v in enumerate(values) if "\n" in v or "\r" in v), 0)
                name = names[col] if col < len(names) else ""
                return LedgerProblem(line, name, _OPEN_QUOTE.format(
                    where=f" (it runs on to line {end})"))
            if len(values) > 0 and max(map(len, values)) > BLOCK_BYTES // 4:
                return LedgerProblem(line, "", (
                    f"the line is longer than {BLOCK_BYTES // 4:,} characters: is this a ledger "
                    "CSV?"))
            line = end + 1
    except UnicodeDecodeError as e:
        return _not_utf8(line, e.object[e.start] if isinstance(e.object, bytes) else 0)
    except csv.Error:
        return LedgerProblem(line, "", _OPEN_QUOTE.format(
            where=" (it runs to the end of the file)"))
    finally:
        csv.field_size_limit(limit)
        text.detach()
    if "UTF8" in first or "utf8" in first.lower():
        return LedgerProblem(0, "", "the file is not UTF-8: save it as 'CSV UTF-8' and use that")
    return LedgerProblem(0, "", (
        f"cannot split this file into lines{' (' + first + ')' if first else ''}: save it again "
        "as 'CSV UTF-8' with one row per line"))


def read_ledger_rows(header: list[str], rows: list[tuple[int, list[str]]],
                     source: str = "ledger") -> tuple[Ledger, np.ndarray]:
    """The same checks on rows already split into cells (a spreadsheet's rows: (line, cells)).
    Rows with fewer cells than the header go to the row parser (missing cells as None)."""
    import pyarrow as pa

    names = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise LedgerError([LedgerProblem(1, c, "required column is missing") for c in missing],
                          source)
    reader = _Reader(names, source, ledger_limits())
    width = len(names)
    full = [(line, cells) for line, cells in rows if len(cells) >= width]
    if full:
        reader.block({name: pa.array([cells[p] for _, cells in full], type=pa.string())
                      for name, p in reader.where.items()},
                     np.array([line for line, _ in full], dtype=np.int64))
    short = [(line, {name: unguard(cells[p]) for name, p in reader.where.items()
                     if p < len(cells)}) for line, cells in rows if len(cells) < width]
    if short:
        reader.row_level(short)
    if reader.problems:
        reader.problems.sort(key=lambda p: p.line)
        raise LedgerError(reader.problems, source)
    return reader.ledger()


def parse_ledger_bytes(data: bytes, source: str = "ledger.csv",
                       limits: LedgerLimits | None = None) -> Ledger:
    """`read_ledger_csv` on bytes already in memory."""
    return read_ledger_csv(io.BytesIO(data), source, limits)[0]

"""The point ledger: sold events and managed snapshots, the only inputs of the points engine.

One row per sold event (a sourced or assisted deal, or another subscription increase) or per
managed snapshot (a client the partner services, in a given month). The same columns are the
ledger CSV format (README, "Ledger CSV"), the database's ledger table and the engine's frame.

Pure: no files are opened here; `parse_ledger_csv` takes an open stream.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Literal

import numpy as np
import pandas as pd

from partnerkit import display
from partnerkit.countries import normalise_country
from partnerkit.money import MoneyError, parse_amount, parse_currency, to_units
from partnerkit.safe_text import control_in

DealType = Literal["sourced", "assisted"]
DEAL_TYPES: tuple[DealType, ...] = ("sourced", "assisted")
KINDS = ("sold", "managed")

# The CSV / frame columns, in order. `date` is the close date of a sold event and the first day of
# the month of a managed snapshot (a CSV may write the month as YYYY-MM).
LEDGER_COLUMNS: tuple[str, ...] = (
    "event_id",
    "kind",
    "client_id",
    "client_name",
    "date",
    "deal_type",
    "amount",
    "currency",
    "country",
    "product_line",
    "first_sold",
    "other_partners",
)
REQUIRED_COLUMNS = ("kind", "client_id", "date", "amount", "currency", "country")


@dataclass(frozen=True, slots=True)
class SoldEvent:
    """A sourced or assisted sale (or other subscription increase) of `amount` MRR."""

    client_id: str
    close_date: dt.date
    deal_type: DealType
    amount: Decimal
    currency: str
    country: str
    product_line: str = ""
    # First sale of this product line to this client; decides the sourced rate (2024-02-27 rule).
    # None means this event is that first sale.
    first_sold: dt.date | None = None
    client_name: str = ""
    event_id: str = ""


@dataclass(frozen=True, slots=True)
class ManagedSnapshot:
    """The client MRR a partner services in `month` (first day of the month)."""

    client_id: str
    month: dt.date
    amount: Decimal
    currency: str
    country: str
    other_partners: int = 0
    client_name: str = ""
    event_id: str = ""


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    line: int  # 1-based line in the source file (header is line 1); 0 when not from a file
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "row"
        return f"{where}, column {self.column!r}: {self.reason}"


class LedgerError(ValueError):
    """Bad ledger rows. `problems` lists every one, with its line and column."""

    def __init__(self, problems: list[LedgerProblem], source: str = "ledger") -> None:
        self.problems = problems
        self.source = source
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{source}: {len(problems)} bad row(s): {shown}{more}")


@dataclass(frozen=True)
class Ledger:
    """A validated ledger as a columnar frame (fast for millions of events).

    Frame columns: event_id (str), kind ('sold'|'managed'), client_id (str), client_name (str),
    date (datetime64[ns], day precision), deal_type ('sourced'|'assisted'|''), amount_units (int64:
    amount x 10,000, exact), currency (str), country (str), product_line (str), first_sold
    (datetime64[ns], NaT when absent), other_partners (int64).
    """

    frame: pd.DataFrame = field(repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return display.ledger_repr(self)

    def _repr_html_(self) -> str:
        return display.ledger_html(self)

    @property
    def sold(self) -> pd.DataFrame:
        return self.frame[self.frame["kind"].to_numpy() == "sold"]

    @property
    def managed(self) -> pd.DataFrame:
        return self.frame[self.frame["kind"].to_numpy() == "managed"]

    def for_client(self, client_id: str) -> Ledger:
        return Ledger(self.frame[self.frame["client_id"].to_numpy() == client_id])

    @staticmethod
    def empty() -> Ledger:
        return Ledger.from_events([])

    @staticmethod
    def from_events(events: Iterable[SoldEvent | ManagedSnapshot]) -> Ledger:
        rows: list[dict[str, object]] = []
        for n, ev in enumerate(events):
            if isinstance(ev, SoldEvent):
                rows.append(
                    {
                        "event_id": ev.event_id or f"e{n}",
                        "kind": "sold",
                        "client_id": ev.client_id,
                        "client_name": ev.client_name,
                        "date": ev.close_date,
                        "deal_type": ev.deal_type,
                        "amount": ev.amount,
                        "currency": ev.currency,
                        "country": ev.country,
                        "product_line": ev.product_line,
                        "first_sold": ev.first_sold,
                        "other_partners": 0,
                    }
                )
            else:
                rows.append(
                    {
                        "event_id": ev.event_id or f"e{n}",
                        "kind": "managed",
                        "client_id": ev.client_id,
                        "client_name": ev.client_name,
                        "date": ev.month.replace(day=1),
                        "deal_type": "",
                        "amount": ev.amount,
                        "currency": ev.currency,
                        "country": ev.country,
                        "product_line": "",
                        "first_sold": None,
                        "other_partners": ev.other_partners,
                    }
                )
        return Ledger.from_records(rows)

    @staticmethod
    def from_records(rows: Iterable[dict[str, object]], source: str = "ledger") -> Ledger:
        """Validate plain records (values as text, dates, Decimals or ints) into a Ledger."""
        clean, problems = _validate_records((0, r) for r in rows)
        if problems:
            raise LedgerError(problems, source)
        return _frame_from_clean(clean)

    @staticmethod
    def from_frame(frame: pd.DataFrame) -> Ledger:
        """Adopt an already-typed frame (e.g. from the database) without per-row checks.

        Columns already in the Ledger's dtypes (categoricals, datetime64[ns], int64, text) are
        taken as they are; only the others are converted (no per-row Python for a typed frame)."""
        missing = [c for c in _FRAME_DTYPES if c not in frame.columns]
        if missing:
            raise ValueError(f"ledger frame lacks columns: {', '.join(missing)}")
        out: dict[str, object] = {}
        for col, dtype in _FRAME_DTYPES.items():
            values = frame[col]
            if dtype == "datetime64[ns]":
                if values.dtype != np.dtype("datetime64[ns]"):
                    values = pd.to_datetime(values).astype("datetime64[ns]")
            elif col in _CATEGORICAL:
                # Repeated text as categories: the engine works on the codes (10M rows: half the
                # memory, ~2x faster; docs/benchmarks.md). Values and comparisons are unchanged.
                values = _as_text_categories(values)
            elif dtype == "str":
                values = _as_text(values)
            elif values.dtype != np.dtype(dtype):
                values = values.fillna(0).astype(dtype)
            out[col] = values.reset_index(drop=True)
        # copy=False: the columns are adopted as they are (no consolidation into 2-D blocks).
        return Ledger(pd.DataFrame(out, columns=list(_FRAME_DTYPES), copy=False))

    def to_records(self) -> list[dict[str, str]]:
        """Rows in the CSV format (text values), e.g. for export."""
        f = self.frame
        records: list[dict[str, str]] = []
        for row in f.itertuples(index=False):
            first = row.first_sold
            is_managed = row.kind == "managed"
            records.append(
                {
                    "event_id": row.event_id,
                    "kind": row.kind,
                    "client_id": row.client_id,
                    "client_name": row.client_name,
                    "date": row.date.strftime("%Y-%m" if is_managed else "%Y-%m-%d"),
                    "deal_type": row.deal_type,
                    "amount": str(Decimal(int(row.amount_units)) / 10_000),
                    "currency": row.currency,
                    "country": row.country,
                    "product_line": row.product_line,
                    "first_sold": "" if pd.isna(first) else first.strftime("%Y-%m-%d"),
                    "other_partners": str(int(row.other_partners)) if is_managed else "",
                }
            )
        return records


_FRAME_DTYPES: dict[str, str] = {
    "event_id": "str",
    "kind": "str",
    "client_id": "str",
    "client_name": "str",
    "date": "datetime64[ns]",
    "deal_type": "str",
    "amount_units": "int64",
    "currency": "str",
    "country": "str",
    "product_line": "str",
    "first_sold": "datetime64[ns]",
    "other_partners": "int64",
}


# Text columns with few distinct values per ledger (client ids repeat over months and deals).
_CATEGORICAL = frozenset(
    {"kind", "client_id", "client_name", "deal_type", "currency", "country", "product_line"}
)


def _as_text(values: pd.Series) -> pd.Series:
    """Text (pandas' string dtype, Arrow-backed when pyarrow is there); blanks for missing."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype(object).where(values.notna(), "").astype(str)
    elif values.hasnans:
        values = values.fillna("")
    return values


def _as_text_categories(values: pd.Series) -> pd.Series:
    """Categories of text; blanks for missing. Converts only the distinct values to str."""
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    if cat.isna().any():
        if "" not in cat.cat.categories:
            cat = cat.cat.add_categories([""])
        cat = cat.fillna("")
    names = [str(x) for x in cat.cat.categories]
    if names != list(cat.cat.categories):
        if len(set(names)) != len(names):  # e.g. 1 and "1": merge them the slow way
            return cat.astype(object).astype(str).astype("category")
        cat = cat.cat.rename_categories(names)
    return cat


# The ledger frame holds dates as datetime64[ns]; a date outside its range (a typo such as 0225 or
# 20255) would overflow there, so it is refused here with a message instead.
EARLIEST_DATE = dt.date(1678, 1, 1)
LATEST_DATE = dt.date(2261, 12, 31)
# other_partners is stored as int64.
MOST_OTHER_PARTNERS = 2**63 - 1


def _in_range(day: dt.date, column: str, text: str) -> dt.date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(
            f"{column}: {text!r} is outside the dates a ledger can hold "
            f"({EARLIEST_DATE} to {LATEST_DATE}); check the year for a typo"
        )
    return day


def parse_date(value: object, column: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), column, str(value))
    if isinstance(value, dt.date):
        return _in_range(value, column, str(value))
    text = str(value).strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column}: {text!r} is not a date; write it as YYYY-MM-DD") from None
    return _in_range(day, column, text)


def parse_month(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return _in_range(value.replace(day=1), "date", str(value))
    text = str(value).strip()
    try:
        if len(text) == 7:
            day = dt.date.fromisoformat(text + "-01")
        else:
            day = dt.date.fromisoformat(text).replace(day=1)
    except ValueError:
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM") from None
    return _in_range(day, "date", text)


def parse_ledger_csv(stream: IO[str] | IO[bytes], source: str = "ledger.csv") -> Ledger:
    """Read the ledger CSV format; every bad row is reported with its line number.

    The columnar reader (partnerkit.ledger_csv: pyarrow, checks per column) on a binary stream;
    a text stream is encoded to UTF-8 first. Its verdicts and messages are those of
    `parse_ledger_csv_rows`, the row-by-row reader it sends flagged rows to."""
    from partnerkit.ledger_csv import read_ledger_csv

    text = isinstance(stream.read(0), str)
    data: IO[bytes] = io.BytesIO(str(stream.read()).encode("utf-8")) if text else stream  # type: ignore[assignment]
    return read_ledger_csv(data, source)[0]


def parse_ledger_csv_rows(stream: IO[str], source: str = "ledger.csv") -> Ledger:
    """The row-by-row reader (csv.DictReader and the row checks): the reference the columnar
    reader is tested against, and the judge of the rows it flags."""
    reader = csv.DictReader(stream)
    header = [h.strip().lstrip("\ufeff") for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise LedgerError(
            [LedgerProblem(1, c, "required column is missing") for c in missing], source
        )
    reader.fieldnames = header
    numbered = ((reader.line_num, row) for row in reader)
    clean, problems = _validate_records(numbered)
    if problems:
        raise LedgerError(problems, source)
    return _frame_from_clean(clean)


def _text(row: dict[str, object], key: str) -> str:
    v = row.get(key)
    if v is None:
        return ""
    if isinstance(v, float) and np.isnan(v):
        return ""
    return str(v).strip()


def _validate_records(
    numbered: Iterable[tuple[int, dict[str, object]]],
) -> tuple[list[dict[str, object]], list[LedgerProblem]]:
    clean: list[dict[str, object]] = []
    problems: list[LedgerProblem] = []
    for i, (line, row) in enumerate(numbered):
        bad = len(problems)

        def flag(column: str, reason: str, line: int = line) -> None:
            problems.append(LedgerProblem(line, column, reason))

        for name in ("event_id", "client_id", "client_name", "product_line"):
            bad_char = control_in(str(row.get(name) or ""))  # issue 15: never to a terminal
            if bad_char:
                what = "a NUL byte" if bad_char == "U+0000" else f"a control character ({bad_char})"
                flag(name, f"contains {what}; remove it and try again")
        kind = _text(row, "kind").lower()
        if kind not in KINDS:
            flag("kind", f"{kind!r} is not one of: sold, managed")
        client_id = _text(row, "client_id")
        if not client_id:
            flag("client_id", "a client id is required")
        date: dt.date | None = None
        try:
            raw_date = row.get("date")
            date = parse_month(raw_date) if kind == "managed" else parse_date(raw_date)
        except ValueError as e:
            flag("date", str(e).split(": ", 1)[-1])
        deal_type = _text(row, "deal_type").lower()
        if kind == "sold" and deal_type not in DEAL_TYPES:
            flag("deal_type", f"{deal_type!r} is not one of: sourced, assisted")
        if kind == "managed":
            deal_type = ""
        amount = Decimal(0)
        try:
            amount = parse_amount(row.get("amount"), "amount")
        except MoneyError as e:
            flag("amount", str(e).split(": ", 1)[-1])
        currency = ""
        try:
            currency = parse_currency(row.get("currency"))
        except MoneyError as e:
            flag("currency", str(e).split(": ", 1)[-1])
        country = ""
        try:
            country = normalise_country(_text(row, "country"))
        except ValueError as e:
            flag("country", str(e))
        first_sold: dt.date | None = None
        if _text(row, "first_sold"):
            try:
                first_sold = parse_date(row.get("first_sold"), "first_sold")
            except ValueError as e:
                flag("first_sold", str(e).split(": ", 1)[-1])
            if first_sold and date and kind == "sold" and first_sold > date:
                flag("first_sold", f"{first_sold} is after the close date {date}")
        others = 0
        if kind == "managed" and _text(row, "other_partners"):
            try:
                others = int(_text(row, "other_partners"))
                if not 0 <= others <= MOST_OTHER_PARTNERS:
                    raise ValueError
            except ValueError:
                flag("other_partners",
                     f"{_text(row, 'other_partners')!r} is not a whole number >= 0")
        if len(problems) > bad:
            continue
        clean.append(
            {
                "event_id": _text(row, "event_id") or f"row{line or i + 1}",
                "kind": kind,
                "client_id": client_id,
                "client_name": _text(row, "client_name"),
                "date": date,
                "deal_type": deal_type,
                "amount_units": to_units(amount),
                "currency": currency,
                "country": country,
                "product_line": _text(row, "product_line"),
                "first_sold": first_sold,
                "other_partners": others,
            }
        )
    return clean, problems


def _frame_from_clean(clean: list[dict[str, object]]) -> Ledger:
    frame = pd.DataFrame.from_records(clean, columns=list(_FRAME_DTYPES))
    return Ledger.from_frame(frame)

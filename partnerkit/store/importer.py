"""`partnerkit import`: CSV/XLSX files into the store (issue 3; formats in docs/import-formats.md).

A file is read and validated completely before anything is written: every bad row is reported
with its line (the spreadsheet row; the header is line 1), column and reason. Then the whole file
is written in one transaction, inserting new keys and updating existing ones, so importing the same
file twice changes nothing. Columns follow HubSpot's export headings where one exists ("Record ID",
"Company name", "Company Domain Name", "Country/Region"); the store's own column names (as
exported by `partnerkit export`) are accepted too. Unknown columns are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from partnerkit import limits
from partnerkit.countries import ISO_3166_ALPHA2
from partnerkit.dates import check_date
from partnerkit.ledger import LedgerError
from partnerkit.money import MoneyError, parse_amount, parse_currency, to_units
from partnerkit.safe_text import check_text
from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx
from partnerkit.store.models import (
    CLIENT_DEAL_TYPES,
    EDITIONS,
    PDM_ROLE,
    PRODUCT_LINES,
    RELATIONSHIPS,
    RENEWAL_STATUSES,
)
from partnerkit.store.models import (
    today as default_today,
)
from partnerkit.store.writes import bulk_upsert, existing_keys, gc_paused, upsert_rows

KINDS = ("clients", "subscriptions", "renewals", "usage", "engagement", "team", "ledger",
         "tier-history", "report-recipients", "portal-id")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line else []
        where += [f"column {self.column!r}"] if self.column else []
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ImportFileError(ValueError):
    """A file that cannot be imported; `problems` lists every bad row (line, column, reason)."""

    def __init__(self, source: str, problems: list[ImportProblem]) -> None:
        self.source = source
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:MAX_PROBLEMS_SHOWN])
        more = (f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)"
                if len(problems) > MAX_PROBLEMS_SHOWN else "")
        super().__init__(
            f"{source}: nothing imported, {len(problems)} problem(s): {shown}{more}"
        )


@dataclass(frozen=True)
class ImportResult:
    kind: str
    source: str
    rows: int
    inserted: int
    updated: int

    def __str__(self) -> str:
        return (f"{self.source}: imported {self.rows} {self.kind} row(s) "
                f"({self.inserted} new, {self.updated} updated)")


# -- reading files ---------------------------------------------------------------------------------
def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text (a UTF-8 byte-order mark is accepted and dropped); anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(source, [ImportProblem(1, "", (
            "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8 (comma "
            "delimited)' and import that"))])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        byte = data[e.start]
        raise ImportFileError(source, [ImportProblem(line, "", (
            f"the file is not UTF-8 (byte 0x{byte:02X}; probably Windows-1252/Latin-1 from an "
            "older Excel): save it as 'CSV UTF-8' and import again"))]) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def read_rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, values)]) from a .csv or .xlsx file; blank rows are skipped. Every input
    bound of partnerkit.limits applies (file size, rows, columns, cell length, unzipped size,
    time): a file over one is refused with the limit and how to raise it."""
    p = Path(path)
    source = p.name
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        raise ImportFileError(source, [ImportProblem(0, "", (
            f"{suffix or 'no extension'}: import a .csv (UTF-8) or .xlsx file"))])
    try:
        if suffix in (".xlsx", ".xlsm"):
            if p.is_dir() or not p.exists():
                limits.read_bounded(p, str(p))  # the same "folder" / "not found" messages
            limits.FILE_SIZE.check(p.stat().st_size, source)
            limits.check_unzipped(p, source)
            return _read_xlsx(p)
        return _read_csv(decode_text(limits.read_bounded(p, str(p)), source), source)
    except limits.LimitExceeded as e:
        raise ImportFileError(source, [ImportProblem(0, "", str(e).split(": ", 1)[-1])]) from None
    except ImportFileError:
        raise
    except ValueError as e:  # a folder, a missing or unreadable file
        raise ImportFileError(source, [ImportProblem(0, "", str(e))]) from None


def _check_shape(values: list[str], line: int, count: int, source: str,
                 deadline: limits.Deadline) -> None:
    """Row, column and cell bounds of one row (and the time bound every 4,096 rows)."""
    if count + 1 > limits.ROWS.value:
        raise ImportFileError(source, [ImportProblem(line, "", limits.ROWS.message("the file"))])
    if len(values) > limits.COLUMNS.value:
        raise ImportFileError(source, [ImportProblem(line, "", limits.COLUMNS.message(
            "this row", f"it has {len(values):,}"))])
    cell = limits.CELL_CHARS.value
    for i, v in enumerate(values):
        if len(v) > cell:
            raise ImportFileError(source, [ImportProblem(line, f"column {i + 1}", (
                limits.CELL_CHARS.message("this cell", f"it has {len(v):,}")
                + ". A quote that is never closed makes one huge cell: check the quotes"))])
    if count % 4096 == 0:
        deadline.check()


def _read_csv(text: str, source: str = "file"
              ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = max((",", ";", "\t"), key=first.count)
    csv.field_size_limit(max(limits.CELL_CHARS.value + 1, 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    line = 1
    deadline = limits.Deadline(source)
    try:
        for values in reader:
            start, line = line, reader.line_num + 1
            if not (values and values[0].strip()) and not any(v.strip() for v in values):
                continue
            _check_shape(values, start, len(rows), source, deadline)
            if header is None:
                header = values
                continue
            rows.append((start, values))
    except csv.Error:
        # Only an over-long field gets here (a quote opened and never closed runs on).
        raise ImportFileError(source, [ImportProblem(line, "", (
            limits.CELL_CHARS.message("a cell starting on this line")
            + ". A quote that is never closed makes one huge cell: check the quotes"))]) from None
    return header or [], rows


def _read_xlsx(p: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    source = p.name
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise ImportFileError(p.name, [ImportProblem(0, "", (
            f"cannot read this workbook ({type(e).__name__}); save it again as .xlsx"))]) from None
    try:
        if not wb.worksheets:
            raise ImportFileError(source, [ImportProblem(0, "", "the workbook has no sheet")])
        ws = wb.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        deadline = limits.Deadline(source)
        for n, values in enumerate(_sheet_rows(ws, source), start=1):
            texts = [_cell_text(v) for v in values]
            if not any(x.strip() for x in texts):
                continue
            _check_shape(texts, n, len(rows), source, deadline)
            if header is None:
                header = texts
                continue
            rows.append((n, texts))
        for other in wb.worksheets[1:]:
            if any(any(v is not None and str(v).strip() for v in r)
                   for r in _sheet_rows(other, source)):
                raise ImportFileError(source, [ImportProblem(0, "", (
                    f"the workbook has data on a second sheet ({other.title!r}) too; only the "
                    f"first sheet ({ws.title!r}) would be imported: put each kind of data in "
                    "a workbook of its own"))])
        return header or [], rows
    except ImportFileError:
        raise
    except Exception as e:  # a sheet damaged past its first rows
        raise ImportFileError(source, [ImportProblem(0, "", (
            f"cannot read this workbook ({type(e).__name__}); save it again as .xlsx"))]) from None
    finally:
        wb.close()


def _sheet_rows(ws: Any, source: str) -> Any:
    """Every row of a sheet as stored, never trusting its declared <dimension> (a stale one made
    openpyxl skip rows past it, a crafted one pad each row to 16,384 cells)."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    return ws.iter_rows(values_only=True)


# -- value parsers ---------------------------------------------------------------------------------
@dataclass
class Ctx:
    today: dt.date
    rules: Any
    client_currency: dict[str, str] = field(default_factory=dict)
    client_subscriptions: dict[str, list[str]] = field(default_factory=dict)


def _norm(heading: str) -> str:
    return re.sub(r"[\s_]+", " ", heading.strip().lstrip("\ufeff")).casefold()


def unneutralise(text: str) -> str:
    """Undo the export's formula guard: "'=x" read back is "=x"."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def p_text(max_len: int = 2000) -> Callable[[str, Ctx], str]:
    def parse(v: str, _c: Ctx) -> str:
        if len(v) > max_len:
            raise ValueError(f"longer than {max_len} characters")
        return v

    return parse


def p_id(v: str, _c: Ctx) -> str:
    if len(v) > 64:
        raise ValueError("an id is at most 64 characters")
    return v


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for loc in ("en", "pt", "es"):
        for code, name in Locale.parse(loc).territories.items():
            if code in ISO_3166_ALPHA2:
                names.setdefault(name.casefold(), code)
    names.update({"usa": "US", "united states of america": "US", "uk": "GB", "brasil": "BR"})
    return names


def p_country(v: str, _c: Ctx) -> str:
    code = v.strip().upper()
    if code in ISO_3166_ALPHA2:
        return code
    found = _country_names().get(v.strip().casefold())
    if found:
        return found
    raise ValueError(f"unknown country {v!r}: use an ISO code (PT, BR, US) or an English name")


def p_currency(v: str, c: Ctx) -> str:
    try:
        code = parse_currency(v)
    except MoneyError as e:
        raise ValueError(str(e).split(": ", 1)[-1]) from None
    try:
        c.rules.currency_rule(code, c.today)
    except ValueError as e:
        raise ValueError(str(e)) from None
    return code


def _date(v: str) -> dt.date:
    text = v.strip()
    try:
        day = (dt.date.fromisoformat(text[:10]) if len(text) >= 10
               else dt.date.fromisoformat(text))
    except ValueError:
        raise ValueError(f"{v!r} is not a date; write it as YYYY-MM-DD") from None
    return check_date(day)


def p_date(v: str, _c: Ctx) -> dt.date:
    return _date(v)


def p_past_date(v: str, c: Ctx) -> dt.date:
    d = _date(v)
    if d > c.today:
        raise ValueError(f"{d} is in the future (today is {c.today}); it cannot be")
    return d


def p_past_month(v: str, c: Ctx) -> dt.date:
    text = v.strip()
    try:
        d = dt.date.fromisoformat(text + "-01" if len(text) == 7 else text[:10]).replace(day=1)
    except ValueError:
        raise ValueError(f"{v!r} is not a month; write it as YYYY-MM") from None
    check_date(d)
    if d > c.today:
        raise ValueError(f"{text} is in the future (today is {c.today}); it cannot be")
    return d


def p_amount(v: str, _c: Ctx) -> int:
    try:
        return to_units(parse_amount(v, "amount"))
    except MoneyError as e:
        raise ValueError(str(e).split(": ", 1)[-1]) from None


def p_int(lo: int, hi: int) -> Callable[[str, Ctx], int]:
    def parse(v: str, _c: Ctx) -> int:
        try:
            n = int(v.strip().replace(",", "").removesuffix(".0"))
        except ValueError:
            raise ValueError(f"{v!r} is not a whole number") from None
        if not lo <= n <= hi:
            raise ValueError(f"{n} is not between {lo} and {hi}")
        return n

    return parse


def p_digits(v: str, _c: Ctx) -> str:
    if not v.strip().isdigit():
        raise ValueError(f"{v!r} is not a HubSpot id (digits only)")
    return v.strip()


def p_bool(v: str, _c: Ctx) -> bool:
    text = v.strip().casefold()
    if text in ("true", "yes", "y", "1", "x", "sim", "used"):
        return True
    if text in ("false", "no", "n", "0", "não", "nao", "not used"):
        return False
    raise ValueError(f"{v!r} is not yes/no")


def p_choice(choices: tuple[str, ...]) -> Callable[[str, Ctx], str]:
    lookup = {c.casefold(): c for c in choices}

    def parse(v: str, _c: Ctx) -> str:
        found = lookup.get(v.strip().casefold().replace("_", " "))
        if found is None:
            found = lookup.get(v.strip().casefold())
        if found is None:
            raise ValueError(f"{v!r} is not one of: {', '.join(choices)}")
        return found

    return parse


_PRODUCTS = {p.casefold(): p for p in PRODUCT_LINES}
_PRODUCTS.update({p.casefold().removesuffix(" hub"): p for p in PRODUCT_LINES})
_PRODUCTS["crm"] = "Smart CRM"


def p_product(v: str, _c: Ctx) -> str:
    found = _PRODUCTS.get(v.strip().casefold())
    if found is None:
        raise ValueError(f"unknown product line {v!r}: use one of {', '.join(PRODUCT_LINES)}")
    return found


_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def p_tier(v: str, c: Ctx) -> str:
    from partnerkit.store.tier_history import canonical_tier

    return canonical_tier(c.rules, v)


def p_source(v: str, _c: Ctx) -> str:
    from partnerkit.tier_history import SOURCES

    return p_choice(SOURCES)(v, _c)


def p_email(v: str, _c: Ctx) -> str:
    if not _EMAIL.match(v.strip()):
        raise ValueError(f"{v!r} is not an e-mail address")
    return v.strip()


# -- the formats -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    key: str
    headings: tuple[str, ...]  # the first is the documented one; the key is always accepted
    parse: Callable[[str, Ctx], Any]
    required: bool = True
    default: Any = ""


@dataclass(frozen=True)
class Format:
    kind: str
    table: sa.Table
    cols: tuple[Col, ...]
    key: tuple[str, ...]  # file-level key (without partner_id)
    needs_client: bool = True


CLIENT_ID = Col("client_id", ("Client ID",), p_id)
FORMATS: dict[str, Format] = {
    "clients": Format("clients", t.clients, (
        Col("client_id", ("Client ID",), p_id, required=False),
        Col("crm_record_id", ("Record ID", "Company ID"), p_digits, required=False),
        Col("name", ("Company name", "Name"), p_text(500)),
        Col("domain", ("Company Domain Name", "Website URL"), p_text(255), required=False),
        Col("country", ("Country/Region", "Country"), p_country),
        Col("industry", ("Industry",), p_text(200), required=False),
        Col("employees", ("Number of Employees",), p_int(0, 10_000_000), required=False,
            default=None),
        Col("portal_id", ("Hub ID", "HubSpot portal ID", "Portal ID"), p_digits, required=False),
        Col("relationship", ("Relationship",), p_choice(RELATIONSHIPS)),
        Col("deal_type", ("Deal type",), p_choice(CLIENT_DEAL_TYPES), required=False),
        Col("currency", ("Currency", "Company currency"), p_currency),
    ), key=("client_id",), needs_client=False),
    "subscriptions": Format("subscriptions", t.subscriptions, (
        CLIENT_ID,
        Col("product_line", ("Product line", "Product"), p_product),
        Col("edition", ("Edition",), p_choice(EDITIONS)),
        Col("mrr_units", ("MRR", "mrr"), p_amount),
        Col("currency", ("Currency",), p_currency),
        Col("contact_tier", ("Contact tier",), p_text(200), required=False),
        Col("email_send_tier", ("Email send tier",), p_text(200), required=False),
        Col("start_date", ("Start date",), p_past_date),
        Col("renewal_date", ("Renewal date",), p_date, required=False, default=None),
    ), key=("client_id", "product_line")),
    "renewals": Format("renewals", t.renewals, (
        CLIENT_ID,
        Col("renewal_date", ("Renewal date",), p_date),
        Col("owner", ("Renewal owner", "Owner"), p_text(200), required=False),
        Col("renewal_manager", ("HubSpot renewal manager", "Renewal manager"), p_text(200),
            required=False),
        Col("current_subscription", ("Current subscription",), p_text(), required=False),
        Col("renewal_subscription", ("Renewal subscription",), p_text(), required=False),
        Col("status", ("Status",), p_choice(RENEWAL_STATUSES), required=False,
            default="pending"),
    ), key=("client_id", "renewal_date")),
    "usage": Format("usage", t.portal_usage, (
        CLIENT_ID,
        Col("month", ("Month",), p_past_month),
        Col("product", ("Product",), p_product),
        Col("app", ("App", "Tool"), p_text(128)),
        Col("used", ("Used",), p_bool),
    ), key=("client_id", "month", "product", "app")),
    "engagement": Format("engagement", t.engagement, (
        CLIENT_ID,
        Col("month", ("Month",), p_past_month),
        Col("score", ("Engagement score", "Score"), p_int(0, 10)),
        Col("drivers", ("Drivers",), p_text(), required=False),
    ), key=("client_id", "month")),
    "team": Format("team", t.team_members, (
        Col("name", ("Name",), p_text(200)),
        Col("email", ("Email", "E-mail"), p_email),
        Col("role", ("Role",), p_text(200), required=False, default=PDM_ROLE),
        Col("description", ("Description",), p_text(), required=False),
    ), key=("email",), needs_client=False),
    # F2.1 the credited tier over time (issue 12): HubSpot's "Date"/"Tier" wording accepted.
    "tier-history": Format("tier-history", t.credited_tier_history, (
        Col("credited_from", ("Date", "Credited from", "Credited since", "Effective date",
                              "Tier date"), p_past_date),
        Col("tier", ("Tier", "Partner tier", "Solutions Partner tier", "Credited tier"), p_tier),
        Col("source", ("Source",), p_source, required=False, default="recorded"),
        Col("note", ("Note", "Notes"), p_text(500), required=False),
    ), key=("credited_from",), needs_client=False),
}


def _is_free_text(col: Col) -> bool:
    """Names, descriptions, tiers...: a tab in them is normalised to a space, not refused."""
    return col.parse.__qualname__.startswith("p_text.")


def _columns_in_file(fmt: Format, header: list[str]) -> list[str]:
    """The columns a re-import may change: those the file has (issue 15, item 3). A column absent
    from the file keeps the stored value; an empty cell in a present column clears it."""
    wanted = {_norm(h): col.key for col in fmt.cols
              for h in (*col.headings, col.key, col.key.removesuffix("_units"))}
    return sorted({wanted[_norm(h)] for h in header if _norm(h) in wanted})


def _header_map(fmt: Format, header: list[str], source: str) -> dict[str, int]:
    wanted: dict[str, str] = {}
    for col in fmt.cols:
        for h in (*col.headings, col.key, col.key.removesuffix("_units")):
            wanted.setdefault(_norm(h), col.key)
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        key = wanted.get(_norm(h))
        if key and key not in found:
            found[key] = i
    problems = [
        ImportProblem(1, col.headings[0], "required column is missing (headings found: "
                      f"{', '.join(repr(h) for h in header if h.strip()) or 'none'})")
        for col in fmt.cols
        if col.required and col.key not in found
        and not (fmt.kind == "clients" and col.key == "client_id")
    ]
    if fmt.kind == "clients" and "client_id" not in found and "crm_record_id" not in found:
        problems.append(ImportProblem(1, "Record ID", "give a 'Record ID' or a 'Client ID' column"))
    if problems:
        raise ImportFileError(source, problems)
    return found


def validate(
    fmt: Format, header: list[str], rows: list[tuple[int, list[str]]], ctx: Ctx, source: str
) -> list[dict[str, Any]]:
    """Every row checked; either clean records or ImportFileError listing every problem."""
    where = _header_map(fmt, header, source)
    heading = {col.key: header[where[col.key]].strip() if col.key in where else col.headings[0]
               for col in fmt.cols}
    if fmt.kind == "clients" and "client_id" not in where:
        heading["client_id"] = heading["crm_record_id"]  # the id comes from the Record ID
    problems: list[ImportProblem] = []
    out: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for line, values in rows:
        before = len(problems)
        if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
            problems.append(ImportProblem(line, "", (
                f"{len(values)} values but the header has {len(header)} columns "
                "(a stray delimiter or an unquoted comma?)")))
        rec: dict[str, Any] = {}
        for col in fmt.cols:
            i = where.get(col.key)
            raw = unneutralise(values[i].strip()) if i is not None and i < len(values) else ""
            if raw == "":
                if col.required and not (fmt.kind == "clients" and col.key == "client_id"):
                    problems.append(ImportProblem(line, heading[col.key], "a value is required"))
                rec[col.key] = col.default
                continue
            try:
                raw = check_text(raw, "the value", free_text=_is_free_text(col))
                rec[col.key] = col.parse(raw, ctx)
            except ValueError as e:
                problems.append(ImportProblem(line, heading[col.key], str(e)))
        if fmt.kind == "clients":
            rec["client_id"] = rec.get("client_id") or rec.get("crm_record_id") or ""
            if not rec["client_id"] and len(problems) == before:
                problems.append(ImportProblem(line, "Client ID",
                                              "give a Client ID or a Record ID"))
            if not rec.get("deal_type"):
                rec["deal_type"] = "managed-only" if rec.get("relationship") == "managed" else ""
        if len(problems) > before:
            continue
        if fmt.kind == "clients":
            stored = ctx.client_currency.get(rec["client_id"])
            held = ctx.client_subscriptions.get(rec["client_id"], [])
            if stored and held and rec.get("currency") and rec["currency"] != stored:
                problems.append(ImportProblem(line, heading["currency"], (
                    f"the client's currency is {stored} and its subscriptions "
                    f"({', '.join(held)}) are in {stored}: a client's currency cannot change "
                    f"to {rec['currency']} while it has subscriptions in {stored}")))
                continue
        if fmt.needs_client:
            known = ctx.client_currency.get(rec["client_id"])
            if known is None:
                problems.append(ImportProblem(line, heading["client_id"], (
                    f"unknown client {rec['client_id']!r}: import it with --kind clients first")))
                continue
            if "currency" in rec and rec["currency"] != known:
                problems.append(ImportProblem(line, heading["currency"], (
                    f"{rec['currency']} differs from the client's currency {known}")))
                continue
        if fmt.kind == "subscriptions" and rec["renewal_date"] and (
                rec["renewal_date"] < rec["start_date"]):
            problems.append(ImportProblem(line, heading["renewal_date"], (
                f"{rec['renewal_date']} is before the start date {rec['start_date']}")))
            continue
        key = tuple(rec[k] for k in fmt.key)
        if key in seen:
            shown = ", ".join(str(k) for k in key)
            problems.append(ImportProblem(line, heading[fmt.key[0]], (
                f"duplicate key ({shown}): already on line {seen[key]}")))
            continue
        seen[key] = line
        out.append(rec)
    if problems:
        raise ImportFileError(source, problems)
    if not out:
        raise ImportFileError(source, [ImportProblem(2, "", "the file has no data rows")])
    return out


# -- the ledger: the core's columnar reader, then the store's checks ----------------------------
# A ledger file can hold millions of rows. It is read by the same reader as `partnerkit tier
# --ledger` (partnerkit.ledger_csv: pyarrow, per-column checks, flagged rows judged by the core's
# row parser), so both accept and refuse the same files with the same problems. The store's own
# checks (dates in the future, currencies the rules do not know, duplicate event ids) then run on
# the Ledger's columns.


@dataclass(frozen=True)
class LedgerRows:
    """Validated ledger rows as columns of the ledger table (without partner_id).

    Values are as the store keeps them: text, integer units, dates as ISO text (None for no
    first sale); `lines` are the file lines.
    """

    lines: list[int]
    columns: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.lines)


def _as_import_error(e: LedgerError, source: str) -> ImportFileError:
    return ImportFileError(source, [ImportProblem(p.line, p.column, p.reason) for p in e.problems])


def validate_ledger(
    header: list[str], rows: list[tuple[int, list[str]]], ctx: Ctx, source: str
) -> LedgerRows:
    """Rows already split into cells (a spreadsheet's): the core's checks and the store's; either
    clean columns or ImportFileError listing every problem (line, column, reason)."""
    from partnerkit.ledger_csv import read_ledger_rows

    try:
        ledger, lines = read_ledger_rows(header, rows, source)
    except LedgerError as e:
        raise _as_import_error(e, source) from None
    return ledger_rows(ledger, lines, ctx, source)


def read_ledger_csv_file(path: str | Path, ctx: Ctx, source: str) -> LedgerRows:
    """A ledger CSV through the reader `partnerkit tier --ledger` uses, then the store's checks."""
    from partnerkit.ledger_files import read_ledger_file

    try:
        ledger, lines = read_ledger_file(path)
    except LedgerError as e:
        raise _as_import_error(e, source) from None
    except ValueError as e:
        raise ImportFileError(source, [ImportProblem(0, "", str(e))]) from None
    return ledger_rows(ledger, lines, ctx, source)


def ledger_rows(ledger: Any, lines: np.ndarray, ctx: Ctx, source: str) -> LedgerRows:
    """The store's checks on a validated Ledger, and its columns as the ledger table keeps them."""
    frame = ledger.frame
    if not len(frame):
        raise ImportFileError(source, [ImportProblem(2, "", "the file has no data rows")])
    problems = _store_problems(frame, lines, ctx)
    if problems:
        raise ImportFileError(source, problems)
    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.dtype, pd.CategoricalDtype):
            cats = np.asarray(values.cat.categories, dtype=object)
            columns[name] = cats[values.cat.codes.to_numpy()].tolist()
        elif name in ("date", "first_sold"):
            days = values.to_numpy().astype("datetime64[D]")
            codes, uniques = pd.factorize(days)
            iso = np.array([None if pd.isna(d) else d.isoformat()
                            for d in pd.DatetimeIndex(uniques).date], dtype=object)
            out = np.full(len(days), None, dtype=object)
            out[codes >= 0] = iso[codes[codes >= 0]]
            columns[name] = out.tolist()
        else:
            columns[name] = values.tolist()
    return LedgerRows(lines.tolist(), columns)


def _store_problems(frame: pd.DataFrame, lines: np.ndarray, ctx: Ctx) -> list[ImportProblem]:
    """Dates in the future, currencies the rules do not know, repeated event ids (file order)."""
    found: list[tuple[int, int, ImportProblem]] = []
    dates = frame["date"].to_numpy().astype("datetime64[D]")
    kinds = frame["kind"]
    for i in np.flatnonzero(dates > np.datetime64(ctx.today, "D")):
        what = "month" if kinds.iloc[i] == "managed" else "close date"
        found.append((int(i), 0, ImportProblem(int(lines[i]), "date", (
            f"{what} {dates[i].item()} is in the future (today is {ctx.today}); it cannot be"))))
    currency = frame["currency"]
    codes = currency.cat.codes.to_numpy()
    for c, ccy in enumerate(currency.cat.categories.tolist()):
        try:
            ctx.rules.currency_rule(ccy, ctx.today)
        except ValueError as e:
            found.extend((int(i), 1, ImportProblem(int(lines[i]), "currency", str(e)))
                         for i in np.flatnonzero(codes == c))
    ids = frame["event_id"]
    repeated = np.flatnonzero(ids.duplicated(keep=False).to_numpy())
    if len(repeated):
        previous = pd.Series(lines[repeated]).groupby(
            ids.iloc[repeated].to_numpy(dtype=object)).shift(1)
        for i, before in zip(repeated, previous.tolist(), strict=True):
            if before == before:  # not NaN: an earlier line has this id
                found.append((int(i), 2, ImportProblem(int(lines[i]), "event_id", (
                    f"duplicate event_id {ids.iloc[i]!r}: already on line {int(before)}"))))
    return [p for _, _, p in sorted(found, key=lambda f: (f[0], f[1]))]


# -- the entry point -------------------------------------------------------------------------------
def import_file(
    store: Any, partner_id: str, kind: str, path: str | Path, by: str = "partnerkit import",
    today: dt.date | None = None,
) -> ImportResult:
    """Validate the whole file, then write it in one transaction (idempotent: upsert on keys)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}: use one of {', '.join(KINDS)}")
    by = check_text(by, "who (--by)")
    store.get_partner(partner_id)
    if kind == "report-recipients":  # a column of the partner, not rows of a table (issue 14)
        from partnerkit.store.recipients import import_recipients

        return import_recipients(store, partner_id, path, by)
    if kind == "portal-id":  # the partner's own HubSpot portal id (issue 11)
        from partnerkit.store.portal import import_portal_id

        return import_portal_id(store, partner_id, path, by)
    source = Path(path).name
    with gc_paused():
        ctx = Ctx(today=today or default_today(), rules=store.rules)
        # A ledger CSV is read by the columnar reader (below), every other file here.
        ledger_csv = kind == "ledger" and Path(path).suffix.lower() in (".csv", ".txt", ".tsv")
        header, rows = ([], []) if ledger_csv else read_rows(path)
        if not (header or ledger_csv):
            raise ImportFileError(source, [ImportProblem(1, "", "the file is empty")])
        c = t.clients.c
        with store.engine.connect() as conn:
            ctx.client_currency = dict(conn.execute(
                sa.select(c.client_id, c.currency).where(c.partner_id == partner_id)
            ).all())
            if kind == "clients":
                s = t.subscriptions.c
                for cid, line in conn.execute(sa.select(s.client_id, s.product_line).where(
                        s.partner_id == partner_id).order_by(s.client_id, s.product_line)):
                    ctx.client_subscriptions.setdefault(cid, []).append(line)
        if kind == "ledger":
            ledger = (read_ledger_csv_file(path, ctx, source) if ledger_csv
                      else validate_ledger(header, rows, ctx, source))
            del rows
            n, table = len(ledger), t.ledger
        else:
            fmt = FORMATS[kind]
            records = validate(fmt, header, rows, ctx, source)
            n, table = len(records), fmt.table
        from partnerkit.store.api import record

        with write_tx(store.engine) as conn:
            if kind == "ledger":
                inserted = bulk_upsert(conn, t.ledger, ledger.columns,
                                       {"partner_id": partner_id})
            else:
                before = existing_keys(conn, table, partner_id)
                keys = [tuple(r[k] for k in fmt.key) for r in records]
                inserted = n - sum(1 for k in keys if _key_in(k, before))
                for r in records:
                    r["partner_id"] = partner_id
                upsert_rows(conn, table, records, update=_columns_in_file(fmt, header))
                if kind == "tier-history":
                    from partnerkit.store.tier_history import sync_partner

                    sync_partner(conn, partner_id)
            record(conn, partner_id, by, "import", kind, source, {
                "file": str(path), "rows": n, "inserted": inserted, "updated": n - inserted,
            })
    store.analyze([table.name])
    return ImportResult(kind, source, n, inserted, n - inserted)


def _key_in(key: tuple[Any, ...], stored: set[tuple[Any, ...]]) -> bool:
    if key in stored:
        return True
    # SQLite may hand dates back as text; compare on ISO strings as a fallback.
    return tuple(k.isoformat() if isinstance(k, dt.date) else k for k in key) in stored

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

import sqlalchemy as sa

from partnerkit.countries import ISO_3166_ALPHA2
from partnerkit.ledger import LedgerError, parse_ledger_csv
from partnerkit.money import MoneyError, parse_amount, parse_currency, to_units
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
from partnerkit.store.writes import existing_keys, upsert_rows

KINDS = ("clients", "subscriptions", "renewals", "usage", "engagement", "team", "ledger")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column!r}: {self.reason}"


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
    """(header, [(line, values)]) from a .csv or .xlsx file; blank rows are skipped."""
    p = Path(path)
    source = p.name
    if not p.is_file():
        raise ImportFileError(source, [ImportProblem(0, "", f"file not found: {p}")])
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(decode_text(p.read_bytes(), source))
    raise ImportFileError(source, [ImportProblem(0, "", (
        f"{suffix or 'no extension'}: import a .csv (UTF-8) or .xlsx file"))])


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    line = 1
    for values in reader:
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if header is None:
            header = values
            continue
        rows.append((start, values))
    return header or [], rows


def _read_xlsx(p: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise ImportFileError(p.name, [ImportProblem(0, "", (
            f"cannot read this workbook ({type(e).__name__}); save it again as .xlsx"))]) from None
    try:
        ws = wb.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            texts = [_cell_text(v) for v in values]
            if not any(x.strip() for x in texts):
                continue
            if header is None:
                header = texts
                continue
            rows.append((n, texts))
        return header or [], rows
    finally:
        wb.close()


# -- value parsers ---------------------------------------------------------------------------------
@dataclass
class Ctx:
    today: dt.date
    rules: Any
    client_currency: dict[str, str] = field(default_factory=dict)


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
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{v!r} is not a date; write it as YYYY-MM-DD") from None


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
}


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


# -- the ledger: the core's own parser, plus the store's checks ------------------------------------
def _ledger_text(header: list[str], rows: list[tuple[int, list[str]]]) -> str:
    """Rows back to CSV text, with blank lines so the core's line numbers match the file's."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([h.strip() for h in header])
    line = 2
    for n, values in rows:
        while line < n:
            buf.write("\n")
            line += 1
        w.writerow([unneutralise(v) for v in values])
        line += 1
    return buf.getvalue()


def validate_ledger(
    header: list[str], rows: list[tuple[int, list[str]]], ctx: Ctx, source: str
) -> list[dict[str, Any]]:
    text = _ledger_text(header, rows)
    try:
        ledger = parse_ledger_csv(io.StringIO(text, newline=""), source=source)
    except LedgerError as e:
        raise ImportFileError(
            source, [ImportProblem(p.line, p.column, p.reason) for p in e.problems]
        ) from None
    lines = [n for n, _ in rows]
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    currencies: dict[str, str | None] = {}
    for line, rec in zip(lines, ledger.frame.to_dict("records"), strict=True):
        day = rec["date"].date()
        first = None if rec["first_sold"] is None or str(rec["first_sold"]) == "NaT" else (
            rec["first_sold"].date())
        if day > ctx.today:
            what = "month" if rec["kind"] == "managed" else "close date"
            problems.append(ImportProblem(line, "date", (
                f"{what} {day} is in the future (today is {ctx.today}); it cannot be")))
        ccy = rec["currency"]
        if ccy not in currencies:
            try:
                ctx.rules.currency_rule(ccy, ctx.today)
                currencies[ccy] = None
            except ValueError as e:
                currencies[ccy] = str(e)
        if currencies[ccy]:
            problems.append(ImportProblem(line, "currency", str(currencies[ccy])))
        if rec["event_id"] in seen:
            problems.append(ImportProblem(line, "event_id", (
                f"duplicate event_id {rec['event_id']!r}: "
                f"already on line {seen[rec['event_id']]}")))
        seen[rec["event_id"]] = line
        out.append({
            "event_id": rec["event_id"], "kind": rec["kind"], "client_id": rec["client_id"],
            "client_name": rec["client_name"], "date": day, "deal_type": rec["deal_type"],
            "amount_units": int(rec["amount_units"]), "currency": ccy,
            "country": rec["country"], "product_line": rec["product_line"],
            "first_sold": first, "other_partners": int(rec["other_partners"]),
        })
    if problems:
        raise ImportFileError(source, problems)
    if not out:
        raise ImportFileError(source, [ImportProblem(2, "", "the file has no data rows")])
    return out


# -- the entry point -------------------------------------------------------------------------------
def import_file(
    store: Any, partner_id: str, kind: str, path: str | Path, by: str = "partnerkit import",
    today: dt.date | None = None,
) -> ImportResult:
    """Validate the whole file, then write it in one transaction (idempotent: upsert on keys)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}: use one of {', '.join(KINDS)}")
    store.get_partner(partner_id)
    source = Path(path).name
    header, rows = read_rows(path)
    if not header:
        raise ImportFileError(source, [ImportProblem(1, "", "the file is empty")])
    ctx = Ctx(today=today or default_today(), rules=store.rules)
    c = t.clients.c
    with store.engine.connect() as conn:
        ctx.client_currency = dict(conn.execute(
            sa.select(c.client_id, c.currency).where(c.partner_id == partner_id)
        ).all())
    if kind == "ledger":
        records = validate_ledger(header, rows, ctx, source)
        table, key = t.ledger, ("event_id",)  # type: tuple[sa.Table, tuple[str, ...]]
    else:
        fmt = FORMATS[kind]
        records = validate(fmt, header, rows, ctx, source)
        table, key = fmt.table, fmt.key
    for r in records:
        r["partner_id"] = partner_id
    from partnerkit.store.api import record

    with write_tx(store.engine) as conn:
        before = existing_keys(conn, table, partner_id)
        keys = [tuple(r[k] for k in key) for r in records]
        updated = sum(1 for k in keys if _key_in(k, before))
        upsert_rows(conn, table, records)
        record(conn, partner_id, by, "import", kind, source, {
            "file": str(path), "rows": len(records), "inserted": len(records) - updated,
            "updated": updated,
        })
    store.analyze([table.name])
    return ImportResult(kind, source, len(records), len(records) - updated, updated)


def _key_in(key: tuple[Any, ...], stored: set[tuple[Any, ...]]) -> bool:
    if key in stored:
        return True
    # SQLite may hand dates back as text; compare on ISO strings as a fallback.
    return tuple(k.isoformat() if isinstance(k, dt.date) else k for k in key) in stored

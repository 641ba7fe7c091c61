"""Who receives a partner's monthly report, and which reports were mailed (F5; issue 14).

`partners.report_recipients` holds the addresses, comma-separated (revision 0003). Every change
and every mail sent is a row of the audit log: action `set_report_recipients`, and
`mail_report` with entity_id = the month and the addresses in `details`, which is how a re-run
knows not to mail the same report twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from partnerkit.store import schema as t
from partnerkit.store.engine import write_tx

MAX_RECIPIENTS = 20
MAX_ADDRESS = 254  # RFC 5321's limit for a forward path
MAILED = "mail_report"
# Plain addresses only: no display names, no quotes, no spaces or control characters (nothing
# that could smuggle a header into a mail).
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def parse_recipients(value: str | Iterable[str]) -> list[str]:
    """'a@x.pt, b@y.com' (or a list) -> ['a@x.pt', 'b@y.com']; ValueError naming the bad one."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for raw in items:
        address = str(raw).strip()
        if not address:
            continue
        if len(address) > MAX_ADDRESS or not _ADDRESS.match(address):
            shown = address[:60] + ("…" if len(address) > 60 else "")
            raise ValueError(
                f"report recipient {shown!r} is not a plain e-mail address "
                "(write name@example.com; separate several with commas)"
            )
        if address.lower() not in {a.lower() for a in out}:
            out.append(address)
    if len(out) > MAX_RECIPIENTS:
        raise ValueError(
            f"{len(out)} report recipients; at most {MAX_RECIPIENTS} per partner "
            "(use a mailing list address for more)"
        )
    return out


def report_recipients(store: Any, partner_id: str) -> list[str]:
    store.get_partner(partner_id)
    p = t.partners.c
    with store.engine.connect() as conn:
        text = conn.execute(
            sa.select(p.report_recipients).where(p.partner_id == partner_id)
        ).scalar_one()
    return parse_recipients(text or "")


def set_report_recipients(
    store: Any, partner_id: str, recipients: str | Iterable[str], by: str
) -> list[str]:
    """Replace the partner's recipients (an empty list: nobody gets its report by mail)."""
    from partnerkit.store.api import record

    clean = parse_recipients(recipients)
    p = t.partners.c
    with write_tx(store.engine) as conn:
        store._require_partner(conn, partner_id)
        conn.execute(
            sa.update(t.partners)
            .where(p.partner_id == partner_id)
            .values(report_recipients=", ".join(clean))
        )
        record(conn, partner_id, by, "set_report_recipients", "partner", partner_id,
               {"recipients": clean})
    return clean


def mailed_to(store: Any, partner_id: str, month: str) -> set[str]:
    """Addresses (lower case) the report of `month` was already mailed to."""
    a = t.audit_log.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(a.details).where(
                a.partner_id == partner_id, a.action == MAILED, a.entity_id == month
            )
        ).all()
    sent: set[str] = set()
    for (details,) in rows:
        try:
            sent.update(str(x).lower() for x in json.loads(details or "{}").get("to", []))
        except (ValueError, AttributeError):
            continue
    return sent


def record_mailed(
    store: Any, partner_id: str, month: str, to: list[str], message_id: str, by: str,
    files: list[str],
) -> None:
    from partnerkit.store.api import record

    with write_tx(store.engine) as conn:
        record(conn, partner_id, by, MAILED, "report", month,
               {"to": to, "message_id": message_id, "files": files})


HEADINGS = ("email", "e-mail", "report recipient", "recipient", "address")


def import_recipients(store: Any, partner_id: str, path: Any, by: str) -> Any:
    """`import --kind report-recipients FILE`: one address per row under an 'Email' heading;
    the file replaces the partner's recipients (all rows valid, or nothing changes)."""
    from pathlib import Path

    from partnerkit.store.importer import (
        ImportFileError,
        ImportProblem,
        ImportResult,
        read_rows,
    )

    source = Path(path).name
    header, rows = read_rows(path)
    names = [h.strip().lower() for h in header]
    col = next((names.index(h) for h in HEADINGS if h in names), None)
    if col is None:
        raise ImportFileError(source, [ImportProblem(
            1, "Email", "required column is missing (one address per row under 'Email')")])
    problems: list[Any] = []
    found: list[str] = []
    for line, values in rows:
        raw = values[col].strip() if col < len(values) else ""
        if not raw:
            continue
        try:
            found += parse_recipients([raw])
        except ValueError as e:
            problems.append(ImportProblem(line, header[col].strip(), str(e)))
    if not problems:
        try:
            found = parse_recipients(found)
        except ValueError as e:
            problems.append(ImportProblem(len(rows) + 1, header[col].strip(), str(e)))
    if problems:
        raise ImportFileError(source, problems)
    before = {a.lower() for a in report_recipients(store, partner_id)}
    clean = set_report_recipients(store, partner_id, found, by)
    kept = sum(1 for a in clean if a.lower() in before)
    return ImportResult("report-recipients", source, len(clean), len(clean) - kept, kept)

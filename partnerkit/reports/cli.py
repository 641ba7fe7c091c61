"""`partnerkit report`: monthly tier reports for one partner or all of them (F5.1, F5.2).

    partnerkit report --partner ID --month 2026-10 [--db URL] [--locale en|pt_PT|pt_BR]
                      [--out DIR] [--no-pdf]
    partnerkit report --all --month last [--workers N] [--scheduler tcp://HOST:PORT]

A progress bar goes to stderr, the summary (done, failed, skipped, time) to stdout; the exit
status is 1 when any report failed (errors for one partner never stop the others).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from partnerkit.reports.params import LOCALES, Month, locale_for_country, parse_month


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="monthly tier reports (HTML, PDF, JSON) for one partner or all, with papermill",
        description=(
            "Run the monthly tier report notebook for a partner (or every partner) and month. "
            "Writes DIR/<YYYY-MM>/<partner>.{ipynb,html,pdf,json} and DIR/index.html."
        ),
        epilog=(
            "--month last means the previous calendar month ($PARTNERKIT_AS_OF pins today). "
            "Schedule: deploy/partnerkit-reports.timer or deploy/partnerkit-reports.cron."
        ),
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--partner", metavar="ID", help="one partner's id")
    who.add_argument("--all", action="store_true", help="every partner in the database")
    p.add_argument("--month", required=True, metavar="YYYY-MM|last", help="the month reported")
    p.add_argument("--db", metavar="URL", help="database URL or file (default: $PARTNERKIT_DB)")
    p.add_argument(
        "--locale",
        choices=LOCALES,
        help="report language (default: from the partner's country: BR pt_BR, PT pt_PT, else en)",
    )
    p.add_argument("--out", metavar="DIR", default="reports", help="output root (default: reports)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF (HTML, notebook, JSON only)")
    p.add_argument(
        "--workers", type=int, default=2, metavar="N", help="parallel reports (default 2)"
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run on this Dask distributed scheduler instead of local processes",
    )
    p.add_argument("--rules", metavar="FILE", default="", help="program rules override (TOML)")
    p.add_argument("--notebook", metavar="PATH", default="", help="another report notebook")
    p.add_argument(
        "--start-timeout", type=float, default=60.0, metavar="S", help="kernel start (s)"
    )
    p.add_argument(
        "--execution-timeout", type=float, default=300.0, metavar="S", help="per cell (s)"
    )
    p.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start a new kernel for every report of a batch (default: each local worker keeps "
        "one warm kernel, reset between reports)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=handle)


def _db_url(arg: str | None) -> str:
    from partnerkit.store.engine import default_database_url, normalise_url

    return normalise_url(arg) if arg else default_database_url()


def _field(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)


def partner_rows(store: Any) -> list[Any]:
    """store.partners() as a list of rows (it may be a DataFrame or a list of records)."""
    rows = store.partners()
    if hasattr(rows, "to_dict"):
        return list(rows.to_dict("records"))
    return list(rows)


def skip_reason(store: Any, partner: Any, month: Month) -> str:
    """Why a partner has no report for the month ('' = it has one)."""
    joined = _field(partner, "joined_on")
    if isinstance(joined, dt.datetime):
        joined = joined.date()
    if isinstance(joined, dt.date) and joined > month.last_day:
        return f"joined on {joined.isoformat()}, after {month}"
    ledger = store.load_ledger(_field(partner, "partner_id"))
    frame = getattr(ledger, "frame", ledger)
    if len(frame) == 0 or frame["date"].min().date() > month.last_day:
        return f"no sold or managed points recorded by the end of {month}"
    return ""


def handle(args: argparse.Namespace) -> int:
    from partnerkit.reports.batch import run_batch
    from partnerkit.reports.index import write_index
    from partnerkit.reports.runner import ReportJob, ReportResult
    from partnerkit.store import open_store

    month = parse_month(args.month)
    if args.workers < 1:
        raise ValueError("--workers must be 1 or more")
    db_url = _db_url(args.db)
    out = Path(args.out).resolve()
    rules_file = str(Path(args.rules).resolve()) if args.rules else ""
    notebook = str(Path(args.notebook).resolve()) if args.notebook else ""

    store = open_store(db_url)
    try:
        if args.all:
            partners = partner_rows(store)
            if not partners:
                raise ValueError(
                    f"the database {db_url} has no partners (partnerkit demo makes some)"
                )
        else:
            partners = [store.get_partner(args.partner)]  # UnknownPartnerError: a plain ValueError
        jobs: list[ReportJob] = []
        skipped: list[ReportResult] = []
        for partner in partners:
            pid = str(_field(partner, "partner_id"))
            reason = skip_reason(store, partner, month)
            if reason:
                skipped.append(ReportResult(pid, str(month), "skipped", reason))
                continue
            jobs.append(
                ReportJob(
                    partner_id=pid,
                    month=str(month),
                    db_url=db_url,
                    out_dir=str(out),
                    locale=args.locale or locale_for_country(_field(partner, "country")),
                    rules_file=rules_file,
                    pdf=not args.no_pdf,
                    notebook=notebook,
                    start_timeout=args.start_timeout,
                    execution_timeout=args.execution_timeout,
                )
            )
    finally:
        close = getattr(store, "close", None)
        if close:
            close()

    summary = run_batch(
        jobs,
        workers=min(args.workers, max(1, len(jobs))),
        scheduler=args.scheduler,
        progress=not args.quiet and not os.environ.get("PARTNERKIT_NO_PROGRESS"),
        skipped=skipped,
        warm_kernels=len(jobs) > 1 and not args.fresh_kernels,
    )
    index = write_index(out)
    for line in summary.lines():
        print(line)
    print(f"index: {index}")
    sys.stdout.flush()
    return 1 if summary.failed else 0

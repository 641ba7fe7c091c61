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
    p.add_argument(
        "--paper",
        type=str.capitalize,
        choices=("A4", "Letter"),
        help="PDF paper size (default: Letter for US and CA partners, A4 for everyone else)",
    )
    p.add_argument(
        "--worker-timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="with --scheduler: give up when no Dask worker is there for S seconds (default 120)",
    )
    mail = p.add_mutually_exclusive_group()
    mail.add_argument(
        "--mail",
        action="store_true",
        help="mail each report to the partner's recipients (add-partner --report-to; SMTP "
        "settings: $PARTNERKIT_SMTP_* , see docs/reports.md); never mails a report twice",
    )
    mail.add_argument(
        "--mail-dry-run",
        metavar="DIR",
        help="write the mails as DIR/*.eml instead of sending them (nothing is sent)",
    )
    p.add_argument(
        "--mail-html",
        action="store_true",
        help="also attach the HTML report to the mail (the PDF always is)",
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
        if _field(partner, "credited_tier"):
            return ""  # credited tier, empty book: the partner most at risk gets its report
        return f"no sold or managed points recorded by the end of {month}"
    return ""


def _paper(args: argparse.Namespace, partner: Any) -> str:
    from partnerkit.reports.pdf import paper_for_country

    return str(args.paper or paper_for_country(_field(partner, "country")))


def _check_writable(out: Path, shown: str) -> None:
    """Refuse, before any report runs, an --out folder that cannot be written (exit status 1)."""
    import tempfile

    from partnerkit.atomic_file import EnvironmentFailure

    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        raise EnvironmentFailure(
            f"--out {shown}: cannot write reports there ({(e.strerror or '').lower()})") from None


def handle(args: argparse.Namespace) -> int:
    from partnerkit.reports.batch import run_batch
    from partnerkit.reports.index import record_outcomes, remove_stale_temporaries, write_index
    from partnerkit.reports.runner import ReportJob, ReportResult
    from partnerkit.store import open_store

    if args.partner is not None and not args.partner.strip():
        raise ValueError("--partner is empty: give a partner id (see 'partnerkit partners')")
    month = parse_month(args.month)
    if args.workers < 1:
        raise ValueError("--workers must be 1 or more")
    for option, seconds in (("--start-timeout", args.start_timeout),
                            ("--execution-timeout", args.execution_timeout)):
        if not 0 < seconds <= 86_400:  # NaN fails this too
            raise ValueError(f"{option} {seconds:g}: give seconds above 0 (at most a day)")
    out_path = Path(args.out)
    if out_path.exists() and not out_path.is_dir():
        raise ValueError(f"--out {args.out} is a file; give a folder for the reports")
    if args.worker_timeout <= 0:
        raise ValueError("--worker-timeout must be more than 0 seconds")
    db_url = _db_url(args.db)
    out = Path(args.out).resolve()
    rules_file = str(Path(args.rules).resolve()) if args.rules else ""
    notebook = str(Path(args.notebook).resolve()) if args.notebook else ""
    mailer = None
    if args.mail or args.mail_dry_run:
        from partnerkit.reports.mail import Mailer

        # Checked before any report runs: a wrong SMTP setting is one line, not 40 failures.
        mailer = Mailer.from_environment(dry_run=args.mail_dry_run, with_html=args.mail_html)

    store = open_store(db_url, read_only=True)
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
                    paper=_paper(args, partner),
                )
            )
    finally:
        close = getattr(store, "close", None)
        if close:
            close()

    remove_stale_temporaries(out)
    _check_writable(out, args.out)
    summary = run_batch(
        jobs,
        workers=min(args.workers, max(1, len(jobs))),
        scheduler=args.scheduler,
        progress=not args.quiet and not os.environ.get("PARTNERKIT_NO_PROGRESS"),
        skipped=skipped,
        warm_kernels=len(jobs) > 1 and not args.fresh_kernels,
        worker_timeout=args.worker_timeout,
        month=str(month),
    )
    record_outcomes(
        out, str(month), {r.partner_id: (r.status, r.error) for r in summary.results}
    )
    index = write_index(out)
    mail_lines: list[str] = []
    mail_failed = False
    if mailer is not None and not summary.interrupted:
        report = mailer.deliver(
            db_url,
            [r for r in summary.results if r.status == "done"],
            {j.partner_id: j.locale for j in jobs},
        )
        mail_lines, mail_failed = report.lines(), bool(report.failed)
    for line in [*summary.lines(), *mail_lines]:
        print(line)
    print(f"index: {index}")
    sys.stdout.flush()
    if summary.interrupted:
        return 130
    return 1 if (summary.failed or summary.problem or mail_failed) else 0

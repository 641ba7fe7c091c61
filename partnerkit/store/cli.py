"""Store subcommands: demo, partners, add-partner, import, export, end-services, undo-end-services.

Each takes `--db URL` (else $PARTNERKIT_DB, else the per-user SQLite file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from typing import Any


def _date(text: str) -> dt.date:
    from partnerkit.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", default=None,
                   help="database URL or SQLite file path (default: $PARTNERKIT_DB, else a "
                        "file in your user data directory)")


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "partnerkit"


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="create the demo book (three partners) in the database",
                       description="Create the deterministic demo book: partners in Portugal, "
                                   "Brazil and the USA with clients, deals, usage and renewals.")
    _db(p)
    p.add_argument("--force", action="store_true", help="recreate the demo partners if present")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--today", type=_date, default=None,
                   help="the demo's today (default: $PARTNERKIT_AS_OF, else today)")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("partners", help="list the partners in the database")
    _db(p)
    p.set_defaults(handler=cmd_partners)

    p = sub.add_parser("add-partner", help="add or update a partner (before importing its data)")
    _db(p)
    p.add_argument("--partner", required=True, metavar="ID", help="short id, e.g. acme-pt")
    p.add_argument("--name", required=True)
    p.add_argument("--country", required=True, help="ISO code, e.g. PT")
    p.add_argument("--currency", required=True, help="ISO code, e.g. EUR")
    p.add_argument("--certified-until", type=_date, default=None)
    p.add_argument("--joined-on", type=_date, default=None)
    p.add_argument("--credited-tier", default=None,
                   help="the tier HubSpot credits you: Gold, Platinum, Diamond or Elite (the first "
                        "record of the credited-tier history; more with import --kind "
                        "tier-history)")
    p.add_argument("--credited-since", type=_date, default=None,
                   help="the day HubSpot credited that tier (YYYY-MM-DD)")
    p.add_argument("--portal-id", default="", metavar="HUB_ID",
                   help="your own HubSpot portal (Hub) id, digits only: the dashboard's "
                        "'Company in CRM' links open client records in this portal")
    p.add_argument("--report-to", default=None, metavar="ADDR[,ADDR]",
                   help="who receives the monthly report by mail (partnerkit report --mail), "
                        "comma-separated; '' removes everyone (also: import --kind "
                        "report-recipients)")
    p.set_defaults(handler=cmd_add_partner)

    from partnerkit.store.importer import KINDS

    p = sub.add_parser("import", help="import a CSV/XLSX file (all rows or none)",
                       description="Validate the whole file, then import it in one transaction; "
                                   "re-importing the same file changes nothing. Formats: "
                                   "docs/import-formats.md.")
    _db(p)
    p.add_argument("--partner", required=True, metavar="ID")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("file", metavar="FILE.csv|FILE.xlsx")
    p.add_argument("--by", default=None, help="who imports (audit log; default: your user)")
    p.set_defaults(handler=cmd_import)

    from partnerkit.store.exporter import FORMATS, VIEWS

    p = sub.add_parser("export", help="export a view to CSV or XLSX")
    _db(p)
    p.add_argument("--partner", required=True, metavar="ID")
    p.add_argument("--view", required=True, choices=VIEWS)
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="csv or xlsx (default: from the file name)")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--as-of", type=_date, default=None,
                   help="date of the view (default: the partner's latest data)")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("end-services", help="end services for a client (recorded, reversible)")
    _db(p)
    p.add_argument("--partner", required=True, metavar="ID")
    p.add_argument("--client", required=True, metavar="CLIENT_ID")
    p.add_argument("--reason", required=True)
    p.add_argument("--by", default=None, help="who (audit log; default: your user)")
    p.set_defaults(handler=cmd_end_services)

    p = sub.add_parser("undo-end-services", help="undo End services for a client")
    _db(p)
    p.add_argument("--partner", required=True, metavar="ID")
    p.add_argument("--client", required=True, metavar="CLIENT_ID")
    p.add_argument("--by", default=None)
    p.set_defaults(handler=cmd_undo_end_services)


def _open(args: argparse.Namespace, read_only: bool = False) -> Any:
    from partnerkit.store import open_store

    return open_store(args.db, read_only=read_only)


def cmd_demo(args: argparse.Namespace) -> int:
    from partnerkit.store.demo import DEMO_PARTNER_IDS, create_demo
    from partnerkit.store.engine import normalise_url

    url = create_demo(args.db, seed=args.seed, today=args.today, replace=args.force)
    safe = normalise_url(url)
    if "@" in safe:
        from sqlalchemy.engine import make_url

        safe = make_url(safe).render_as_string(hide_password=True)
    print(f"demo book written to {safe}: partners {', '.join(DEMO_PARTNER_IDS)}")
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    with _open(args, read_only=True) as store:
        frame = store.partners()
    if frame.empty:
        print("no partners yet: run 'partnerkit demo' or 'partnerkit add-partner'")
        return 0
    print(frame.to_string(index=False))
    return 0


def cmd_add_partner(args: argparse.Namespace) -> int:
    from partnerkit.countries import normalise_country
    from partnerkit.money import parse_currency
    from partnerkit.store import Partner

    with _open(args) as store:
        ccy = parse_currency(args.currency)
        store.rules.currency_rule(ccy, dt.date.today())
        tier = args.credited_tier
        if bool(tier) != bool(args.credited_since):
            raise ValueError("give --credited-tier and --credited-since together: the tier HubSpot "
                             "credited and the day it did (the first record of its history)")
        if tier:
            from partnerkit.store.tier_history import canonical_tier

            tier = canonical_tier(store.rules, tier)
        portal = _portal_id(args.portal_id)
        store.upsert_partner(Partner(
            partner_id=args.partner, name=args.name.strip(),
            country=normalise_country(args.country), currency=ccy,
            certified_until=args.certified_until, joined_on=args.joined_on,
            credited_tier=tier, credited_since=args.credited_since,
            hubspot_portal_id=portal,
        ), by=_who())
        if args.report_to is not None:
            store.set_report_recipients(args.partner, args.report_to, by=_who())
    print(f"partner {args.partner} saved")
    return 0


def _portal_id(raw: str | None) -> str:
    from partnerkit.store.portal import parse_portal_id

    try:
        return parse_portal_id(raw)
    except ValueError as e:
        raise ValueError(f"--portal-id: {e}") from None


def cmd_import(args: argparse.Namespace) -> int:
    from partnerkit.store.importer import ImportFileError, import_file

    with _open(args) as store:
        try:
            result = import_file(store, args.partner, args.kind, args.file, by=args.by or _who())
        except ImportFileError as e:
            print(f"partnerkit import: {e.source}: nothing imported, {len(e.problems)} "
                  "problem(s):", file=sys.stderr)
            for problem in e.problems:
                print(f"  {problem}", file=sys.stderr)
            return 2
    print(result)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from partnerkit.store.exporter import export_view

    with _open(args, read_only=True) as store:
        n = export_view(store, args.partner, args.view, args.output, fmt=args.format,
                        as_of=args.as_of)
    print(f"{n} row(s) written to {args.output}")
    return 0


def cmd_end_services(args: argparse.Namespace) -> int:
    with _open(args) as store:
        store.end_services(args.partner, args.client, args.reason, by=args.by or _who())
    print(f"services ended for client {args.client} (undo: partnerkit undo-end-services)")
    return 0


def cmd_undo_end_services(args: argparse.Namespace) -> int:
    with _open(args) as store:
        store.undo_end_services(args.partner, args.client, by=args.by or _who())
    print(f"client {args.client} is active again")
    return 0

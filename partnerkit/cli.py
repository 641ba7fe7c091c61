"""The `partnerkit` command line: a thin shell over the core and the store.

Every subcommand lives in a module that exposes `register(subparsers)`; the command's handler
returns an exit status. User errors (bad input) exit 2 with one plain line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from partnerkit.atomic_file import EnvironmentFailure

# Modules that add subcommands. Each defines register(subparsers) -> None.
COMMAND_MODULES: tuple[str, ...] = (
    "partnerkit.cli_core",  # points, convert, tier, rules
    "partnerkit.serve",  # serve (Voilà apps)
    "partnerkit.reports.cli",  # report (monthly tier reports, papermill)
    "partnerkit.store.cli",  # demo, partners, add-partner, import, export, end-services
)


class _TerminalSafe:
    """A text stream whose writes have control characters escaped (issue 15, item 2): a name
    holding an escape sequence is shown as text, never obeyed by the terminal."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from partnerkit.safe_text import terminal_safe

        self._stream.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class UserError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line too (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="partnerkit",
        description=(
            "Know your HubSpot Solutions Partner client book and tier: points calculator, "
            "tier standing, the partner database, dashboards and monthly tier reports."
        ),
        epilog="Run 'partnerkit COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version="partnerkit 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TerminalSafe(out), _TerminalSafe(err)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except (UserError, ValueError, LookupError) as e:
        # ValueError covers the core's input errors (MoneyError, RulesError, LedgerError ...).
        print(f"partnerkit {args.command}: error: {e}", file=sys.stderr)
        return 2
    except EnvironmentFailure as e:  # the machine refused: disk full, permissions, database down
        print(f"partnerkit {args.command}: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # named file and reason only: never a traceback, never content
        where = f"{e.filename}: " if e.filename else ""
        reason = (e.strerror or type(e).__name__).lower()
        print(f"partnerkit {args.command}: error: {where}{reason}", file=sys.stderr)
        return 1
    except Exception as e:
        if not type(e).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
            raise
        # A database failure no shell explained: its first line only, never SQL or values.
        from partnerkit.store.engine import describe_db_error

        print(f"partnerkit {args.command}: error: database: {describe_db_error(e)}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

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

        # A progress bar redraws its line with a leading carriage return: that one is ours and
        # only rewrites the current line; any other control character is shown escaped.
        lead = "\r" if text.startswith("\r") else ""
        self._stream.write(lead + terminal_safe(text[len(lead):]))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


# Which module adds each command: `partnerkit COMMAND ...` imports only that one (the store's,
# the server's and the reports' modules bring in SQLAlchemy, Jupyter ... : ~1 s of start-up).
# A command missing here still works: every module is then imported.
COMMAND_HOME: dict[str, str] = {
    "points": "partnerkit.cli_core", "convert": "partnerkit.cli_core",
    "tier": "partnerkit.cli_core", "rules": "partnerkit.cli_core",
    "serve": "partnerkit.serve", "report": "partnerkit.reports.cli",
}


class UserError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line too (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only the module that adds it is imported (if known)."""
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
    home = COMMAND_HOME.get(command or "")
    for name in (home,) if home else COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The command word of an argument list (the first argument not starting with '-')."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TerminalSafe(out), _TerminalSafe(err)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command(args_list))
    args = parser.parse_args(args_list)
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

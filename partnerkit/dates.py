"""Dates a user gives (arguments, $PARTNERKIT_AS_OF, imported cells): parsed and bounded to what
the program can mean (issue 15, item 15). A year typo such as 9999 or 1900 is one clear message
naming the field, not an OverflowError or minutes of computing before failing."""

from __future__ import annotations

import datetime as dt
import os

FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
AS_OF_ENV = "PARTNERKIT_AS_OF"


def check_date(day: dt.date, what: str = "") -> dt.date:
    """`day` if it lies in 2000-2100; else a ValueError naming `what`."""
    if not FIRST_DATE <= day <= LAST_DATE:
        prefix = f"{what}: " if what else ""
        raise ValueError(
            f"{prefix}{day.isoformat()} is outside the dates partnerkit handles "
            f"({FIRST_DATE.year}-{LAST_DATE.year}); check the year")
    return day


def parse_date(text: str, what: str = "") -> dt.date:
    """A YYYY-MM-DD date in 2000-2100, else a ValueError naming `what`."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        prefix = f"{what}: " if what else ""
        raise ValueError(f"{prefix}{text!r} is not a date; write it as YYYY-MM-DD") from None
    return check_date(day, what)


def as_of_from_env() -> dt.date | None:
    """$PARTNERKIT_AS_OF as a date (None when unset); a bad value names the variable."""
    raw = os.environ.get(AS_OF_ENV, "").strip()
    return parse_date(raw, f"${AS_OF_ENV}") if raw else None


def today() -> dt.date:
    """$PARTNERKIT_AS_OF (tests, demos, reproducible reports) or the clock's date."""
    return as_of_from_env() or dt.date.today()

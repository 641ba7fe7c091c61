"""Report parameters: months, locales and the parameter dict handed to papermill (F5.1).

Pure: no files, no database. `today()` reads the PARTNERKIT_AS_OF environment variable so tests
and backfills can pin "today" (and with it `--month last`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

LOCALES: tuple[str, ...] = ("en", "pt_PT", "pt_BR")
AS_OF_ENV = "PARTNERKIT_AS_OF"

# The names of the report notebook's `parameters` cell. The runner refuses any other name
# (papermill would only warn), so a typo never produces a report for the wrong thing.
REPORT_PARAMETERS: tuple[str, ...] = (
    "partner_id",
    "month",
    "db_url",
    "locale",
    "rules_file",
    "as_of",
)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, e.g. Month(2026, 10) -> '2026-10'."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not between 1 and 12")
        if not 1900 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @staticmethod
    def of(day: dt.date) -> Month:
        return Month(day.year, day.month)


def today() -> dt.date:
    """Today, or the date in $PARTNERKIT_AS_OF (YYYY-MM-DD) when it is set."""
    from partnerkit.dates import today as pinned_or_clock

    return pinned_or_clock()


def parse_month(text: str, *, today_: dt.date | None = None) -> Month:
    """'YYYY-MM' or 'last' (the previous calendar month relative to today) -> Month.

    A month that has not ended yet is refused: a monthly report is about a closed month.
    """
    raw = (text or "").strip()
    now = today_ or today()
    if raw.lower() == "last":
        return Month.of(now).previous()
    m = _MONTH_RE.match(raw)
    if not m:
        raise ValueError(f"--month {raw!r}: write the month as YYYY-MM (e.g. 2026-10) or 'last'")
    try:
        month = Month(int(m.group(1)), int(m.group(2)))
    except ValueError as e:
        raise ValueError(f"--month {raw!r}: {e}; write the month as YYYY-MM") from None
    from partnerkit.dates import check_date

    check_date(month.last_day, f"--month {raw}")
    if month >= Month.of(now):
        raise ValueError(
            f"--month {raw}: that month has not ended yet (today is {now.isoformat()}); "
            f"choose {Month.of(now).previous()} or earlier"
        )
    return month


def check_locale(locale: str) -> str:
    loc = (locale or "").strip().replace("-", "_")
    for known in LOCALES:
        if loc.lower() == known.lower():
            return known
    raise ValueError(f"locale {locale!r} is not supported; choose one of: {', '.join(LOCALES)}")


_PT_PT = {"PT", "AO", "MZ", "CV", "GW", "ST", "TL", "MO"}


def locale_for_country(country: str | None) -> str:
    """The report language a partner gets when --locale is not given: Portuguese (Brazil) for
    BR, Portuguese (Portugal) for the other Portuguese-speaking countries, else English."""
    code = (country or "").strip().upper()
    if code == "BR":
        return "pt_BR"
    if code in _PT_PT:
        return "pt_PT"
    return "en"


def build_parameters(
    *,
    partner_id: str,
    month: Month,
    db_url: str,
    locale: str = "en",
    rules_file: str = "",
    as_of: dt.date | None = None,
) -> dict[str, str]:
    """The dict papermill injects into the report notebook. All values are strings (papermill's
    `-p` would turn '2026' into an int; we never go through that)."""
    if not str(partner_id).strip():
        raise ValueError("a partner id is required (--partner ID, or --all)")
    if not db_url:
        raise ValueError("a database URL is required (--db URL or $PARTNERKIT_DB)")
    return {
        "partner_id": str(partner_id),
        "month": str(month),
        "db_url": str(db_url),
        "locale": check_locale(locale),
        "rules_file": str(rules_file or ""),
        "as_of": (as_of or month.last_day).isoformat(),
    }


def unknown_parameters(passed: dict[str, object], declared: set[str]) -> list[str]:
    """Names passed to a notebook that its `parameters` cell does not declare."""
    return sorted(set(passed) - set(declared))

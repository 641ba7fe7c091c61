"""Input bounds: every file partnerkit reads has a size, row, column, cell, unzipped-size and time
limit (issue 15, item 11). ONE place for the numbers, used by every reader (imports of every kind,
the ledger CSV of `tier --ledger` and `import --kind ledger`, XLSX workbooks, rules files).

Each limit can be raised (or lowered) with an environment variable, named in the message a user
sees when a file goes over it:

| limit | default | variable |
|---|---|---|
| file size | 1024 MB | PARTNERKIT_MAX_FILE_MB |
| data rows | 20,000,000 | PARTNERKIT_MAX_ROWS |
| columns | 2,000 | PARTNERKIT_MAX_COLUMNS |
| characters in one cell | 131,072 | PARTNERKIT_MAX_CELL_CHARS |
| unzipped size of an XLSX | 2048 MB | PARTNERKIT_MAX_UNZIPPED_MB |
| time to read and check a file | 900 s | PARTNERKIT_MAX_SECONDS |

The defaults hold a 10-million-row ledger and any HubSpot export we have seen, and stop a crafted
file (a zip bomb, a sheet declaring 16,384 columns, /dev/zero) long before it hurts the machine.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

MB = 1024 * 1024


class LimitExceeded(ValueError):
    """A file beyond one of the input bounds; the message names the limit and how to raise it."""


@dataclass(frozen=True)
class Limit:
    what: str  # in the partner's words: "file size", "rows"...
    env: str
    default: int
    unit: str = ""  # shown after the number ("MB", "s")
    scale: int = 1  # the value in the environment times scale = the bound in bytes/units

    @property
    def value(self) -> int:
        """The bound now in force (the environment variable if set to a positive whole number)."""
        raw = os.environ.get(self.env, "").strip()
        if raw:
            try:
                n = int(raw)
            except ValueError:
                raise LimitExceeded(
                    f"${self.env}={raw!r} is not a whole number; unset it or give one "
                    f"(default {self.default:,}{self.unit and ' ' + self.unit})") from None
            if n > 0:
                return n * self.scale
        return self.default * self.scale

    def message(self, where: str, found: str = "") -> str:
        shown = f"{self.value // self.scale:,}{self.unit and ' ' + self.unit}"
        got = f" ({found})" if found else ""
        return (f"{where}: over the {self.what} limit of {shown}{got}; if the file is right, "
                f"raise the limit with the environment variable {self.env}")

    def check(self, n: int, where: str) -> None:
        """LimitExceeded when `n` (bytes, rows, ...) is over the bound."""
        if n > self.value:
            raise LimitExceeded(self.message(where))


FILE_SIZE = Limit("file size", "PARTNERKIT_MAX_FILE_MB", 1024, "MB", MB)
ROWS = Limit("rows", "PARTNERKIT_MAX_ROWS", 20_000_000)
COLUMNS = Limit("columns", "PARTNERKIT_MAX_COLUMNS", 2_000)
CELL_CHARS = Limit("characters per cell", "PARTNERKIT_MAX_CELL_CHARS", 131_072)
UNZIPPED_SIZE = Limit("unzipped size", "PARTNERKIT_MAX_UNZIPPED_MB", 2048, "MB", MB)
SECONDS = Limit("time", "PARTNERKIT_MAX_SECONDS", 900, "s")
ALL = (FILE_SIZE, ROWS, COLUMNS, CELL_CHARS, UNZIPPED_SIZE, SECONDS)


class Deadline:
    """The time bound of one read: `check()` raises once SECONDS have passed since it was made."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.ends = time.monotonic() + SECONDS.value

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise LimitExceeded(SECONDS.message(self.where))


def read_bounded(path: str | os.PathLike[str], where: str = "") -> bytes:
    """The bytes of a file, refusing one over FILE_SIZE without reading past the bound (so a
    device like /dev/zero or a growing pipe stops at the limit, it is never read to the end).
    A directory or a missing file raises LimitExceeded's sibling ValueError with a plain message."""
    name = where or os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{name} is a folder, not a file")
    bound = FILE_SIZE.value
    try:
        with open(path, "rb") as f:  # (devices and pipes too)
            data = f.read(bound + 1)
    except FileNotFoundError:
        raise ValueError(f"{name}: file not found") from None
    except PermissionError:
        raise ValueError(f"{name}: permission denied (cannot read the file)") from None
    except IsADirectoryError:
        raise ValueError(f"{name} is a folder, not a file") from None
    except OSError as e:
        raise ValueError(f"{name}: cannot read the file ({e.strerror or type(e).__name__})"
                         ) from None
    if len(data) > bound:
        raise LimitExceeded(FILE_SIZE.message(name))
    return data


def check_unzipped(path: str | os.PathLike[str], where: str = "") -> None:
    """Refuse a zip container (an .xlsx) whose members unzip to more than UNZIPPED_SIZE. The sizes
    come from the zip's directory; Python's zipfile never reads past a member's declared size, so
    a lying directory cannot make it read more."""
    import zipfile

    name = where or os.fspath(path)
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the workbook reader says what is wrong with it
    if total > UNZIPPED_SIZE.value:
        raise LimitExceeded(UNZIPPED_SIZE.message(name, f"it unzips to {total // MB:,} MB"))

"""Opening a ledger CSV file for the columnar reader: the shell around `partnerkit.ledger_csv`.

`partnerkit tier --ledger FILE` and `partnerkit import --kind ledger FILE.csv` both come through
here, so the two accept and refuse the same files, with the same bounds (issue 15, item 11): a
directory, a device (/dev/zero), a FIFO or a file over the size bound is refused before a byte is
parsed, each with one line saying what and how to fix it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from partnerkit.ledger import Ledger


def read_ledger_file(path: str | os.PathLike[str]) -> tuple[Ledger, np.ndarray]:
    """The validated Ledger in FILE and each row's line; ValueError (LedgerError for the rows)
    with one clear message otherwise."""
    from partnerkit import limits as bounds
    from partnerkit.ledger_csv import ledger_limits, read_ledger_csv

    p = Path(path)
    limits = ledger_limits()
    try:
        info = p.stat()
    except FileNotFoundError:
        raise ValueError(f"ledger file not found: {p}") from None
    except OSError as e:
        raise ValueError(f"cannot read the ledger file {p}: {e.strerror or e}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{p} is a folder, not a ledger file: give the path of the .csv")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{p} is not a regular file (a device or a pipe?): give the path of a "
                         "ledger .csv file")
    if info.st_size > limits.max_bytes:
        raise ValueError(bounds.FILE_SIZE.message(p.name, f"it has {info.st_size:,} bytes"))
    _system_allocator()
    try:
        with p.open("rb", buffering=1024 * 1024) as fh:
            return read_ledger_csv(fh, p.name, limits)
    except PermissionError:
        raise ValueError(f"cannot read the ledger file {p}: permission denied") from None
    except IsADirectoryError:
        raise ValueError(f"{p} is a folder, not a ledger file: give the path of the .csv") from None


def _system_allocator() -> None:
    """pyarrow allocating with the C library's malloc, not mimalloc: the text blocks freed while
    the Ledger is built go back to the system (10M rows: ~0.55 GB that mimalloc kept, which the
    engine's arrays then came on top of; issue 16's 2 GB bound). This process's choice (a shell)."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())

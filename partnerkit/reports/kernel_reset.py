"""Runs INSIDE a warm report kernel (batch mode, see warm.py): import once, reset between reports.

`prepare()` imports what the report notebook needs (pandas, SQLAlchemy through the store,
matplotlib's Figure and Agg canvas through the charts) and remembers the state a report could
change; `reset()` puts the kernel back to that state before the next report: an empty user
namespace, a new IPython history session (execution counts start at 1 again, as in a fresh
kernel), the starting working directory, matplotlib's rcParams and the warning filters.
Imported modules, and caches keyed by file version (rules, translations), stay: that is the point.
"""

from __future__ import annotations

import gc
import importlib
import os
import warnings
from typing import Any

# What the report notebook imports; a kernel that has them imported skips ~75 % of a cold report.
PRELOAD = (
    "pandas",
    "partnerkit.reports.render",
    "partnerkit.reports.content",
    "partnerkit.store",
    "partnerkit.standing",
    "partnerkit.tiers",
    "partnerkit.rules_io",
    "partnerkit.ui.i18n",
    "partnerkit.charts",
    "matplotlib.backends.backend_agg",
)

_home: str | None = None
_rc: Any = None
_filters: list[Any] | None = None


def prepare() -> None:
    """Import the heavy modules and remember the state `reset()` restores."""
    global _home, _rc, _filters
    for name in PRELOAD:
        importlib.import_module(name)
    import matplotlib

    _home = os.getcwd()
    _rc = matplotlib.rcParams.copy()  # no backend resolution (dict() would resolve it)
    _filters = list(warnings.filters)
    # The imported modules' objects live as long as the kernel: move them out of the garbage
    # collector's way, so each collection (IPython's reset runs one) scans only what reports make.
    gc.collect()
    gc.freeze()


def reset() -> None:
    """Forget everything the previous report left in the kernel (called before each report)."""
    from IPython import get_ipython

    ip = get_ipython()
    if ip is not None:
        ip.reset(new_session=True)  # user namespace, Out/_ caches, history; execution count 1
    if _home is not None:
        os.chdir(_home)
    if _rc is not None:
        import matplotlib

        rc = matplotlib.rcParams
        for key in _rc:  # as RcParams.copy does: no deprecation warnings, no revalidation
            rc._set(key, _rc._get(key))
    if _filters is not None:
        warnings.filters[:] = _filters
        warnings._filters_mutated()  # type: ignore[attr-defined]

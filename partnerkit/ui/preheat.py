"""Preheated Voilà kernels that still show the data of the moment a page is opened (issue 11).

`./dev apps` serves with Voilà's kernel pool (--preheat): a kernel runs the notebook before any
page asks for it. The notebooks import partnerkit (the slow part), then call `wait_for_page()`,
which blocks in a preheated kernel until a browser takes it (Voilà's
`voila.utils.wait_for_request()`, which also sets $QUERY_STRING for that page). Only then is the
database opened, "today" read and the query string parsed, so a page never shows the book, the
date or the link of when its kernel was heated. Outside a preheated kernel it returns at once.
"""

from __future__ import annotations

import os

PREHEAT_ENV = "VOILA_PREHEAT"


def preheated() -> bool:
    return os.environ.get(PREHEAT_ENV, "False") not in ("", "False", "0")


def wait_for_page(warm: tuple[str, ...] = ()) -> None:
    """Import `warm` modules (dotted names), then wait for the page's request when preheated."""
    if not preheated():
        return
    import importlib

    for name in warm:
        importlib.import_module(name)  # paid while the kernel waits, not by the user
    from voila.utils import wait_for_request

    wait_for_request()

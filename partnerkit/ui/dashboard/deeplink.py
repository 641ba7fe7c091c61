"""Deep links (issue 11): the dashboard's view in the URL's query string, and back.

    ?partner=<id>&page=clients|tier|team&tab=performance|breakdown|progress|changes
     &as_of=YYYY-MM-DD&lang=en|pt_PT|pt_BR&client=<client id>

Voilà hands the query string to the kernel ($QUERY_STRING; a preheated kernel gets it from
`voila.utils.wait_for_request()`); the dashboard keeps the browser's URL in step through the
Bridge. A bad or unknown value never fails the page: it is dropped, the default is used and the
page says so (`View.problems`: (parameter, value) pairs).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

PAGES = ("clients", "tier", "team")
TABS = ("performance", "breakdown", "progress", "changes")
LANGS = ("en", "pt_PT", "pt_BR")
MAX_QUERY = 2_000  # characters read from a query string (a longer one is cut)
MAX_VALUE = 200  # characters of one value (ids are shorter)
KNOWN = ("partner", "page", "tab", "as_of", "lang", "client")


@dataclass
class View:
    partner: str | None = None
    page: str | None = None
    tab: str | None = None
    as_of: dt.date | None = None
    lang: str | None = None
    client: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    def to_query(self) -> str:
        """The query string of this view (parameters left at their default are omitted)."""
        pairs = [
            ("partner", self.partner),
            ("page", self.page),
            ("tab", self.tab),
            ("as_of", self.as_of.isoformat() if self.as_of else None),
            ("lang", self.lang),
            ("client", self.client),
        ]
        return urlencode([(k, v) for k, v in pairs if v])


def page_query_string() -> str:
    """The query string Voilà passed for this page ("" outside Voilà)."""
    return os.environ.get("QUERY_STRING", "") or ""


def parse_view(query: str | None) -> View:
    """Read a query string; an unknown or malformed value goes to `problems`, not the view."""
    view = View()
    text = (query or "")[:MAX_QUERY].lstrip("?")
    for key, raw in parse_qsl(text, keep_blank_values=True):
        value = raw.strip()
        if key not in KNOWN:
            continue  # e.g. Voilà's own token: not ours to judge
        if not value:
            continue
        if len(value) > MAX_VALUE or any(ord(c) < 32 for c in value):
            view.problems.append((key, value[:40]))
            continue
        if key == "page":
            _set_choice(view, "page", value, PAGES)
        elif key == "tab":
            _set_choice(view, "tab", value, TABS)
        elif key == "lang":
            code = value.replace("-", "_")
            code = {"pt_pt": "pt_PT", "pt_br": "pt_BR", "en": "en"}.get(code.lower(), code)
            _set_choice(view, "lang", code, LANGS, shown=value)
        elif key == "as_of":
            try:
                view.as_of = dt.date.fromisoformat(value)
            except ValueError:
                view.problems.append((key, value))
        elif key == "partner":
            view.partner = value
        elif key == "client":
            view.client = value
    return view


def _set_choice(
    view: View, key: str, value: str, choices: tuple[str, ...], shown: str | None = None
) -> None:
    if value in choices:
        setattr(view, key, value)
    else:
        view.problems.append((key, shown or value))

"""The dashboard's shared state: which partner, which date, which language, and cached results.

The standing (the expensive part, F2) is computed once per partner and "as of" date and kept here;
every page reads it from this object. Pages subscribe to changes with `on_change`.

Callbacks go through `Messages.guard`, so an error in any widget callback shows a plain message in
the page's message area and goes to the log — never a silent, blank widget.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from partnerkit.ui.dashboard.html import esc

log = logging.getLogger("partnerkit.ui.dashboard")

HUBSPOT_BASE_ENV = "PARTNERKIT_HUBSPOT_BASE_URL"
HUBSPOT_DEFAULT_BASE = "https://app.hubspot.com"
AS_OF_ENV = "PARTNERKIT_AS_OF"
INITIAL = {"description_width": "initial"}  # labels at their natural width (no "Relaciona…")
EXPIRING_DAYS = 90  # the Tier Insights window for expiring points (HubSpot's dashboard shows 90)


def default_as_of() -> dt.date:
    """PARTNERKIT_AS_OF (YYYY-MM-DD) when set, else today."""
    from partnerkit.dates import today  # bounded to 2000-2100, names the variable (issue 15)

    return today()


def hubspot_base() -> str:
    return (os.environ.get(HUBSPOT_BASE_ENV) or HUBSPOT_DEFAULT_BASE).rstrip("/")


def crm_company_url(partner_portal_id: object, record_id: object) -> str | None:
    """F1.3.2: the client's company record (object 0-2) in the PARTNER's own HubSpot CRM.

    The record id lives in the partner's portal, so the URL needs the partner's portal id
    (`partnerkit add-partner --portal-id`), never the client's Hub ID. None when either is missing.
    """
    if not _present(partner_portal_id) or not _present(record_id):
        return None
    return f"{hubspot_base()}/contacts/{_id(partner_portal_id)}/record/0-2/{_id(record_id)}"


def client_account_url(portal_id: object) -> str | None:
    """F1.3.3: the client's own HubSpot account (portal)."""
    if not _present(portal_id):
        return None
    return f"{hubspot_base()}/home?portalId={_id(portal_id)}"


def _present(v: object) -> bool:
    if v is None:
        return False
    try:
        import pandas as pd

        if pd.isna(v):  # type: ignore[call-overload]
            return False
    except (TypeError, ValueError):
        pass
    return str(v).strip() != ""


def _id(v: object) -> str:
    from urllib.parse import quote

    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return quote(str(v).strip(), safe="")


def current_user() -> str:
    try:
        return os.environ.get("PARTNERKIT_USER") or getpass.getuser() or "dashboard"
    except Exception:  # getpass may fail without a login name (containers)
        return "dashboard"


def compact_ledger(ledger: Any) -> Any:
    """The same ledger, with its per-row text (the event ids) re-created in one compact run.

    Reading a ledger builds about a kilobyte of Python objects per row (row tuples and their
    values); every row's event id survives, scattered among them, so the interpreter can return
    none of that memory to the system (200,000 rows: ~150 MB kept for 12 MB of ids). Copying the
    ids out, dropping them and re-creating them lets those memory pages go (the kernel's RSS on
    a 5,000-client book: ~100 MB less). Values and dtype are unchanged.
    """
    import numpy as np
    import pandas as pd

    f = ledger.frame
    if "event_id" in f and len(f) and f["event_id"].dtype != "category":
        dtype = f["event_id"].dtype
        ids = np.asarray(f["event_id"].to_numpy(), dtype=str)  # one buffer, outside the heap
        f["event_id"] = ""  # the scattered originals are freed here
        f["event_id"] = pd.array(ids.tolist(), dtype=dtype)
        del ids
    _release_free_memory()
    return ledger


def _release_free_memory() -> None:
    """Hand freed heap pages back to the system (glibc only; elsewhere nothing to do)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class Messages(W.HTML):
    """The visible message area. `guard` wraps callbacks so nothing fails silently."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(value="", **kw)
        self.add_class("pk-messages")

    def error(self, text: str) -> None:
        self.value = f'<div class="pk-msg-error" role="alert">{esc(text)}</div>'

    def info(self, text: str) -> None:
        self.value = f'<div class="pk-msg-info" role="status">{esc(text)}</div>'

    def clear(self) -> None:
        self.value = ""

    def report(self, what: str, exc: BaseException) -> None:
        log.exception("dashboard: %s failed", what)
        detail = str(exc) or type(exc).__name__
        self.error(f"{what}: {detail}")

    def guard(
        self, what: str | Callable[[], str]
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator for widget callbacks: errors go to this area and the log."""

        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(fn)
            def wrapper(*a: Any, **k: Any) -> Any:
                try:
                    return fn(*a, **k)
                except Exception as e:
                    self.report(what() if callable(what) else what, e)
                    return None

            return wrapper

        return deco


class DashboardState:
    """Partner, date, language and cached results shared by every page."""

    def __init__(
        self,
        store: Any,
        partner_id: str,
        as_of: dt.date,
        locale: str = "en",
        rules: Any = None,
        messages: Messages | None = None,
    ) -> None:
        from partnerkit.ui.i18n import translator

        self.store = store
        self.partner_id = partner_id
        self.as_of = as_of
        self.locale = locale
        self._translator = translator
        self.t = translator(locale, domain="dashboard")
        self._rules = rules
        self.messages = messages or Messages()
        self._cache: dict[tuple[Any, ...], Any] = {}
        # One lock per cache key: a background prefetch (see `prefetch`) and the kernel's main
        # thread never compute the same result twice; the second one waits for the first.
        self._locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._prefetch: threading.Thread | None = None
        self._generation = 0  # bumped when the book changes under a computation in flight
        self._listeners: list[Callable[[str], None]] = []
        self._view_listeners: list[Callable[[], None]] = []
        self.bridge: Any = None  # the page's Bridge (menus, Esc, focus, URL), set by Dashboard
        self.user = current_user()

    # -- changes -------------------------------------------------------------------------------
    def on_change(self, fn: Callable[[str], None]) -> None:
        self._listeners.append(fn)

    def on_view_change(self, fn: Callable[[], None]) -> None:
        """Called when what the user looks at changes (page, tab, open client): the URL."""
        self._view_listeners.append(fn)

    def view_changed(self) -> None:
        for fn in list(self._view_listeners):
            try:
                fn()
            except Exception:  # keeping the URL in step must never break an action
                log.debug("dashboard: view listener failed", exc_info=True)

    def _emit(self, what: str) -> None:
        for fn in list(self._listeners):
            try:
                fn(what)
            except Exception as e:
                self.messages.report(self.t("Could not refresh the page"), e)

    def set_partner(self, partner_id: str) -> None:
        if partner_id != self.partner_id:
            self.partner_id = partner_id
            self._emit("partner")

    def set_as_of(self, as_of: dt.date) -> None:
        if as_of != self.as_of:
            self.as_of = as_of
            self._emit("as_of")

    def set_locale(self, locale: str) -> None:
        if locale != self.locale:
            self.locale = locale
            self.t = self._translator(locale, domain="dashboard")
            self._emit("locale")

    def clients_changed(self) -> None:
        """After End services / Undo: the client list and later managed points may change."""
        pid = self.partner_id
        self._generation += 1  # a prefetch still reading the old book must not cache it
        for key in list(self._cache):
            if (
                len(key) > 1
                and key[1] == pid
                and key[0]
                in (
                    "clients",
                    "ledger",
                    "standing",
                    "perf",
                    "credited",
                    "history",
                    "renewals",
                    "usage",
                    "chart",
                )
            ):
                del self._cache[key]
        self._emit("clients")

    # -- cached reads --------------------------------------------------------------------------
    def _cached(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        try:
            return self._cache[key]
        except KeyError:
            pass
        with self._locks_guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._cache:
                return self._cache[key]
            generation = self._generation
            value = make()
            if generation == self._generation:  # no End services / Undo meanwhile
                self._cache[key] = value
            return value

    def cached(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A result kept for this partner: `key` must start with a name, then the partner id."""
        return self._cached(key, make)

    # -- work in the kernel's idle time ---------------------------------------------------------
    def prefetch(self, work: Callable[[], None]) -> threading.Thread:
        """Run `work` (cached reads only, never widgets) in a background thread.

        The dashboard uses it to read the ledger, value it and draw the Tier page's chart while
        the browser is still drawing the Clients page; a page that needs one of those results
        meanwhile waits for it (per-key locks in `_cached`) instead of computing it again.
        Errors are only logged: the page that needs the result computes it again and reports.
        """

        def run() -> None:
            try:
                work()
            except Exception:
                log.debug("dashboard: prefetch failed (the page will compute it)", exc_info=True)

        self._prefetch = threading.Thread(target=run, name="partnerkit-prefetch", daemon=True)
        self._prefetch.start()
        return self._prefetch

    def wait_prefetch(self, timeout: float | None = None) -> None:
        if self._prefetch is not None:
            self._prefetch.join(timeout)

    @property
    def rules(self) -> Any:
        if self._rules is None:
            from partnerkit import load_rules

            self._rules = load_rules()
        return self._rules

    @property
    def policy(self) -> Any:
        """The program policy in force on the "as of" date (renewal window, engagement bands...)."""
        return self.rules.policy_on(self.as_of)

    @property
    def renewal_days(self) -> int:
        return int(self.policy.renewal_lookahead_days)

    def engagement_band(self, score: Any) -> str | None:
        """Low / Medium / High from the rules' engagement bands (program-rules.md §8)."""
        try:
            import pandas as pd

            if score is None or pd.isna(score):
                return None
            return str(self.policy.engagement_band(float(score))) or None
        except (TypeError, ValueError):
            return None

    @property
    def partner(self) -> Any:
        return self._cached(
            ("partner", self.partner_id), lambda: self.store.get_partner(self.partner_id)
        )

    def partners(self) -> Any:
        return self._cached(("partners",), self.store.partners)

    def data_as_of(self) -> Any:
        return self._cached(
            ("data_as_of", self.partner_id), lambda: self.store.data_as_of(self.partner_id)
        )

    def client_table(self) -> Any:
        return self._cached(
            ("clients", self.partner_id, self.as_of),
            lambda: self.store.client_table(self.partner_id, self.as_of),
        )

    def renewals_due(self) -> Any:
        return self._cached(
            ("renewals", self.partner_id, self.as_of),
            lambda: self.store.renewals_due(self.partner_id, self.as_of, days=self.renewal_days),
        )

    def team(self) -> Any:
        return self._cached(("team", self.partner_id), lambda: self.store.team(self.partner_id))

    def ledger(self) -> Any:
        return self._cached(
            ("ledger", self.partner_id),
            lambda: compact_ledger(self.store.load_ledger(self.partner_id)),
        )

    def average_tool_usage(self) -> Any:
        """F2.5: the mean tools used by the active clients. Same definition as
        `store.average_tool_usage`, computed from the cached client table (one query less)."""

        def make() -> float:
            table = self.client_table()
            return float(table["tools_used"].mean()) if len(table) else 0.0

        return self._cached(("usage", self.partner_id, self.as_of), make)

    def valuation(self) -> Any:
        """The ledger valued once per partner (rates per event); every date reuses it."""
        from partnerkit.standing import Valuation

        return self._cached(
            ("ledger", self.partner_id, "valuation"), lambda: Valuation(self.ledger(), self.rules)
        )

    def standing(self) -> Any:
        from partnerkit import compute_standing

        return self._cached(
            ("standing", self.partner_id, self.as_of),
            lambda: compute_standing(self.valuation(), self.as_of),
        )

    def tier_history(self) -> Any:
        """F2.1 the partner's credited-tier records (issue 12)."""
        return self._cached(("credited", self.partner_id, "history"),
                            lambda: self.store.tier_history(self.partner_id))

    def credited_basis(self) -> Any:
        """The credited tier on the date from the stored history, with its basis: "not recorded"
        before the first record, never a tier held by assumption (issue 12; F2.1)."""
        from partnerkit.tier_history import credited_on

        def make() -> Any:
            return credited_on(self.valuation(), self.rules, self.tier_history(), self.as_of,
                               self.partner.certified_until)

        return self._cached(("credited", self.partner_id, self.as_of, "basis"), make)

    def credited(self) -> Any:
        """The credited tier through reviews (F2.1), or None before the first record."""
        return self.credited_basis().detail

    def performance(self) -> Any:
        return self.credited_basis().performance

    def risks(self) -> Any:
        """Tier risks on the date, soonest first (issue 12): the core's list, as in the CLI."""
        from partnerkit.risks import tier_risks

        def make() -> Any:
            p = self.partner
            return tier_risks(self.valuation(), self.rules, self.as_of, self.credited_basis(),
                              p.certified_until, p.joined_on)

        return self._cached(("credited", self.partner_id, self.as_of, "risks"), make)

    def point_changes(self, start: dt.date, end: dt.date) -> Any:
        """HubSpot's "tier point changes": new and lost points per client in (start, end]."""
        from partnerkit.standing import point_changes

        return self._cached(("history", self.partner_id, "changes", start, end),
                            lambda: point_changes(self.valuation(), start, end))

    def tier_history_changed(self) -> None:
        """After a credited-tier record is added: every credited answer is recomputed."""
        pid = self.partner_id
        self._generation += 1
        for key in list(self._cache):
            if len(key) > 1 and key[1] == pid and key[0] in ("credited", "partner", "chart"):
                del self._cache[key]
        self._emit("tier")

    def history(self) -> Any:
        from partnerkit import history

        return self._cached(
            ("history", self.partner_id, self.as_of),
            lambda: history(self.valuation(), self.as_of, months=24),
        )

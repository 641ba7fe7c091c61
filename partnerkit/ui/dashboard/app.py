"""The partner dashboard (issue 4: F1 Clients, F2 Tier, F4 HubSpot team) as one ipywidgets tree.

    from partnerkit.ui.dashboard import build_dashboard
    build_dashboard()          # the widget; notebooks/dashboard.ipynb only displays it

Header: partner picker (when the database holds several partners), the "as of" date
(PARTNERKIT_AS_OF if set, else today) and the language (en / pt_PT / pt_BR). Below it a message
area where every callback error is shown, then the pages Clients, Tier and HubSpot team.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

import ipywidgets as W

from partnerkit.charts import set_theme
from partnerkit.ui.dashboard.clients import ClientsPage
from partnerkit.ui.dashboard.deeplink import PAGES as LINK_PAGES
from partnerkit.ui.dashboard.deeplink import View, page_query_string, parse_view
from partnerkit.ui.dashboard.html import CSS, esc
from partnerkit.ui.dashboard.state import INITIAL, DashboardState, Messages, default_as_of
from partnerkit.ui.host import HostHelper
from partnerkit.ui.theme import themed

log = logging.getLogger("partnerkit.ui.dashboard")

PAGES = LINK_PAGES
# The Tier page's tabs, in order (issue 12 adds "changes", Tier point changes, as the 4th).
TIER_TAB_IDS = ("performance", "breakdown", "progress", "changes")


class NavBar:
    """The page buttons (Clients / Tier / HubSpot team): ONE ToggleButtons styled as buttons (the
    open page's button in the "info" colour, by CSS), so a language switch relabels them with one
    widget message, not one per button."""

    def __init__(self, pages: tuple[str, ...]) -> None:
        self.pages = pages
        self.value = pages[0]
        self._quiet = False
        self.toggle = W.ToggleButtons(
            options=[(p, p) for p in pages],
            value=pages[0],
            style={"button_width": "150px"},
        )
        self.toggle.observe(self._changed, "value")
        self.widget = self.toggle
        self.widget.add_class("pk-nav")
        self._callback: Any = None

    def on_select(self, fn: Any) -> None:
        self._callback = fn

    def _changed(self, change: dict[str, Any]) -> None:
        if not self._quiet and change["new"] is not None:
            self._clicked(str(change["new"]))

    def _clicked(self, page: str) -> None:
        if self._callback:
            self._callback(page)

    def select(self, page: str) -> None:
        """Open a page as a click on its button does."""
        self._clicked(page)

    def mark(self, page: str) -> None:
        self.value = page
        self._quiet = True
        try:
            self.toggle.value = page
        finally:
            self._quiet = False

    def relabel(self, labels: dict[str, str]) -> None:
        self._quiet = True
        try:
            with self.toggle.hold_sync():  # the labels and the open page in one message
                self.toggle.options = [(labels[p], p) for p in self.pages]
                self.toggle.value = self.value
        finally:
            self._quiet = False

    @property
    def options(self) -> list[tuple[str, str]]:
        return [(str(label), str(p)) for label, p in self.toggle.options]


def _tier_page(state: DashboardState) -> Any:
    from partnerkit.ui.dashboard.tier import TierPage  # imports matplotlib: only when opened

    return TierPage(state)


def _team_page(state: DashboardState) -> Any:
    from partnerkit.ui.dashboard.team import TeamPage

    return TeamPage(state)


class _LazyPages:
    """name -> page, each page built on first access."""

    def __init__(self, types: dict[str, Any], state: DashboardState) -> None:
        self._types = types
        self._state = state
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._types[name](self._state)
        return self._built[name]

    def built(self) -> list[tuple[str, Any]]:
        return list(self._built.items())


class Dashboard(W.VBox):
    """The whole app. Attributes give tests direct access to each page and control."""

    def __init__(
        self,
        store: Any,
        partner_id: str,
        as_of: dt.date,
        locale: str,
        *,
        prefetch: bool = False,
        view: View | None = None,
        default_as_of: dt.date | None = None,
    ) -> None:
        from partnerkit.ui.dashboard.bridge import Bridge
        from partnerkit.ui.i18n import LANGUAGES

        self.messages = Messages()
        self.state = DashboardState(
            store, partner_id, as_of, locale, rules=store.rules, messages=self.messages
        )
        st = self.state
        g = self.messages.guard
        self._default_as_of = default_as_of or as_of
        self._default_locale = locale if view is None or view.lang is None else "en"
        self.bridge = Bridge()
        st.bridge = self.bridge
        self.bridge.on("action", g(lambda: st.t("Could not run the action"))(self._bridge_action))
        self.bridge.on("escape", g(lambda: st.t("Could not close the panel"))(self._close_top))
        self.bridge.on("outside", g(lambda: st.t("Could not close the panel"))(self._close_top))
        self._tier_watched = False
        self.title = W.HTML()
        partners = st.partners()
        self.partner_picker = W.Dropdown(
            style=INITIAL,
            options=[(f"{r.name} ({r.country})", str(r.partner_id)) for r in partners.itertuples()],
            value=partner_id,
            layout=W.Layout(width="340px"),
        )
        self.partner_picker.add_class("pk-partner-picker")
        if len(partners) < 2:
            self.partner_picker.layout.display = "none"
        self.as_of_picker = W.DatePicker(value=as_of, style=INITIAL, layout=W.Layout(width="240px"))
        self.as_of_picker.add_class("pk-as-of")
        # The native date input follows the browser's locale; the echo the chosen language's.
        self.as_of_echo = W.HTML()
        self.as_of_echo.add_class("pk-date-echo")
        self.language = W.Dropdown(
            style=INITIAL,
            options=[(name, code) for code, name in LANGUAGES.items()],
            value=st.locale,
            layout=W.Layout(width="300px"),
        )
        self.language.add_class("pk-language")
        self.nav = NavBar(PAGES)
        # Pages are built when first opened: fewer widgets for the browser on the first render.
        self._page_types = {"clients": ClientsPage, "tier": _tier_page, "team": _team_page}
        self.pages = _LazyPages(self._page_types, st)
        self.body = W.VBox()
        self.partner_picker.observe(
            g(lambda: st.t("Could not switch partner"))(self._partner), "value"
        )
        self.as_of_picker.observe(
            g(lambda: st.t("Could not change the date"))(self._as_of), "value"
        )
        self.language.observe(
            g(lambda: st.t("Could not change the language"))(self._language), "value"
        )
        self.nav.on_select(g(lambda: st.t("Could not open the page"))(self._nav))
        self.header = W.HBox(
            [self.partner_picker, self.as_of_picker, self.as_of_echo, self.language],
            layout=W.Layout(flex_flow="row wrap", align_items="center"),
        )
        self.header.add_class("pk-header")
        st.on_change(self._relabel_on_change)
        self._relabel()
        self.host = HostHelper(".pk-dash")  # shortcuts, own-width layout, page theme (issue 17)
        self.host.observe(self._theme_changed, "dark")
        super().__init__(
            [
                W.HTML(themed(CSS)),  # + layout by its own width, JupyterLab's theme (issue 17)
                self.bridge,
                self.host,
                self.title,
                self.header,
                self.messages,
                self.nav.widget,
                self.body,
            ],
            layout=W.Layout(width="100%", padding="4px 8px"),
        )
        self.add_class("pk-dash")
        self.add_class("pk-dashboard")
        st.on_view_change(self._sync_url)
        st.open_clients = self.open_clients  # type: ignore[attr-defined]  # issue 18
        self.apply_view(view or View())
        if prefetch:
            self.prefetch_tier()

    def prefetch_tier(self) -> None:
        """Compute the Tier page's data and chart in a background thread while the browser draws
        the Clients page (the kernel is idle then): the first click on "Tier" finds them ready."""

        def work() -> None:
            from partnerkit.ui.dashboard import tier  # matplotlib's import, off the click

            tier.prefetch(self.state)

        self.state.prefetch(work)

    def _theme_changed(self, change: dict[str, Any]) -> None:
        """The page switched between light and dark: charts are drawn again to match."""
        set_theme("dark" if change["new"] else "light")
        for _key, page in self.pages.built():
            page._changed("theme")

    # -- page switching ------------------------------------------------------------------------
    def show_page(self, name: str) -> None:
        for key, page in self.pages.built():
            if key != name:
                page.hide()
        page = self.pages[name]
        page.show()
        self.body.children = [page.widget]
        self.nav.mark(name)
        if name == "tier" and not self._tier_watched:
            self._tier_watched = True
            page.tabs.observe(lambda _c: self.state.view_changed(), "selected_index")
        self.state.view_changed()

    def open_clients(self, ids: list[str], total: str, first: dt.date, last: dt.date) -> None:
        """Issue 18: the client table filtered to the clients behind a Tier point changes total."""
        self.clients.show_view("active")
        self.clients.id_filter.set(ids, total, first, last)
        self.nav.select("clients")

    # -- deep links (issue 11) -----------------------------------------------------------------
    def tier_tab_ids(self) -> tuple[str, ...]:
        ids = getattr(self.tier, "TAB_IDS", None)
        return tuple(ids) if ids else TIER_TAB_IDS[: int(getattr(self.tier, "TABS", 3))]

    def apply_view(self, view: View) -> None:
        """Open the page, tab and client a link asks for; what cannot be shown is said once."""
        t = self.state.t
        problems = list(view.problems)
        page = view.page or ("tier" if view.tab else "clients")
        self.show_page(page)
        if page == "tier" and view.tab:
            ids = self.tier_tab_ids()
            if view.tab in ids:
                self.tier.tabs.selected_index = ids.index(view.tab)
            else:
                problems.append(("tab", view.tab))
        if view.client:
            known = set(self.state.client_table()["client_id"].astype(str))
            if view.client in known:
                if page != "clients":
                    self.show_page("clients")
                self.clients.do_action(view.client, "details")
            else:
                problems.append(("client", view.client))
        if problems:
            self.messages.info(
                " ".join(
                    t("The link's {name}={value} could not be used; showing the default.").format(
                        name=name, value=value
                    )
                    for name, value in problems
                )
            )
        self._sync_url()

    def current_view(self) -> View:
        st = self.state
        page = self.nav.value
        tab = None
        if page == "tier":
            ids = self.tier_tab_ids()
            i = self.tier.tabs.selected_index or 0
            tab = ids[i] if 0 <= i < len(ids) and i else None
        client = None
        if page == "clients" and "clients" in dict(self.pages.built()):
            client = self.clients.panel.client_id
        first = str(self.partner_picker.options[0][1]) if self.partner_picker.options else ""
        return View(
            partner=st.partner_id if st.partner_id != first else None,
            page=page if page != "clients" else None,
            tab=tab,
            as_of=st.as_of if st.as_of != self._default_as_of else None,
            lang=st.locale if st.locale != self._default_locale else None,
            client=client,
        )

    def _sync_url(self) -> None:
        self.bridge.query = self.current_view().to_query()

    def _bridge_action(self, msg: dict[str, Any]) -> None:
        if self.nav.value != "clients":
            return
        action, client = str(msg.get("action", "")), str(msg.get("client", ""))
        if action == "restore":
            self.clients.ended.restore(client)
        elif action in ("details", "end"):
            self.clients.do_action(client, action)

    def _close_top(self, _msg: Any = None) -> None:
        page = self.nav.value
        if page == "clients":
            self.clients.close_top()
        elif page == "tier":
            behind = getattr(getattr(self.tier, "changes", None), "behind", None)
            ids = self.tier_tab_ids()
            if (behind is not None and behind.key is not None and "changes" in ids
                    and self.tier.tabs.selected_index == ids.index("changes")):
                behind.hide()  # issue 18: the clients behind a Tier point changes total
                return
            bd = getattr(self.tier, "_breakdown", None)  # never built just to be closed
            if bd is not None and getattr(bd, "selected", None):
                bd.close_client()

    @property
    def clients(self) -> ClientsPage:
        return self.pages["clients"]  # type: ignore[return-value]

    @property
    def tier(self) -> Any:
        return self.pages["tier"]  # type: ignore[return-value]

    @property
    def team(self) -> Any:
        return self.pages["team"]  # type: ignore[return-value]

    # -- header callbacks ----------------------------------------------------------------------
    def _nav(self, name: str) -> None:
        self.messages.clear()
        self.show_page(name)

    def _partner(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.messages.clear()
            self.state.set_partner(change["new"])

    def _as_of(self, change: dict[str, Any]) -> None:
        value = change["new"]
        if value is None:
            self.messages.error(self.state.t("Pick a date to show the book on that day."))
            return
        self.messages.clear()
        self.state.set_as_of(value)
        shown = esc(self.state.t.date(value))
        if self.as_of_echo.value != shown:
            self.as_of_echo.value = shown

    def _language(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.state.set_locale(change["new"])
            self.state.view_changed()

    def _relabel_on_change(self, what: str) -> None:
        self._relabel()
        if what in ("partner", "as_of"):
            self.state.view_changed()

    def _relabel(self) -> None:
        t = self.state.t
        p = self.state.partner
        self.title.value = (
            f'<h2 class="pk-title">{esc(t("Partner dashboard"))} · '
            f'<span class="pk-partner-name">{esc(p.name)}</span></h2>'
        )
        if self.partner_picker.layout.display != "none":  # hidden with one partner: no message
            self.partner_picker.description = t("Partner")
        self.as_of_picker.description = t("As of")
        shown = esc(t.date(self.as_of_picker.value)) if self.as_of_picker.value else ""
        if self.as_of_echo.value != shown:
            self.as_of_echo.value = shown
        self.language.description = t("Language")
        labels = {"clients": t("Clients"), "tier": t("Tier"), "team": t("HubSpot team")}
        self.nav.relabel(labels)


LOG_FILE_ENV = "PARTNERKIT_LOG_FILE"


PREFETCH_ENV = "PARTNERKIT_PREFETCH"


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (Voilà, JupyterLab), where idle time follows the cell;
    $PARTNERKIT_PREFETCH=0 or 1 decides instead when set."""
    import sys

    forced = os.environ.get(PREFETCH_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return getattr(shell, "kernel", None) is not None


def _heading(locale: str | None) -> str:
    from partnerkit.ui.i18n import translator

    try:
        t = translator(locale or os.environ.get("PARTNERKIT_LANG") or "en", domain="dashboard")
    except ValueError:
        t = translator("en", domain="dashboard")
    return t("The dashboard could not start.")


def ensure_log_file() -> str | None:
    """Send the dashboard's log (errors with tracebacks) to a file, once per process.

    $PARTNERKIT_LOG_FILE, else dashboard.log in the per-user log folder. Without a handler of its
    own, Python would print a logged traceback to stderr, which Voilà shows in the page.
    """
    if log.handlers:
        return None
    path = os.environ.get(LOG_FILE_ENV)
    try:
        if not path:
            import platformdirs

            folder = platformdirs.user_log_dir("partnerkit", appauthor=False)
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, "dashboard.log")
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    except OSError:
        handler, path = logging.NullHandler(), None
    log.addHandler(handler)
    return path


def build_dashboard(
    db_url: str | None = None,
    partner_id: str | None = None,
    locale: str | None = None,
    as_of: dt.date | str | None = None,
    prefetch: bool | None = None,
    query: str | None = None,
) -> W.Widget:
    """The dashboard widget for the database at `db_url` ($PARTNERKIT_DB, else the demo book).

    Errors a user can fix (no partners, unknown partner, bad date) come back as a plain message
    widget, never a traceback. `prefetch` (default: on inside a Jupyter kernel, i.e. in Voilà)
    computes the Tier page in the background once the Clients page is built.

    `query` (default: the query string Voilà passed, $QUERY_STRING) opens the view a deep link
    names (docs/dashboard.md, "Deep links"); arguments given here win over it, and it wins over
    $PARTNERKIT_PARTNER / $PARTNERKIT_LANG. A bad value in it falls back with a visible note.
    """
    from partnerkit.store import ensure_demo_database, open_store
    from partnerkit.ui.i18n import normalise_language

    ensure_log_file()
    try:
        if db_url is None and not os.environ.get("PARTNERKIT_DB"):
            db_url = ensure_demo_database()
        store = open_store(db_url)
        ids = [str(p) for p in store.partners()["partner_id"]]
        if not ids:
            raise ValueError(
                "the database has no partners yet: run 'partnerkit demo' or import "
                "your data with 'partnerkit import'"
            )
        view = parse_view(page_query_string() if query is None else query)
        if view.partner and view.partner not in ids and not partner_id:
            view.problems.append(("partner", view.partner))
            view.partner = None
        pid = partner_id or view.partner or os.environ.get("PARTNERKIT_PARTNER") or ids[0]
        if pid not in ids:
            raise ValueError(f"unknown partner {pid!r}; known partners: {', '.join(ids)}")
        if isinstance(as_of, str):
            try:
                as_of = dt.date.fromisoformat(as_of)
            except ValueError:
                raise ValueError(f"as_of={as_of!r} is not a date; use YYYY-MM-DD") from None
        usual_day = default_as_of()  # read now: a preheated kernel reads it when the page opens
        day = as_of or view.as_of or usual_day
        lang = normalise_language(
            locale or view.lang or os.environ.get("PARTNERKIT_LANG") or "en"
        )
        return Dashboard(
            store,
            pid,
            day,
            lang,
            prefetch=_in_kernel() if prefetch is None else prefetch,
            view=view,
            default_as_of=usual_day,
        )
    except Exception as e:
        log.exception("dashboard: could not start")
        return W.HTML(
            '<div class="pk-msg-error" role="alert" style="padding:8px;border:1px solid #f2545b">'
            f"<b>{esc(_heading(locale))}</b> {esc(e)}</div>"
        )

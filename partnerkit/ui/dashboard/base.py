"""What every dashboard page shares: lazy rendering, error capture and the "data as of" line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as W

from partnerkit.ui.dashboard.html import esc
from partnerkit.ui.dashboard.state import DashboardState


class Page:
    """A page renders itself from the state when shown; state changes mark it stale."""

    def __init__(self, state: DashboardState) -> None:
        self.state = state
        self.widget = W.VBox()
        self.widget.add_class("pk-page")
        self.visible = False
        self._stale = True
        # Built once; a re-render (language, date, partner) only changes its text, so the
        # browser updates one element instead of drawing a new widget tree.
        self._as_of = W.HTML()
        self._as_of.add_class("pk-data-as-of")
        state.on_change(self._changed)

    @property
    def t(self) -> Any:
        return self.state.t

    def _changed(self, what: str) -> None:
        self._stale = True
        if self.visible:
            self.refresh()

    def show(self) -> None:
        self.visible = True
        if self._stale:
            self.refresh()

    def hide(self) -> None:
        self.visible = False

    def refresh(self) -> None:
        self._stale = False
        try:
            self.render()
        except Exception as e:
            self.state.messages.report(self.t("Could not show this page"), e)
            self.widget.children = [
                self.as_of_line(),
                W.HTML(
                    f'<div class="pk-msg-error">{esc(self.t("This page could not be shown; see the message above."))}</div>'  # noqa: E501
                ),
            ]

    def render(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def as_of_line(self) -> W.HTML:
        """'Data as of …' on every page (issue 4): the page's one line, with its text updated."""
        t = self.t
        try:
            d = self.state.data_as_of()
        except Exception as e:  # the line must never take a page down
            self.state.messages.report(t("Could not read when the data was last updated"), e)
            d = None
        if isinstance(d, dt.datetime):
            d = d.date()
        data = t.date(d) if d else t("unknown")
        text = t("Data as of {date} · showing the book on {as_of}").format(
            date=data, as_of=t.date(self.state.as_of)
        )
        self._as_of.value = f'<div class="pk-asof">{esc(text)}</div>'
        return self._as_of

    @staticmethod
    def set_children(box: W.Box, children: list[W.Widget]) -> None:
        """Set a container's children only when they differ (no message, no re-drawn subtree)."""
        if tuple(box.children) != tuple(children):
            box.children = children

"""Small helpers shared by the partnerkit widgets: a visible message area, escaped HTML and a
guard that turns an exception in a widget callback into a plain message (plus a log record on
the `partnerkit` logger) instead of a blank or stale widget.

Everything that reaches an HTML widget goes through `esc()` (text from data, e.g. client names,
is never trusted).
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import ipywidgets as widgets

log = logging.getLogger("partnerkit")

F = TypeVar("F", bound=Callable[..., Any])

_LEVEL_STYLE = {
    "error": "color:#b00020;",
    "warning": "color:#8a5300;",
    "info": "color:#33475b;",
}


def esc(value: object) -> str:
    """HTML-escape any value's text (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def html_paragraph(text: object, css_class: str = "", style: str = "") -> str:
    cls = f' class="{esc(css_class)}"' if css_class else ""
    sty = f' style="{esc(style)}"' if style else ""
    return f"<p{cls}{sty}>{esc(text)}</p>"


def html_list(items: Iterable[object], css_class: str = "") -> str:
    cls = f' class="{esc(css_class)}"' if css_class else ""
    body = "".join(f"<li>{esc(i)}</li>" for i in items)
    return f"<ul{cls}>{body}</ul>" if body else ""


def html_table(
    header: Sequence[object], rows: Iterable[Sequence[object]], css_class: str = ""
) -> str:
    cls = f' class="{esc(css_class)}"' if css_class else ""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class MessageArea:
    """A visible place for plain messages (errors, warnings, notes) under a form or a field."""

    def __init__(self, css_class: str = "pk-message") -> None:
        self.widget = widgets.HTML(value="")
        self.widget.add_class(css_class)
        self.css_class = css_class
        self.text = ""
        self.level = ""

    def show(self, text: str, level: str = "error") -> None:
        self.text = str(text)
        self.level = level
        style = _LEVEL_STYLE.get(level, "")
        self.widget.value = (
            f'<div class="pk-msg-text {esc(self.css_class)}-{esc(level)}" '
            f'role="{"alert" if level == "error" else "status"}" style="{style}">'
            f"{esc(self.text)}</div>"
        )

    def error(self, text: str) -> None:
        self.show(text, "error")

    def warning(self, text: str) -> None:
        self.show(text, "warning")

    def info(self, text: str) -> None:
        self.show(text, "info")

    def clear(self) -> None:
        self.text = ""
        self.level = ""
        self.widget.value = ""

    @property
    def visible_text(self) -> str:
        return self.text


def guarded(area_getter: Callable[[Any], MessageArea], what: str = "update") -> Callable[[F], F]:
    """Decorate a widget-callback method: an unexpected exception is logged on the `partnerkit`
    logger (with traceback) and shown as one plain line in the component's message area.
    `area_getter(self)` returns that MessageArea."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, *args, **kwargs)
            except Exception as exc:
                log.exception("partnerkit widget %s failed", what)
                try:
                    area_getter(self).error(
                        f"Something went wrong during {what}: {type(exc).__name__}: {exc}. "
                        "Check the inputs; details are in the log."
                    )
                except Exception:  # the message area itself is broken: log only
                    log.exception("could not show the error message")
                return None

        return wrapper  # type: ignore[return-value]

    return decorate

"""The dashboard's small front-end helper (issue 11), an anywidget: menu buttons for the row
Actions, Esc / click-elsewhere to close panels, focus moves and the URL kept in step with the view.

Its JavaScript (bridge.js, beside this file) is loaded from the package, never from a CDN. The
widget itself draws nothing; it listens on the page and talks to the kernel with messages:
`{"type": "action", "action": ..., "client": ...}`, `{"type": "escape"}`, `{"type": "outside"}`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

ESM = Path(__file__).with_name("bridge.js")


def attribute_selector(attr: str, value: str) -> str:
    """A CSS attribute selector matching `value` exactly, whatever characters it holds."""
    quoted = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'[{attr}="{quoted}"]'


class Bridge(anywidget.AnyWidget):  # type: ignore[misc]  # anywidget is untyped
    _esm = ESM
    query = traitlets.Unicode("").tag(sync=True)
    focus = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    # A file for the browser to save: {"name", "mime", "b64", "n"} (n makes a repeat a change).
    download = traitlets.Dict().tag(sync=True)
    print_count = traitlets.Int(0).tag(sync=True)  # +1: the browser opens its print dialog

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._handlers: dict[str, Callable[[dict[str, Any]], None]] = {}
        self._focus_count = 0
        self.on_msg(self._received)
        self.add_class("pk-bridge")

    def on(self, kind: str, handler: Callable[[dict[str, Any]], None]) -> None:
        self._handlers[kind] = handler

    def _received(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        handler = self._handlers.get(str(content.get("type", "")))
        if handler is not None:
            handler(content)

    def move_focus(self, selector: str) -> None:
        """Focus the first visible element matching `selector` once it is drawn."""
        self._focus_count += 1
        self.focus = f"{selector}\n{self._focus_count}"

    def send_file(self, name: str, mime: str, b64: str) -> None:
        n = int(self.download.get("n", 0)) + 1
        self.download = {"name": name, "mime": mime, "b64": b64, "n": n}

    def print_page(self) -> None:
        self.print_count += 1

    def receive(self, content: dict[str, Any]) -> None:
        """What a browser message does (tests call it to stand in for the browser)."""
        self._received(self, content, [])

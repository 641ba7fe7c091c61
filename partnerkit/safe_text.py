"""Text that is safe to store and to print (issue 15, item 2; pure: no I/O).

- `check_text` refuses C0/C1 control characters and DEL in entered or imported text (a tab in free
  text is normalised to a space): an escape sequence in a client's name must never reach a
  terminal, a report or PostgreSQL (which refuses NUL, where SQLite took it).
- `check_id` is the one rule for partner ids on every database: 1-64 of `a-z 0-9 _ -`.
- `terminal_safe` escapes what got through anyway (older databases, file names, arguments) on every
  terminal output, as `\\u001b` (also valid inside a JSON string).
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls; and the bidirectional overrides that can make
# a terminal line read differently from what it holds (escaped on output only).
_STORED_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_PRINTED_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ID_PATTERN = re.compile(r"[a-z0-9_-]{1,64}")
ID_MAX = 64


def control_in(text: str) -> str | None:
    """The first control character (C0 but tab, DEL, C1) in `text` as U+XXXX, or None."""
    found = _STORED_CONTROLS.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def check_text(text: str, what: str, *, free_text: bool = False) -> str:
    """`text` if it holds no control character (tabs become spaces in free text); else a
    ValueError naming `what` and the character."""
    if free_text:
        text = text.replace("\t", " ")
    bad = control_in(text) or (None if free_text or "\t" not in text else "U+0009")
    if bad:
        kind = "a NUL byte" if bad == "U+0000" else f"a control character ({bad})"
        raise ValueError(f"{what} contains {kind}; remove it and try again")
    return text


def check_id(text: str, what: str = "partner id") -> str:
    """A partner id: 1-64 characters of a-z, 0-9, '_' and '-' (the same on every database)."""
    if not ID_PATTERN.fullmatch(text):
        if not text.strip():
            problem = "is empty"
        elif len(text) > ID_MAX:
            problem = f"has {len(text)} characters (at most {ID_MAX})"
        else:
            problem = f"{terminal_safe(repr(text))} has characters other than a-z, 0-9, _ and -"
        raise ValueError(f"{what} {problem}; use a short id such as acme-pt")
    return text


def terminal_safe(text: str) -> str:
    """`text` with control characters (but tab and newline) and bidi overrides shown escaped."""
    return _PRINTED_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

"""Where a report lives: reports/<YYYY-MM>/<safe-partner-slug>.{ipynb,html,pdf,json} (F5.1).

Partner ids and names come from data: whatever they contain (`../`, slashes, NUL, unicode,
Windows device names), the slug is a plain ASCII file name and the path stays under the output
root. Two different ids never share a slug (a short hash is added whenever the id is not already
a clean slug).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from partnerkit.reports.params import Month

MAX_SLUG = 80
_CLEAN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_RESERVED = (
    {"con", "prn", "aux", "nul", "index"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)
SUFFIXES = ("ipynb", "html", "pdf", "json")


def safe_slug(partner_id: str) -> str:
    """A file-name-safe, unique slug for a partner id.

    'acme-lisbon' stays 'acme-lisbon'; anything else becomes its ASCII letters/digits joined by
    '-' plus '-' and 8 hex digits of the id's SHA-256 (so '../../etc' -> 'etc-<hash>').
    """
    raw = str(partner_id)
    if _CLEAN.match(raw) and raw not in _RESERVED:
        return raw
    ascii_ = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    stem = words[: MAX_SLUG - 9].strip("-")
    return f"{stem}-{digest}" if stem else f"partner-{digest}"


@dataclass(frozen=True)
class ReportPaths:
    root: Path
    month_dir: Path
    slug: str

    def file(self, suffix: str) -> Path:
        if suffix not in SUFFIXES:
            raise ValueError(f"unknown report file type {suffix!r}")
        return self.month_dir / f"{self.slug}.{suffix}"

    @property
    def files(self) -> dict[str, Path]:
        return {s: self.file(s) for s in SUFFIXES}


def report_paths(out_root: str | Path, month: Month, partner_id: str) -> ReportPaths:
    root = Path(out_root).resolve()
    month_dir = root / str(month)
    slug = safe_slug(partner_id)
    target = (month_dir / f"{slug}.json").resolve()
    # Belt and braces: the slug cannot contain a separator, but prove the path stays inside.
    if not target.is_relative_to(root) or target.parent != month_dir:
        raise ValueError(f"partner id {partner_id!r} would write outside {root}")
    return ReportPaths(root=root, month_dir=month_dir, slug=slug)

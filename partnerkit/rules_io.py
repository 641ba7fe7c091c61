"""Load the shipped rules and a user's override file (the only rules code that touches files)."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from partnerkit import limits
from partnerkit.rules import Rulebook, RulesError, merge_rules, parse_rules

RULES_ENV = "PARTNERKIT_RULES"
SHIPPED_NAME = "program-rules.toml"


@lru_cache(maxsize=1)
def shipped_rules() -> Rulebook:
    text = resources.files("partnerkit.data").joinpath(SHIPPED_NAME).read_text("utf-8")
    return parse_rules(text, SHIPPED_NAME)


@lru_cache(maxsize=16)
def _load(path: str | None, mtime: float) -> Rulebook:
    base = shipped_rules()
    if path is None:
        return base
    p = Path(path)
    if not p.exists():
        raise RulesError([f"{path}: rules file not found"])
    try:
        text = limits.read_bounded(p, str(path)).decode("utf-8")
    except UnicodeDecodeError:
        raise RulesError([f"{path}: not UTF-8 text; save the rules file as UTF-8"]) from None
    except ValueError as e:  # a folder, unreadable, or over the file size limit
        raise RulesError([str(e)]) from None
    override = parse_rules(text, p.name, default_provenance="user", partial=True)
    return merge_rules(base, override)


def load_rules(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """The shipped rules, overridden by `path` or $PARTNERKIT_RULES when given."""
    chosen = os.fspath(path) if path else os.environ.get(RULES_ENV) or None
    mtime = Path(chosen).stat().st_mtime if chosen and Path(chosen).exists() else 0.0
    return _load(chosen, mtime)

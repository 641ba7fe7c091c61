"""Writes that never leave a half file (issue 15, item 5): the new content goes to a temporary file
beside the target, is flushed to disk (fsync) and renamed over the target in one step. A full
disk, a kill or an error leaves the previous file exactly as it was, and the caller is told.

A target that is not a regular file (a terminal, a pipe, /dev/stdout, /dev/full) is written
directly: it cannot be replaced, and renaming over a device would destroy it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


class EnvironmentFailure(RuntimeError):
    """The machine refused (disk full, permission, read-only filesystem...): exit status 1."""


def describe_os_error(e: OSError, what: str) -> str:
    """One line for an OSError, naming the file but never its content."""
    reason = e.strerror or type(e).__name__
    return f"cannot write {what}: {reason.lower()}"


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a path to write the new content to; on success it replaces `target` atomically.
    Any failure (including in the caller's writing) removes the temporary file and raises
    EnvironmentFailure for OSErrors, the original exception otherwise; `target` is unchanged."""
    p = Path(target)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise EnvironmentFailure(describe_os_error(e, str(p))) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise ValueError(f"{p} is a folder; give a file name (e.g. {p / 'export.csv'})")
    if mode is not None and not stat.S_ISREG(mode):
        try:
            yield p  # a device or a pipe: written in place
        except OSError as e:
            raise EnvironmentFailure(describe_os_error(e, str(p))) from None
        return
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        os.close(fd)
    except OSError as e:
        raise EnvironmentFailure(describe_os_error(e, f"into the folder {p.parent}")) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
        _fsync_folder(p.parent)
    except OSError as e:
        raise EnvironmentFailure(
            describe_os_error(e, str(p)) + "; the previous file (if any) is unchanged"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

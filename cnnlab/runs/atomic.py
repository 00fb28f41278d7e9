"""Write files so a reader never sees half of one: a crash leaves the old file or the new one.

Each write goes to a temporary file in the same directory (so the rename never crosses file
systems), is flushed and fsync'ed, and then `os.replace`s the target, which POSIX and Windows
both make atomic. Temporary names start with "." and end with ".tmp", so listings skip them.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

TMP_SUFFIX = ".tmp"
FILE_MODE = 0o644
DIR_MODE = 0o755


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace `path` with `data` in one step; returns the path."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TMP_SUFFIX)
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600; a run must be readable like any file
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise
    fsync_dir(target.parent)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Replace `path` with `text` in one step."""
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: str | os.PathLike[str], obj: Any, indent: int | None = 2) -> Path:
    """Replace `path` with `obj` as JSON; NaN and infinity are refused so the file stays portable."""
    return atomic_write_text(path, json.dumps(obj, indent=indent, allow_nan=False) + "\n")


def atomic_replace_from(tmp: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Move a finished temporary file (written by someone else, e.g. Keras) onto `path`."""
    target = Path(path)
    with open(tmp, "rb+") as handle:  # make its bytes durable before it gets the real name
        os.fsync(handle.fileno())
        os.fchmod(handle.fileno(), FILE_MODE)
    os.replace(tmp, target)
    fsync_dir(target.parent)
    return target


def temp_path(directory: Path, name: str, suffix: str = "") -> Path:
    """A fresh hidden name in `directory` for a file another library writes; caller replaces it."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=TMP_SUFFIX + suffix)
    os.close(fd)
    return Path(tmp)


def is_temp_name(name: str) -> bool:
    """True for the hidden temporary names this module makes."""
    return name.startswith(".") and TMP_SUFFIX in name


def fsync_dir(directory: str | os.PathLike[str]) -> None:
    """Make a rename durable by syncing its directory (a no-op where the OS cannot)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: str | os.PathLike[str]) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

"""One module per `python -m cnnlab` command, plus the file reading they share."""

from __future__ import annotations

import sys
from pathlib import Path

from cnnlab.errors import LabError


def read_text(path: str, what: str) -> str:
    """The file's text ('-' is standard input); an unreadable file becomes a LabError."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LabError(f"Cannot read the {what} file {path!r}: {reason}.") from None

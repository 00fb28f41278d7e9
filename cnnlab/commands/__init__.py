"""One module per `python -m cnnlab` command, plus the file reading they share."""

from __future__ import annotations

import sys
from pathlib import Path

from cnnlab.errors import LabError
from cnnlab.i18n import _


def read_text(path: str, what: str) -> str:
    """The file's text ('-' is standard input); an unreadable file becomes a LabError."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LabError(_("Cannot read the {what} file {path}: {reason}.").format(
            what=_(what), path=repr(path), reason=reason)) from None


def cannot_read(path: str, exc: OSError) -> str:
    """Why a run folder or file given on the command line cannot be read."""
    return _("cannot read {path}: {reason}.").format(path=repr(path), reason=exc.strerror or exc)

"""Lab codes: the random, unguessable name of one student's workspace (their designs and runs).

A lab code travels in the page URL (?lab=...), so a student who closes the tab comes back to
their runs by reopening the bookmark, and two students never share a workspace by accident.
"""

from __future__ import annotations

import re
import secrets

_LAB_CODE = re.compile(r"[A-Za-z0-9_-]{12,64}")


def new_lab_code() -> str:
    """A fresh code with 96 random bits, safe to use as a folder name."""
    return secrets.token_urlsafe(12)


def is_lab_code(value: object) -> bool:
    """True for a well-formed code; anything else (a path, an empty string) is refused."""
    return isinstance(value, str) and _LAB_CODE.fullmatch(value) is not None

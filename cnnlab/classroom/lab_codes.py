"""Lab codes: the random, unguessable name of one student's workspace (their designs and runs).

A lab code travels in the page URL (?lab=...), so a student who closes the tab comes back to
their runs by reopening the bookmark, and two students never share a workspace by accident.

New codes look like `k3m9-x7qp-2hvd-8wz4-q7`: 16 random characters (80 bits) from Crockford's
base-32 alphabet (no i, l, o, u, so nothing reads as 1 or 0), then two check characters. The
check catches every single mistyped character and every swap of two neighbours, so a mistyped
code is recognised as mistyped instead of silently opening somebody else's (or an empty)
workspace. The server also keeps a registry of the codes it issued (one empty marker file
per code under `<runs_dir>/.lab_codes/`, written atomically), and refuses any other code.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from pathlib import Path

from cnnlab.errors import LabError
from cnnlab.i18n import _, sentences
from cnnlab.runs.atomic import atomic_write_text

_LAB_CODE = re.compile(r"[A-Za-z0-9_-]{12,64}")  # any code that is safe as a folder name
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32, lower case
_TYPO = str.maketrans({"i": "1", "l": "1", "o": "0", "u": "v"})  # what a reader mistakes
BODY = 16
CHECK_PRIME = 1021  # < 32 ** 2, so the check fits in two characters
REGISTRY = ".lab_codes"
MAX_INPUT = 100  # anything longer is not a lab code and is not echoed back


def new_lab_code() -> str:
    """A fresh code: 80 random bits and two check characters, grouped by four for reading."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    return _group(body + _check(body))


def is_lab_code(value: object) -> bool:
    """True for a well-formed, folder-safe code; anything else (a path, '') is refused."""
    return isinstance(value, str) and _LAB_CODE.fullmatch(value) is not None


def normalize(value: str) -> str:
    """A typed code as the server writes it: lower case, i/l as 1, o as 0, spaces as nothing."""
    return value.strip().lower().replace(" ", "").translate(_TYPO)


def has_valid_check(code: str) -> bool:
    """True when `code` is in the new format and its check characters match its body."""
    plain = code.replace("-", "")
    if len(plain) != BODY + 2 or any(ch not in ALPHABET for ch in plain):
        return False
    return _group(plain) == code and plain[BODY:] == _check(plain[:BODY])


def issue(runs_dir: Path) -> str:
    """A new code, recorded in the registry so this server accepts it from now on."""
    code = new_lab_code()
    folder = Path(runs_dir) / REGISTRY
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / code, datetime.now(timezone.utc).isoformat() + "\n")
    return code


def is_issued(runs_dir: Path, code: str) -> bool:
    """True for a code this server issued, or one whose workspace folder already exists
    (a code from before the registry, whose runs must stay reachable)."""
    if not is_lab_code(code):
        return False
    root = Path(runs_dir)
    return (root / REGISTRY / code).is_file() or (root / code).is_dir()


def check_known(runs_dir: Path, typed: object) -> str:
    """The workspace code for what a student typed or bookmarked, or a LabError saying why not.

    A code with a wrong check part is called mistyped; a well-formed code the server never
    issued is called unknown; both messages give the way back.
    """
    way_back = _("Check the address you bookmarked, or start a new workspace.")
    if not isinstance(typed, str) or not typed.strip():
        raise LabError(sentences(_("This address has no lab code."), way_back))
    if len(typed) > MAX_INPUT:
        raise LabError(sentences(_("This lab code is far too long to be one of ours."), way_back))
    if is_issued(runs_dir, typed.strip()):
        return typed.strip()
    code = normalize(typed)
    plain = code.replace("-", "")
    if len(plain) == BODY + 2 and all(ch in ALPHABET for ch in plain):
        code = _group(plain)
        if not has_valid_check(code):
            raise LabError(sentences(_("The lab code {code} looks mistyped: its last two "
                                       "characters do not match the rest.").format(code=code),
                                     way_back))
    if is_issued(runs_dir, code):
        return code
    if is_lab_code(code):
        raise LabError(_("The lab code {code} is not known here: check it, or start a new "
                         "workspace.").format(code=code))
    raise LabError(_("The lab code in this address is not known here: check it, or start a new "
                     "workspace."))


def _check(body: str) -> str:
    """Two check characters: a weighted sum modulo a prime (weights 1..16, all distinct)."""
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body)) % CHECK_PRIME
    return ALPHABET[total // 32] + ALPHABET[total % 32]


def _group(plain: str) -> str:
    return "-".join(plain[i:i + 4] for i in range(0, len(plain), 4))

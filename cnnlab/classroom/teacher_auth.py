"""The teacher's password: stored only as a salted scrypt hash, checked in constant time, and
slowed down after repeated failures.

The hash comes from `python -m cnnlab teacher-password` and goes into classroom.toml
(`teacher_password_hash`) or CNNLAB_TEACHER_PASSWORD_HASH; the password itself is never stored.
Every try is recorded in the classroom database by client (the lab code of the browser that
tried), so the lock-out holds across web processes and restarts. A student who makes new lab
codes to guess faster meets the class-wide limit instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select

from cnnlab.classroom.db.engine import Database
from cnnlab.classroom.db.models import LoginAttempt
from cnnlab.errors import LabError
from cnnlab.i18n import _

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # about 16 MB and 30-60 ms per check: cheap for one login, dear for guessing
MIN_LENGTH = 10
FREE_FAILURES = 3  # wrong passwords a client may type before it has to wait
WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
MAX_WAIT_S = 15 * 60
CLASS_FAILURES = 30  # failures from all clients in WINDOW before everyone waits


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash`, both base64: what goes into the settings."""
    if len(password) < MIN_LENGTH:
        raise LabError(_("The teacher's password must have at least {n} characters; choose a "
                         "longer one.").format(n=MIN_LENGTH))
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return "$".join((SCHEME, str(N), str(R), str(P), _b64(salt), _b64(digest)))


def check_password(password: str, stored: str | None) -> bool:
    """True when `password` matches the stored hash; a missing or malformed hash matches nothing."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt, validate=True),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str  # what the page says
    wait_s: int = 0  # seconds before this client may try again


def wait_seconds(failures: int) -> int:
    """0 for the first FREE_FAILURES, then 30 s, 60 s, 120 s, ... up to MAX_WAIT_S."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_WAIT_S, 30 * 2 ** (failures - FREE_FAILURES))


def seconds_to_wait(db: Database, client: str, now: datetime | None = None) -> int:
    """How long `client` must wait before its next try (0 = may try now)."""
    now = now or datetime.now(timezone.utc)
    since = now - WINDOW
    with db.session() as s:
        mine = s.scalars(select(LoginAttempt.at).where(
            LoginAttempt.client == client, LoginAttempt.ok.is_(False), LoginAttempt.at >= since)
            .order_by(LoginAttempt.at.desc())).all()
        everyone = s.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.ok.is_(False), LoginAttempt.at >= since))
    wait = 0
    if mine:
        last = _aware(mine[0])
        wait = wait_seconds(len(mine)) - int((now - last).total_seconds())
    if everyone >= CLASS_FAILURES:
        wait = max(wait, 60)
    return max(0, wait)


def attempt_login(db: Database, client: str, password: str, stored_hash: str | None,
                  now: datetime | None = None) -> LoginResult:
    """Check one try: refused unheard while the client must wait, recorded either way."""
    if not stored_hash:
        return LoginResult(False, _("No teacher password is set on this server. The teacher "
                                    "sets one with `python -m cnnlab teacher-password`."))
    now = now or datetime.now(timezone.utc)
    wait = seconds_to_wait(db, client, now)
    if wait:
        return LoginResult(False, _("Too many wrong passwords: wait {seconds} s before trying "
                                    "again.").format(seconds=wait), wait)
    ok = check_password(password, stored_hash)
    with db.session.begin() as s:
        s.add(LoginAttempt(client=client[:64], ok=ok, at=now))
        if ok:  # a right password forgives this client's earlier mistakes
            s.execute(delete(LoginAttempt).where(LoginAttempt.client == client,
                                                 LoginAttempt.ok.is_(False)))
    if ok:
        return LoginResult(True, _("Welcome, teacher."))
    wait = seconds_to_wait(db, client, now)
    message = (_("That is not the teacher's password. Wait {seconds} s before trying "
                 "again.").format(seconds=wait) if wait
               else _("That is not the teacher's password."))
    return LoginResult(False, message, wait)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

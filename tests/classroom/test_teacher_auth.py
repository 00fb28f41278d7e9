"""The teacher's password: hashed with a salt, checked in constant time, guessing slowed down."""

from datetime import datetime, timedelta, timezone

import pytest

from cnnlab.classroom import teacher_auth as auth
from cnnlab.errors import LabError

PASSWORD = "correct horse battery"
HASH = auth.hash_password(PASSWORD, salt=b"0123456789abcdef")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def test_hash_is_salted_and_checks():
    assert auth.check_password(PASSWORD, HASH)
    assert not auth.check_password(PASSWORD + "!", HASH)
    assert PASSWORD not in HASH and HASH.startswith("scrypt$")
    assert auth.hash_password(PASSWORD) != auth.hash_password(PASSWORD)  # fresh salt each time


@pytest.mark.parametrize("stored", [None, "", "md5$abc", "scrypt$1$2$3$!!$??", "nonsense"])
def test_missing_or_malformed_hash_matches_nothing(stored):
    assert not auth.check_password(PASSWORD, stored)


def test_short_password_refused():
    with pytest.raises(LabError, match="at least 10 characters"):
        auth.hash_password("short")


def test_waits_grow_after_free_failures():
    assert [auth.wait_seconds(n) for n in range(6)] == [0, 0, 0, 30, 60, 120]
    assert auth.wait_seconds(50) == auth.MAX_WAIT_S


def test_repeated_failures_lock_the_client_out(db):
    for i in range(auth.FREE_FAILURES):
        result = auth.attempt_login(db, "student-aaaaaaaa", "guess", HASH, now=T0)
        assert not result.ok
    assert result.wait_s == 30 and "wait 30 s" in result.message.lower()
    # even the right password is refused unheard while the client must wait
    locked = auth.attempt_login(db, "student-aaaaaaaa", PASSWORD, HASH, now=T0 + timedelta(seconds=5))
    assert not locked.ok and locked.wait_s == 25
    # another client is not locked out by this one
    assert auth.attempt_login(db, "teacher-bbbbbbbb", PASSWORD, HASH, now=T0).ok
    # after the wait, the right password works and forgives the failures
    later = T0 + timedelta(seconds=31)
    assert auth.attempt_login(db, "student-aaaaaaaa", PASSWORD, HASH, now=later).ok
    assert auth.seconds_to_wait(db, "student-aaaaaaaa", later) == 0


def test_failures_are_forgotten_after_the_window(db):
    for _ in range(auth.FREE_FAILURES + 1):
        auth.attempt_login(db, "c" * 12, "guess", HASH, now=T0)
    assert auth.seconds_to_wait(db, "c" * 12, T0) > 0
    assert auth.seconds_to_wait(db, "c" * 12, T0 + auth.WINDOW + timedelta(seconds=1)) == 0


def test_many_clients_guessing_slows_everyone(db):
    for i in range(auth.CLASS_FAILURES):
        auth.attempt_login(db, f"client-{i:06d}", "guess", HASH, now=T0)
    assert auth.seconds_to_wait(db, "fresh-client-1", T0) == 60


def test_no_password_set_keeps_the_page_shut(db):
    result = auth.attempt_login(db, "c" * 12, "", None)
    assert not result.ok and "teacher-password" in result.message


def test_cli_prints_a_hash_that_checks(capsys, monkeypatch):
    import io

    from cnnlab.__main__ import main

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["teacher-password", "--stdin"]) == 0
    digest = capsys.readouterr().out.strip()
    assert auth.check_password(PASSWORD, digest)

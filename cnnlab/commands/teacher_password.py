"""`python -m cnnlab teacher-password`: make the hash of the teacher's password for the settings."""

from __future__ import annotations

import argparse
import getpass
import sys

from cnnlab.i18n import N_, _

HELP = N_("print the hash of a teacher's password, for classroom.toml or CNNLAB_TEACHER_PASSWORD_HASH")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin", action="store_true",
                        help=_("read the password from standard input instead of asking twice"))


def run(args: argparse.Namespace) -> int:
    from cnnlab.classroom.teacher_auth import hash_password
    from cnnlab.errors import LabError

    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(_("Teacher's password: "))
        if getpass.getpass(_("Again: ")) != password:
            print(_("The two passwords differ; nothing was made."), file=sys.stderr)
            return 2
    try:
        digest = hash_password(password)
    except LabError as err:
        print(err, file=sys.stderr)
        return 2
    print(digest)
    print("\n" + _("Put it into classroom.toml under [server] as\n"
                   '  teacher_password_hash = "{digest}"\n'
                   "or into the environment as CNNLAB_TEACHER_PASSWORD_HASH='{digest}'.").format(
                       digest=digest), file=sys.stderr)
    return 0

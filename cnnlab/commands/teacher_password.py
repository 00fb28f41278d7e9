"""`python -m cnnlab teacher-password`: make the hash of the teacher's password for the settings."""

from __future__ import annotations

import argparse
import getpass
import sys

HELP = "print the hash of a teacher's password, for classroom.toml or CNNLAB_TEACHER_PASSWORD_HASH"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdin", action="store_true",
                        help="read the password from standard input instead of asking twice")


def run(args: argparse.Namespace) -> int:
    from cnnlab.classroom.teacher_auth import hash_password
    from cnnlab.errors import LabError

    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Teacher's password: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords differ; nothing was made.", file=sys.stderr)
            return 2
    try:
        digest = hash_password(password)
    except LabError as err:
        print(err, file=sys.stderr)
        return 2
    print(digest)
    print("\nPut it into classroom.toml under [server] as\n"
          f'  teacher_password_hash = "{digest}"\n'
          f"or into the environment as CNNLAB_TEACHER_PASSWORD_HASH='{digest}'.", file=sys.stderr)
    return 0

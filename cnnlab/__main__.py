"""`python -m cnnlab COMMAND ...`: the command line, one module per command in cnnlab.commands."""

from __future__ import annotations

import argparse
import importlib
import sys

from cnnlab.errors import LabError

# Each command module defines `HELP`, `add_arguments(parser)` and `run(args) -> int`.
COMMANDS = ("summary", "presets", "preset", "code", "train", "evaluate", "predict", "worker",
            "robustness", "teacher-password")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cnnlab", description="CNN Lab command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"cnnlab.commands.{name.replace('-', '_')}")
        except ModuleNotFoundError:
            continue  # a command not written yet
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    args = parser.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except LabError as err:  # the one place a friendly error becomes a message and exit 2
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

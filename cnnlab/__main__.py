"""`python -m cnnlab COMMAND ...`: the command line, one module per command in cnnlab.commands.

Its messages (help, progress, errors) are in Chinese or English: `--lang zh|en` anywhere on the
command line, else the environment by gettext's rules (LANGUAGE, LC_ALL, LC_MESSAGES, LANG),
else English. argparse's own words ("usage:", "options:") stay as Python ships them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cnnlab import i18n
from cnnlab.errors import LabError
from cnnlab.i18n import _

# Each command module defines `HELP`, `add_arguments(parser)` and `run(args) -> int`.
COMMANDS = ("summary", "presets", "preset", "code", "train", "evaluate", "predict", "worker",
            "robustness", "teacher-password")


def main(argv: list[str] | None = None) -> int:
    argv, lang = take_language(sys.argv[1:] if argv is None else list(argv))
    with i18n.using(lang or i18n.from_environment()):
        return _main(argv)


def take_language(argv: list[str]) -> tuple[list[str], str | None]:
    """The arguments without `--lang X` / `--lang=X` (read before the parser is built, so that
    its help is in that language too), and X."""
    rest, lang, args = [], None, iter(argv)
    for arg in args:
        if arg == "--lang":
            lang = next(args, None)
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if lang is not None and lang not in i18n.LANGUAGES:
        rest.insert(0, f"--lang={lang}")  # the parser refuses it, naming the choices
    return rest, lang


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m cnnlab",
                                     description=_("CNN Lab command line."))
    parser.add_argument("--lang", choices=list(i18n.LANGUAGES),
                        help=_("the language of the messages (default: from LANGUAGE or LANG, "
                               "else English)"))
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"cnnlab.commands.{name.replace('-', '_')}")
        except ModuleNotFoundError:
            continue  # a command not written yet
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=_(module.HELP),
                                            description=_(module.HELP)))
    args = parser.parse_args(argv)
    try:
        return modules[args.command].run(args)
    except LabError as err:  # the one place a friendly error becomes a message and exit 2
        print(_("error: {message}").format(message=err), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

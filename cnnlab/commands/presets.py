"""`python -m cnnlab presets`: list the ready-made designs a student can start from."""

from __future__ import annotations

import argparse

from cnnlab.i18n import N_, _

HELP = N_("List the preset designs (key and title); show one with `python -m cnnlab preset KEY`.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", action="store_true", help=_("also show each preset's parameter count"))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with one line per preset: key, title (and parameters)."""
    from cnnlab.design.arithmetic import analyze
    from cnnlab.design.presets import PRESETS

    width = max(len(key) for key in PRESETS)
    for key, preset in PRESETS.items():
        extra = ("  (" + _("{n} parameters").format(n=f"{analyze(preset.arch).total_params:,}")
                 + ")") if args.params else ""
        print(f"{key.ljust(width)}  {_(preset.title)}{extra}")
    return 0

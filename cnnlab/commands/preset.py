"""`python -m cnnlab preset KEY`: print a preset design as JSON, ready to save, edit and load."""

from __future__ import annotations

import argparse
import sys

from cnnlab.i18n import N_, _


HELP = N_("Print one preset design as JSON (save it with `> design.json`); --explain describes it.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", help=_("the preset's key, as `python -m cnnlab presets` lists it"))
    parser.add_argument("--explain", action="store_true",
                        help=_("print its title and what it teaches on stderr as well"))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the design's JSON on stdout, or 2 (unknown key) with the names on stderr."""
    from cnnlab.design.presets import get_preset

    preset = get_preset(args.key)  # a LabError becomes exit 2 in cnnlab.__main__
    if args.explain:
        print(f"{_(preset.title)}\n{_(preset.explanation)}", file=sys.stderr)
    print(preset.arch.to_json())
    return 0

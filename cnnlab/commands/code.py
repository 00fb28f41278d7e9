"""`python -m cnnlab code DESIGN.json`: print the design as a runnable Keras training script."""

from __future__ import annotations

import argparse
import json
import sys

from cnnlab.codegen.generate import STYLES, generate_script
from cnnlab.commands import read_text
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _
from cnnlab.design.spec import Architecture

HELP = N_("Print a complete Keras script that builds, trains and evaluates a design on MNIST.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("design", help=_("the design's JSON file (as exported), or - for stdin"))
    parser.add_argument("--style", choices=STYLES, default="sequential",
                        help=_("keras.Sequential list or functional calls (default: sequential; "
                               "a design with a ResidualBlock is always functional)"))
    parser.add_argument("--data-path", metavar="DIR",
                        help=_("load MNIST's four .gz IDX files from DIR instead of Keras' download"))
    parser.add_argument("--config", metavar="FILE",
                        help=_('training settings as JSON, e.g. {"epochs": 5, "optimizer": "sgd"}'))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the script on stdout; a LabError becomes exit 2 in cnnlab.__main__."""
    arch = Architecture.from_json(read_text(args.design, N_("design")))
    config = None
    if args.config:
        try:
            config = json.loads(read_text(args.config, N_("settings")))
        except json.JSONDecodeError as exc:
            raise LabError(_("The settings file is not valid JSON ({error}).").format(
                error=exc)) from None
    sys.stdout.write(generate_script(arch, args.style, config, args.data_path))
    return 0

"""`python -m cnnlab summary DESIGN.json`: the per-layer table with the arithmetic shown, like model.summary()."""

from __future__ import annotations

import argparse
import json

from cnnlab.design.arithmetic import Summary
from cnnlab.commands import read_text
from cnnlab.i18n import N_, _
from cnnlab.text import ASCII, byte_text, dims
from cnnlab.design.spec import Architecture

HELP = N_("Print a design's layers with output shapes, parameter counts and the formulas behind "
          "them, receptive fields, multiply-adds and totals (no TensorFlow needed).")
_COLUMNS = ("#", "Layer (type)", "Output shape", "Param #", "Receptive field", "MACs")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("design", help=_("the design's JSON file (as exported), or - for stdin"))
    parser.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    parser.add_argument("--no-formulas", action="store_true",
                        help=_("leave out the formula lines under each layer"))


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the summary on stdout; a LabError becomes exit 2 in cnnlab.__main__."""
    from cnnlab.classroom.settings import load_settings
    from cnnlab.classroom.caps import check

    arch = Architecture.from_json(read_text(args.design, N_("design")))
    summary = check(arch, load_settings().limits)
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(render_table(summary, formulas=not args.no_formulas))
    return 0


def render_table(summary: Summary, formulas: bool = True) -> str:
    """A fixed-width text table; with `formulas`, each layer's arithmetic on the lines below it."""
    rows = [[str(s.position), f"{s.name} ({s.type})", str(s.output_shape), f"{s.params:,}",
             f"{s.receptive_field[0]}x{s.receptive_field[1]}", f"{s.macs:,}"]
            for s in summary.layers]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(_COLUMNS)]

    def line(cells: list[str] | tuple[str, ...]) -> str:
        return "  ".join(c.rjust(w) if i in (0, 3, 5) else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "-" * len(line(_COLUMNS))
    shape = dims(summary.input_shape, ASCII)
    out = [f'Model: "cnnlab_model"   input: {shape}', rule, line(_COLUMNS), rule]
    for stats, row in zip(summary.layers, rows):
        out.append(line(row))
        if formulas:
            out.append(f"      params: {stats.param_formula}")
            out.append(f"      shape:  {stats.shape_formula}")
    out += [rule,
            f"Total params: {summary.total_params:,}",
            f"Trainable params: {summary.trainable_params:,}",
            f"Non-trainable params: {summary.non_trainable_params:,}",
            f"Multiply-adds per image: {summary.total_macs:,}",
            "Activation memory per image (float32): "
            f"{byte_text(summary.total_activation_bytes)} ({summary.total_activation_bytes:,} bytes)",
            rule]
    if summary.warnings:
        out.append("Warnings:")
        out += [f"  - {w}" for w in summary.warnings]
    return "\n".join(out)


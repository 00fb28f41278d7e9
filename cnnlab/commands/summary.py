"""`python -m cnnlab summary DESIGN.json`: the per-layer table with the arithmetic shown, like model.summary()."""

from __future__ import annotations

import argparse
import json

from cnnlab.design.arithmetic import Summary
from cnnlab.commands import read_text
from cnnlab.i18n import N_, _
from cnnlab.text import ASCII, byte_text, dims, display_width, pad
from cnnlab.design.spec import Architecture

HELP = N_("Print a design's layers with output shapes, parameter counts and the formulas behind "
          "them, receptive fields, multiply-adds and totals (no TensorFlow needed).")
_COLUMNS = ("#", N_("Layer (type)"), N_("Output shape"), N_("Param #"), N_("Receptive field"),
            N_("MACs"))
_RIGHT = (0, 3, 5)  # the numbers' columns


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
    columns = [_(c) for c in _COLUMNS]
    widths = [max(display_width(c), *(display_width(r[i]) for r in rows))
              for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, w, right=i in _RIGHT)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "-" * display_width(line(columns))
    shape = dims(summary.input_shape, ASCII)
    params, shape_label = _("params:"), _("shape:")
    label_width = max(display_width(params), display_width(shape_label))
    out = [_('Model: "cnnlab_model"   input: {shape}').format(shape=shape), rule, line(columns),
           rule]
    for stats, row in zip(summary.layers, rows):
        out.append(line(row))
        if formulas:
            out.append("      " + pad(params, label_width) + " " + stats.param_formula)
            out.append("      " + pad(shape_label, label_width) + " " + stats.shape_formula)
    activation = summary.total_activation_bytes
    out += [rule,
            _("Total params: {n}").format(n=f"{summary.total_params:,}"),
            _("Trainable params: {n}").format(n=f"{summary.trainable_params:,}"),
            _("Non-trainable params: {n}").format(n=f"{summary.non_trainable_params:,}"),
            _("Multiply-adds per image: {n}").format(n=f"{summary.total_macs:,}"),
            _("Activation memory per image (float32): {size} ({n} bytes)").format(
                size=byte_text(activation), n=f"{activation:,}"),
            rule]
    if summary.warnings:
        out.append(_("Warnings:"))
        out += [f"  - {w}" for w in summary.warnings]
    return "\n".join(out)


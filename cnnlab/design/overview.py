"""The student's design in one line and two numbers, for the Home page (no TensorFlow).

A student coming back should see at once which network they are working on, before they
open the Design page: its layers as a flow, its parameter count and what it outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnlab.design import spec
from cnnlab.design.arithmetic import analyze
from cnnlab.errors import LabError
from cnnlab.text import dims
from cnnlab.i18n import _, ngettext


@dataclass(frozen=True)
class Glance:
    """What Home shows; `error` is the friendly message when the design cannot be analysed."""

    flow: str  # e.g. "Conv2D 32 3x3 same → MaxPooling2D 2x2 → ... → Dense 10"
    n_layers: int
    total_params: int | None
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...] | None
    error: str | None = None


def shape_text(shape: tuple[int, ...]) -> str:
    """'28 × 28 × 1' for an image, '10 values' for a vector."""
    if len(shape) == 1:
        return ngettext("{n} value", "{n} values", shape[0]).format(n=f"{shape[0]:,}")
    return dims(shape)


def glance(arch: spec.Architecture) -> Glance:
    """The flow of layer labels plus analyze()'s totals (or its LabError message)."""
    flow = " → ".join(spec.describe(layer) for layer in arch.layers) or _("(no layers yet)")
    try:
        summary = analyze(arch)
    except LabError as err:
        return Glance(flow, len(arch.layers), None, tuple(arch.input_shape), None, str(err))
    return Glance(flow, len(arch.layers), summary.total_params, summary.input_shape,
                  summary.output_shape)

"""The exact per-layer shapes, parameters, receptive fields and costs of a design, without TensorFlow.

`analyze(arch)` is instant, so the Design page can redo it on every edit. Its numbers equal
what Keras reports for `cnnlab.training.build.build_model(arch)` (tests/design/test_arithmetic_vs_keras.py
checks this on random designs). A design Keras could not train on digit labels raises a
LabError naming the layer and the fix; a legal but doubtful design gets warnings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cnnlab.design import spec
from cnnlab.design.layers import Pair, Shape, Step
from cnnlab.design.layers.base import dims
from cnnlab.errors import LabError
from cnnlab.i18n import _

BYTES_PER_VALUE = 4  # float32


@dataclass(frozen=True)
class LayerStats:
    """One row of the arithmetic table; shapes have no batch axis."""

    position: int  # 1-based, as in the Keras name
    name: str  # Keras name, e.g. "conv2d_1"
    type: str  # spec type, e.g. "Conv2D"
    label: str  # layer.describe(), e.g. "Conv2D 32 3x3 valid"
    input_shape: Shape
    output_shape: Shape
    trainable_params: int
    non_trainable_params: int
    param_formula: str  # e.g. "32 x (3 x 3 x 1 + 1) = 320"
    shape_formula: str  # e.g. "out = floor((28 + 2*0 - 3) / 1) + 1 = 26, ..."
    receptive_field: Pair  # (h, w) input pixels one output value depends on (may exceed the image)
    jump: Pair  # (h, w) input pixels between neighbouring outputs (product of strides)
    macs: int  # multiply-adds of the convolution and Dense kernels per image (0 for the rest)
    activations: int  # number of output values per image
    activation_bytes: int  # their float32 size per image
    layer: spec.Layer | None = None  # the spec layer itself (its picture label and colour)

    @property
    def params(self) -> int:
        return self.trainable_params + self.non_trainable_params


@dataclass(frozen=True)
class Summary:
    """The whole table plus totals and advice."""

    input_shape: Shape
    layers: tuple[LayerStats, ...]
    total_params: int
    trainable_params: int
    non_trainable_params: int
    total_macs: int
    total_activation_bytes: int  # outputs of every layer, per image, float32
    warnings: tuple[str, ...]
    output_shape: Shape

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: shapes and pairs as lists."""
        rows = [{"position": s.position, "name": s.name, "type": s.type, "label": s.label,
                 "input_shape": list(s.input_shape), "output_shape": list(s.output_shape),
                 "params": s.params, "trainable_params": s.trainable_params,
                 "non_trainable_params": s.non_trainable_params,
                 "param_formula": s.param_formula, "shape_formula": s.shape_formula,
                 "receptive_field": list(s.receptive_field), "jump": list(s.jump),
                 "macs": s.macs, "activations": s.activations,
                 "activation_bytes": s.activation_bytes} for s in self.layers]
        return {"input_shape": list(self.input_shape), "layers": rows,
                "total_params": self.total_params, "trainable_params": self.trainable_params,
                "non_trainable_params": self.non_trainable_params, "total_macs": self.total_macs,
                "total_activation_bytes": self.total_activation_bytes,
                "output_shape": list(self.output_shape), "warnings": list(self.warnings)}


def analyze(arch: spec.Architecture) -> Summary:
    """Every layer's stats, or a LabError at the first layer that cannot follow the previous one."""
    from cnnlab.design.advice import design_warnings  # advice reads LayerStats, so import it late

    shape: Shape = tuple(arch.input_shape)
    rf, jump = (1, 1), (1, 1)
    made_vector: tuple[int, str] | None = None  # (position, label) of the layer that made a vector
    rows: list[LayerStats] = []
    for position, layer in enumerate(arch.layers, start=1):
        if len(shape) == 1:
            layer.check_input(position, shape, (
                _("layer {position} ({label}) turned it into a vector").format(
                    position=made_vector[0], label=made_vector[1])
                if made_vector else _("it is a vector")))
        step = layer.step(position, shape)
        rf, jump = _receptive_field(step, rf, jump, arch.input_shape)
        if len(step.output_shape) == 1 and made_vector is None:
            made_vector = (position, layer.describe())
        rows.append(_stats(position, layer, shape, step, rf, jump))
        shape = step.output_shape
    if len(shape) != 1:
        last = len(arch.layers)
        raise LabError(
            _("The network ends with a {shape} volume, but it must end with a vector of class "
              "scores, one per digit. Add a Flatten (or GlobalAveragePooling2D) before the final "
              "Dense layer.").format(shape=dims(shape)), layer=last)
    total_t = sum(r.trainable_params for r in rows)
    total_n = sum(r.non_trainable_params for r in rows)
    return Summary(
        input_shape=tuple(arch.input_shape), layers=tuple(rows),
        total_params=total_t + total_n, trainable_params=total_t, non_trainable_params=total_n,
        total_macs=sum(r.macs for r in rows),
        total_activation_bytes=sum(r.activation_bytes for r in rows),
        warnings=design_warnings(arch, tuple(rows)), output_shape=shape)


def _receptive_field(step: Step, rf: Pair, jump: Pair, input_shape: tuple[int, ...]
                     ) -> tuple[Pair, Pair]:
    """Standard recurrence per axis: rf += (k - 1) * jump, then jump *= stride."""
    for kernel, strides in step.windows:
        rf = (rf[0] + (kernel[0] - 1) * jump[0], rf[1] + (kernel[1] - 1) * jump[1])
        jump = (jump[0] * strides[0], jump[1] * strides[1])
    if step.mixes_all:  # each output depends on every input pixel
        rf = (max(rf[0], input_shape[0]), max(rf[1], input_shape[1]))
    return rf, jump


def _stats(position: int, layer: spec.Layer, shape: Shape, step: Step, rf: Pair,
           jump: Pair) -> LayerStats:
    values = math.prod(step.output_shape)
    return LayerStats(
        position=position, name=spec.layer_name(position, layer), type=layer.type,
        label=layer.describe(), input_shape=shape, output_shape=step.output_shape,
        trainable_params=step.trainable, non_trainable_params=step.non_trainable,
        param_formula=step.param_formula, shape_formula=step.shape_formula,
        receptive_field=rf, jump=jump, macs=step.macs, activations=values,
        activation_bytes=values * BYTES_PER_VALUE, layer=layer)

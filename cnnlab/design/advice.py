"""Warnings for designs Keras accepts but that will train badly (or not at all) on MNIST digits.

Warnings never block a design: a student may want to see what goes wrong. Each names the
layer, the reason, and what usually works instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnnlab.design import spec
from cnnlab.text import dims
from cnnlab.i18n import _
if TYPE_CHECKING:
    from cnnlab.design.arithmetic import LayerStats

MNIST_SHAPE = (28, 28, 1)
NUM_CLASSES = 10


def design_warnings(arch: spec.Architecture, rows: tuple["LayerStats", ...]) -> tuple[str, ...]:
    """Advice on the input, the classifier head and hidden layers, in layer order."""
    out: list[str] = []
    if tuple(arch.input_shape) != MNIST_SHAPE:
        out.append(_("The input is {shape}, but MNIST digits are 28x28x1: the arithmetic is "
                     "exact, but this design cannot be trained on MNIST here.").format(
            shape=_shape(arch.input_shape)))
    last_pos = len(arch.layers)
    for row, layer in zip(rows, arch.layers):
        where = _("Layer {position} ({label})").format(position=row.position, label=row.label)
        if isinstance(layer, spec.Dropout) and layer.rate == 0:
            out.append(_("{where}: a rate of 0 drops nothing, so this layer does nothing.").format(
                where=where))
        if row.position == last_pos:
            continue
        if getattr(layer, "activation", None) == "softmax":
            out.append(_("{where}: softmax in a hidden layer squeezes its outputs to sum to 1, "
                         "which throws information away; hidden layers usually use relu.").format(
                where=where))
        if isinstance(layer, spec.Dense) and len(row.input_shape) == 3:
            out.append(_("{where}: its input is a {shape} image, so it mixes the channels at each "
                         "pixel separately (like a 1x1 convolution), not the whole image. Put "
                         "Flatten before it if you meant a fully connected layer.").format(
                where=where, shape=_shape(row.input_shape)))
    out.extend(_head_warnings(arch.layers[-1], rows[-1]))
    return tuple(out)


def _head_warnings(layer: spec.Layer, row: "LayerStats") -> list[str]:
    """The last layer should be Dense(10, softmax): one probability per digit."""
    where = _("The last layer ({label})").format(label=row.label)
    if isinstance(layer, spec.Dropout):
        return [_("{where} is Dropout: it would randomly zero the predictions while training. "
                  "Put Dropout before the final Dense(10, activation='softmax').").format(
            where=where)]
    if not isinstance(layer, spec.Dense):
        if layer.makes_probabilities() and row.output_shape == (NUM_CLASSES,):
            return []  # e.g. Dense(10) then Activation("softmax"): Dense(10, softmax) in two steps
        return [_("{where} is not Dense: to classify the 10 digits, end with "
                  "Dense(10, activation='softmax').").format(where=where)]
    out = []
    if row.output_shape != (NUM_CLASSES,):
        out.append(_("{where} outputs {shape} values, but there are 10 digit classes (0-9): use "
                     "10 units.").format(where=where, shape=_shape(row.output_shape)))
    if layer.activation != "softmax":
        out.append(_("{where} uses activation '{activation}', not 'softmax': the loss (sparse "
                     "categorical cross-entropy) expects probabilities that sum to 1. Use "
                     "activation='softmax'.").format(where=where, activation=layer.activation))
    return out


def _shape(shape: tuple[int, ...]) -> str:
    return dims(shape, "x")

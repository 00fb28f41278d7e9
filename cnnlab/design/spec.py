"""The design a student edits: a frozen, validated layer stack that round-trips through JSON.

The JSON shape is a public interface (students export designs, teachers hand them out), so it
uses Keras' own layer and argument names. Omitted keys take Keras' defaults. This module only
checks each layer on its own (types, ranges, known keys); whether the stack fits together
(shapes, ordering) is `cnnlab.design.arithmetic`'s job, because it needs the shapes.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from cnnlab.design.layers import *  # noqa: F401,F403 - spec.Conv2D etc., as callers know them
from cnnlab.design.layers import ACTIVATIONS, BY_TYPE, PADDINGS, LayerType, Pair  # noqa: F401
from cnnlab.design.bounded_json import quoted, read_bounded_json
from cnnlab.errors import LabError
from cnnlab.i18n import _

# The layer types live in cnnlab.design.layers, one module each; spec only gathers them.
Layer = LayerType
LAYER_TYPES = BY_TYPE


@dataclass(frozen=True)
class Architecture:
    """A whole design: the input shape and the layer stack, the only input to arithmetic and building."""

    layers: tuple[Layer, ...]
    input_shape: tuple[int, int, int] = (28, 28, 1)  # MNIST: 28x28 pixels, one grey channel

    @classmethod
    def from_dict(cls, data: Any) -> "Architecture":
        """Parse and check the JSON-shaped dict; raise LabError naming the layer and the fix."""
        if not isinstance(data, dict):
            raise LabError(_("A design must be a JSON object with 'input_shape' and 'layers'."))
        unknown = set(data) - {"input_shape", "layers"}
        if unknown:
            raise LabError(_("Unknown top-level key(s) {keys}; a design has only 'input_shape' and "
                             "'layers'.").format(keys=quoted(sorted(unknown))))
        shape = data.get("input_shape", [28, 28, 1])
        if (not isinstance(shape, (list, tuple)) or len(shape) != 3
                or not all(_is_int(v) and v > 0 for v in shape)):
            raise LabError(_("input_shape must be three positive whole numbers [height, width, "
                             "channels], like [28, 28, 1]; got {value}.").format(
                                 value=quoted(shape)))
        raw_layers = data.get("layers")
        if not isinstance(raw_layers, list) or not raw_layers:
            raise LabError(_("'layers' must be a non-empty list of layers; add at least one "
                             "layer."))
        layers = tuple(parse_layer(raw, i) for i, raw in enumerate(raw_layers, start=1))
        return cls(layers=layers, input_shape=tuple(int(v) for v in shape))

    @classmethod
    def from_json(cls, text: str) -> "Architecture":
        """Parse a JSON string; malformed, too deep or too big JSON becomes a LabError."""
        return cls.from_dict(read_bounded_json(text))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape, with square pairs written as one int as a student would type them."""
        return {"input_shape": list(self.input_shape), "layers": [layer_to_dict(l) for l in self.layers]}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def replace_layer(self, index: int, layer: Layer) -> "Architecture":
        """A copy with the layer at 0-based `index` replaced."""
        layers = list(self.layers)
        layers[index] = layer
        return dataclasses.replace(self, layers=tuple(layers))


def layer_name(position: int, layer: Layer | type[Layer]) -> str:
    """The Keras name of the layer at 1-based `position`, e.g. 'conv2d_1', 'max_pooling2d_2'."""
    return f"{layer.keras_name}_{position}"


def describe(layer: Layer) -> str:
    """A short human label, e.g. 'Conv2D 3x3 valid' or 'Dense 128'."""
    return layer.describe()


def parse_layer(raw: Any, position: int) -> Layer:
    """Build one layer from its dict, checking every key and value."""
    where = _("Layer {position}").format(position=position)
    if not isinstance(raw, dict) or "type" not in raw:
        raise LabError(_("{where}: each layer must be an object with a 'type', such as "
                         "{example}.").format(
                             where=where,
                             example='{"type": "Conv2D", "filters": 32, "kernel_size": 3}'),
                       position)
    kind = raw["type"]
    cls = BY_TYPE.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise LabError(_("{where}: unknown layer type {value}; choose one of {choices}.").format(
            where=where, value=quoted(kind), choices=", ".join(BY_TYPE)), position)
    return cls.from_json_dict(raw, position)


def layer_to_dict(layer: Layer) -> dict[str, Any]:
    """The layer as JSON: its fields, square pairs collapsed to one int."""
    return layer.to_json_dict()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

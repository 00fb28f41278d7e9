"""The design a student edits: a frozen, validated layer stack that round-trips through JSON.

The JSON shape is a public interface (students export designs, teachers hand them out), so it
uses Keras' own layer and argument names. Omitted keys take Keras' defaults. This module only
checks each layer on its own (types, ranges, known keys); whether the stack fits together
(shapes, ordering) is `cnnlab.design.arithmetic`'s job, because it needs the shapes.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from cnnlab.errors import LabError

Pair = tuple[int, int]
PADDINGS = ("valid", "same")
# Activations offered by name; every one is a name Keras accepts.
ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "linear", "elu", "gelu", "swish")


@dataclass(frozen=True)
class Conv2D:
    """A convolution: `filters` kernels of `kernel_size`, each with a bias."""

    filters: int  # number of output channels
    kernel_size: Pair  # (height, width) of each kernel
    strides: Pair = (1, 1)  # step of the sliding window
    padding: str = "valid"  # "valid": no border; "same": zero border so out = ceil(in / stride)
    activation: str = "linear"  # Keras' default is no activation
    type: ClassVar[str] = "Conv2D"


@dataclass(frozen=True)
class MaxPooling2D:
    """Keeps the largest value of each window; no parameters."""

    pool_size: Pair = (2, 2)
    strides: Pair | None = None  # None: the pool size, as in Keras
    padding: str = "valid"
    type: ClassVar[str] = "MaxPooling2D"


@dataclass(frozen=True)
class AveragePooling2D:
    """Averages each window; no parameters."""

    pool_size: Pair = (2, 2)
    strides: Pair | None = None
    padding: str = "valid"
    type: ClassVar[str] = "AveragePooling2D"


@dataclass(frozen=True)
class Dropout:
    """Zeroes a random fraction `rate` of activations while training only."""

    rate: float
    type: ClassVar[str] = "Dropout"


@dataclass(frozen=True)
class BatchNormalization:
    """Normalizes each channel; gamma and beta train, the moving mean and variance do not."""

    type: ClassVar[str] = "BatchNormalization"


@dataclass(frozen=True)
class Flatten:
    """Unrolls a (H, W, C) volume into a vector of H*W*C numbers."""

    type: ClassVar[str] = "Flatten"


@dataclass(frozen=True)
class GlobalAveragePooling2D:
    """Averages each channel over the whole map: (H, W, C) -> (C,)."""

    type: ClassVar[str] = "GlobalAveragePooling2D"


@dataclass(frozen=True)
class Dense:
    """A fully connected layer; on a (H, W, C) input it acts on the last axis only."""

    units: int
    activation: str = "linear"
    type: ClassVar[str] = "Dense"


@dataclass(frozen=True)
class ResidualBlock:
    """A ResNet basic block (He et al., 2016), exactly:

    main:     Conv2D(filters, kernel_size, strides, "same", use_bias=False) -> BatchNorm -> ReLU
              -> Conv2D(filters, kernel_size, 1, "same", use_bias=False) -> BatchNorm
    shortcut: the input itself when strides == (1, 1) and the input has `filters` channels,
              else a projection Conv2D(filters, 1, strides, use_bias=False) -> BatchNorm
    output:   ReLU(main + shortcut)
    """

    filters: int
    kernel_size: Pair = (3, 3)
    strides: Pair = (1, 1)
    type: ClassVar[str] = "ResidualBlock"


Layer = Union[
    Conv2D, MaxPooling2D, AveragePooling2D, Dropout, BatchNormalization,
    Flatten, GlobalAveragePooling2D, Dense, ResidualBlock,
]
LAYER_TYPES: dict[str, type] = {
    cls.type: cls
    for cls in (Conv2D, MaxPooling2D, AveragePooling2D, Dropout, BatchNormalization,
                Flatten, GlobalAveragePooling2D, Dense, ResidualBlock)
}
_PAIR_KEYS = ("kernel_size", "strides", "pool_size")


@dataclass(frozen=True)
class Architecture:
    """A whole design: the input shape and the layer stack, the only input to arithmetic and building."""

    layers: tuple[Layer, ...]
    input_shape: tuple[int, int, int] = (28, 28, 1)  # MNIST: 28x28 pixels, one grey channel

    @classmethod
    def from_dict(cls, data: Any) -> "Architecture":
        """Parse and check the JSON-shaped dict; raise LabError naming the layer and the fix."""
        if not isinstance(data, dict):
            raise LabError("A design must be a JSON object with 'input_shape' and 'layers'.")
        unknown = set(data) - {"input_shape", "layers"}
        if unknown:
            raise LabError(f"Unknown top-level key(s) {sorted(unknown)}; a design has only "
                              "'input_shape' and 'layers'.")
        shape = data.get("input_shape", [28, 28, 1])
        if (not isinstance(shape, (list, tuple)) or len(shape) != 3
                or not all(_is_int(v) and v > 0 for v in shape)):
            raise LabError(f"input_shape must be three positive whole numbers [height, width, "
                              f"channels], like [28, 28, 1]; got {shape!r}.")
        raw_layers = data.get("layers")
        if not isinstance(raw_layers, list) or not raw_layers:
            raise LabError("'layers' must be a non-empty list of layers; add at least one layer.")
        layers = tuple(parse_layer(raw, i) for i, raw in enumerate(raw_layers, start=1))
        return cls(layers=layers, input_shape=tuple(int(v) for v in shape))

    @classmethod
    def from_json(cls, text: str) -> "Architecture":
        """Parse a JSON string; malformed JSON becomes a LabError, not a traceback."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            raise LabError(f"This is not valid JSON ({exc}). Check for a missing comma or "
                              "bracket, or export a design from the Design page.") from None
        return cls.from_dict(data)

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


def layer_name(position: int, layer: Layer) -> str:
    """The Keras name of the layer at 1-based `position`, e.g. 'conv2d_1', 'max_pooling2d_2'."""
    snake = {"Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d",
             "AveragePooling2D": "average_pooling2d", "Dropout": "dropout",
             "BatchNormalization": "batch_normalization", "Flatten": "flatten",
             "GlobalAveragePooling2D": "global_average_pooling2d", "Dense": "dense",
             "ResidualBlock": "residual_block"}[layer.type]
    return f"{snake}_{position}"


def describe(layer: Layer) -> str:
    """A short human label, e.g. 'Conv2D 3x3 valid' or 'Dense 128'."""
    def pair(p: Pair) -> str:
        return f"{p[0]}x{p[1]}"
    if isinstance(layer, Conv2D):
        stride = "" if layer.strides == (1, 1) else f" stride {pair(layer.strides)}"
        return f"Conv2D {layer.filters} {pair(layer.kernel_size)}{stride} {layer.padding}"
    if isinstance(layer, (MaxPooling2D, AveragePooling2D)):
        return f"{layer.type} {pair(layer.pool_size)}"
    if isinstance(layer, Dense):
        return f"Dense {layer.units}"
    if isinstance(layer, Dropout):
        return f"Dropout {layer.rate:g}"
    if isinstance(layer, ResidualBlock):
        return f"ResidualBlock {layer.filters} {pair(layer.kernel_size)} stride {pair(layer.strides)}"
    return layer.type


def parse_layer(raw: Any, position: int) -> Layer:
    """Build one layer from its dict, checking every key and value."""
    where = f"Layer {position}"
    if not isinstance(raw, dict) or "type" not in raw:
        raise LabError(f"{where}: each layer must be an object with a 'type', such as "
                          '{"type": "Conv2D", "filters": 32, "kernel_size": 3}.', position)
    kind = raw["type"]
    cls = LAYER_TYPES.get(kind)
    if cls is None:
        raise LabError(f"{where}: unknown layer type {kind!r}; choose one of "
                          f"{', '.join(LAYER_TYPES)}.", position)
    where = f"Layer {position} ({kind})"
    allowed = {f.name for f in dataclasses.fields(cls)}
    unknown = set(raw) - allowed - {"type"}
    if unknown:
        hint = f"allowed keys are {', '.join(sorted(allowed))}" if allowed else "it takes no keys"
        raise LabError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; {hint}.", position)
    missing = [f.name for f in dataclasses.fields(cls)
               if f.default is dataclasses.MISSING and f.name not in raw]
    if missing:
        raise LabError(f"{where}: missing {', '.join(missing)}; this layer needs it.", position)
    values = {}
    for key, value in raw.items():
        if key == "type":
            continue
        values[key] = _check_value(where, position, key, value)
    return cls(**values)


def layer_to_dict(layer: Layer) -> dict[str, Any]:
    """The layer as JSON: every field, square pairs collapsed to one int."""
    out: dict[str, Any] = {"type": layer.type}
    for f in dataclasses.fields(layer):
        value = getattr(layer, f.name)
        if value is None:
            continue  # an unset optional key, e.g. pooling strides that follow the pool size
        if isinstance(value, tuple):
            value = value[0] if value[0] == value[1] else list(value)
        out[f.name] = value
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_value(where: str, position: int, key: str, value: Any) -> Any:
    """Check one key's value and normalize it (pairs become tuples)."""
    if key in _PAIR_KEYS:
        if value is None and key == "strides":
            return None
        pair = (value, value) if _is_int(value) else value
        if (not isinstance(pair, (list, tuple)) or len(pair) != 2
                or not all(_is_int(v) for v in pair)):
            raise LabError(f"{where}: {key} must be a whole number or a [height, width] pair; "
                              f"got {value!r}.", position)
        if min(pair) < 1:
            raise LabError(f"{where}: {key} must be at least 1; got {value!r}.", position)
        return (int(pair[0]), int(pair[1]))
    if key in ("filters", "units"):
        if not _is_int(value) or value < 1:
            raise LabError(f"{where}: {key} must be a whole number of at least 1; got {value!r}.",
                              position)
        return value
    if key == "rate":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise LabError(f"{where}: rate must be a fraction from 0 up to (not including) 1, "
                              f"such as 0.25; got {value!r}.", position)
        return float(value)
    if key == "padding":
        if value not in PADDINGS:
            raise LabError(f"{where}: padding must be 'valid' (no border) or 'same' (keep the "
                              f"size); got {value!r}.", position)
        return value
    if key == "activation":
        value = "linear" if value is None else value
        if value not in ACTIVATIONS:
            raise LabError(f"{where}: unknown activation {value!r}; choose one of "
                              f"{', '.join(ACTIVATIONS)}.", position)
        return value
    raise LabError(f"{where}: unknown key {key!r}.", position)  # pragma: no cover

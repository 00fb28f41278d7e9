"""One spec layer as the line of Keras a textbook would print, with a comment on what it teaches.

Keras' defaults are left out (strides 1, padding "valid", no activation, pooling strides equal
to the pool size) and square pairs are written as one int, so only the student's choices show.
The comments' shapes and parameter counts come from `cnnlab.design.arithmetic`, which tests check
against Keras itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnnlab.design import spec
from cnnlab.training.build import needs_projection

if TYPE_CHECKING:
    from cnnlab.design.arithmetic import LayerStats

# The helper a design with skip connections gets, defined exactly as spec.ResidualBlock says.
RESIDUAL_HELPER = '''\
def residual_block(x, filters, kernel_size=3, strides=1):
    """A ResNet basic block (He et al., 2016): two convolutions, plus the input added back."""
    shortcut = x
    # main path: both convolutions use "same" padding, so only the stride shrinks the map
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)  # BatchNormalization's beta replaces the conv's bias
    x = layers.ReLU()(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    if strides != 1 or shortcut.shape[-1] != filters:
        # the shapes differ, so a 1x1 convolution projects the input to the main path's shape
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(shortcut)
        shortcut = layers.BatchNormalization()(shortcut)
    x = layers.add([x, shortcut])  # the skip connection: gradients flow straight through it
    return layers.ReLU()(x)
'''


def pair(value: spec.Pair) -> str:
    """A (h, w) pair as a student types it: `3` when square, else `(3, 5)`."""
    return str(value[0]) if value[0] == value[1] else f"({value[0]}, {value[1]})"


def layer_call(layer: spec.Layer) -> str:
    """The Keras call of a non-residual layer, e.g. `layers.Conv2D(32, 3, activation="relu")`."""
    args: list[str] = []
    if isinstance(layer, spec.Conv2D):
        args = [str(layer.filters), pair(layer.kernel_size)]
        args += _window_options(layer.strides, (1, 1), layer.padding)
        args += _activation(layer.activation)
    elif isinstance(layer, (spec.MaxPooling2D, spec.AveragePooling2D)):
        args = [pair(layer.pool_size)]
        args += _window_options(layer.strides or layer.pool_size, layer.pool_size, layer.padding)
    elif isinstance(layer, spec.Dropout):
        args = [repr(float(layer.rate))]
    elif isinstance(layer, spec.Dense):
        args = [str(layer.units)] + _activation(layer.activation)
    elif not isinstance(layer, (spec.BatchNormalization, spec.Flatten,
                                spec.GlobalAveragePooling2D)):
        raise ValueError(f"{layer.type} is not a single Keras layer")
    return f"layers.{layer.type}({', '.join(args)})"


def residual_call(block: spec.ResidualBlock, x: str) -> str:
    """The call of the script's `residual_block` helper, e.g. `residual_block(x, 64, strides=2)`."""
    args = [x, str(block.filters)]
    if block.kernel_size != (3, 3):
        args.append(f"kernel_size={pair(block.kernel_size)}")
    if block.strides != (1, 1):
        args.append(f"strides={pair(block.strides)}")
    return f"residual_block({', '.join(args)})"


def _window_options(strides: spec.Pair, default_strides: spec.Pair, padding: str) -> list[str]:
    out = [] if strides == default_strides else [f"strides={pair(strides)}"]
    return out + ([] if padding == "valid" else [f'padding="{padding}"'])


def _activation(name: str) -> list[str]:
    return [] if name == "linear" else [f'activation="{name}"']


def layer_comment(layer: spec.Layer, row: "LayerStats") -> str:
    """What the line does, with the shape change and the parameters, e.g.
    `32 filters of 3x3: (28, 28, 1) -> (26, 26, 32), 320 parameters`."""
    change = f"{row.input_shape} -> {row.output_shape}"
    params = f"{row.params:,} parameters"
    if isinstance(layer, spec.Conv2D):
        how = _window_words(layer.strides, layer.padding)
        act = "" if layer.activation == "linear" else f", then {layer.activation}"
        what = f"{layer.filters} filters of {_size(layer.kernel_size)}{how}{act}"
        return f"{what}: {change}, {params}"
    if isinstance(layer, (spec.MaxPooling2D, spec.AveragePooling2D)):
        what = "largest value" if isinstance(layer, spec.MaxPooling2D) else "average"
        how = _window_words(layer.strides or layer.pool_size, layer.padding, layer.pool_size)
        return f"the {what} of each {_size(layer.pool_size)} window{how}: {change}, no parameters"
    if isinstance(layer, spec.Dropout):
        return (f"zeroes a random {layer.rate * 100:g}% of the values, while training only; "
                "no parameters")
    if isinstance(layer, spec.BatchNormalization):
        what = "channel" if len(row.input_shape) == 3 else "feature"
        return (f"normalizes each of the {row.input_shape[-1]:,} {what}s: "
                f"{row.trainable_params:,} trainable (gamma, beta) + "
                f"{row.non_trainable_params:,} non-trainable (moving mean, variance) parameters")
    if isinstance(layer, spec.Flatten):
        return f"unrolls the volume into one vector: {change}"
    if isinstance(layer, spec.GlobalAveragePooling2D):
        return f"the average of each channel over the whole map: {change}, no parameters"
    if isinstance(layer, spec.Dense):
        return _dense_comment(layer, row, change, params)
    if isinstance(layer, spec.ResidualBlock):
        shortcut = ("a 1x1 projection shortcut" if needs_projection(layer, row.input_shape[-1])
                    else "the input added back")
        return (f"two {_size(layer.kernel_size)} convolutions + {shortcut}: {change}, {params} "
                f"({row.non_trainable_params:,} non-trainable)")
    raise ValueError(f"unknown layer {layer!r}")


def _dense_comment(layer: spec.Dense, row: "LayerStats", change: str, params: str) -> str:
    if len(row.input_shape) == 3:
        who = f"{layer.units:,} neurons at each pixel, over its {row.input_shape[-1]:,} channels"
    else:
        who = f"{layer.units:,} neurons, each sees all {row.input_shape[0]:,} inputs"
    act = {"linear": "", "softmax": ", then softmax (probabilities that sum to 1)"}.get(
        layer.activation, f", then {layer.activation}")
    return f"{who}{act}: {change}, {params}"


def _size(value: spec.Pair) -> str:
    return f"{value[0]}x{value[1]}"


def _window_words(strides: spec.Pair, padding: str, default: spec.Pair = (1, 1)) -> str:
    words = "" if strides == default else f", stride {pair(strides)}"
    return words + (", zero-padded" if padding == "same" else "")

"""Hypothesis strategies for random VALID designs, shared by the arithmetic, build and codegen tests.

The generator tracks the tensor shape while it draws, so every design it makes is one
`cnnlab.design.arithmetic.analyze` accepts (no filtering, no shrinking into invalid designs). It
covers non-square kernels, strides larger than kernels, same padding on odd sizes, dilated
and bias-free convolutions, separable and depthwise convolutions with depth multipliers, zero
padding, pooling with its own strides, Dense on a 3-D tensor, BatchNormalization, standalone
Activation and ReLU (capped or not), GlobalAveragePooling2D and ResidualBlocks with and
without projection, on several input shapes. Sizes stay small so
Keras builds each model in milliseconds.
"""

from __future__ import annotations

from hypothesis import strategies as st

from cnnlab.design import spec
from cnnlab.design.windows import window_out

MAX_FILTERS = 8
MAX_UNITS = 16
activations = st.sampled_from(spec.ACTIVATIONS)
paddings = st.sampled_from(spec.PADDINGS)
rates = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75])
input_shapes = st.one_of(
    st.just((28, 28, 1)),
    st.tuples(st.integers(3, 32), st.integers(3, 32), st.integers(1, 3)),
)


@st.composite
def _window(draw: st.DrawFn, hw: tuple[int, int], padding: str, max_side: int = 5
            ) -> tuple[tuple[int, int], tuple[int, int]]:
    """A (kernel, strides) pair that fits `hw` under `padding` (strides may exceed the kernel)."""
    kernel = tuple(draw(st.integers(1, max_side if padding == "same" else min(max_side, side)))
                   for side in hw)
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return kernel, strides


@st.composite
def image_layer(draw: st.DrawFn, shape: tuple[int, int, int]) -> spec.Layer:
    """One layer that accepts the (H, W, C) `shape` and keeps an image."""
    kind = draw(st.sampled_from(["conv", "conv", "pool", "avgpool", "bn", "dropout", "residual",
                                 "dense3d", "separable", "depthwise", "zeropad", "activation",
                                 "relu"]))
    hw = shape[:2]
    if kind == "conv":
        padding = draw(paddings)
        kernel, strides = draw(_window(hw, padding))
        dilation = (1, 1)
        if draw(st.booleans()):  # dilated; Keras needs stride 1 then
            strides = (1, 1)
            dilation = tuple(draw(st.integers(1, _max_dilation(k, side, padding)))
                             for k, side in zip(kernel, hw))
        return spec.Conv2D(draw(st.integers(1, MAX_FILTERS)), kernel, strides, padding,
                           draw(activations), dilation, draw(st.booleans()))
    if kind in ("separable", "depthwise"):
        padding = draw(paddings)
        kernel, strides = draw(_window(hw, padding))
        multiplier = draw(st.integers(1, 3))
        if kind == "depthwise":
            return spec.DepthwiseConv2D(kernel, strides, padding, draw(activations), multiplier)
        return spec.SeparableConv2D(draw(st.integers(1, MAX_FILTERS)), kernel, strides, padding,
                                    draw(activations), multiplier)
    if kind == "zeropad":
        return spec.ZeroPadding2D((draw(st.integers(0, 2)), draw(st.integers(0, 2))))
    if kind == "activation":
        return spec.Activation(draw(activations))
    if kind == "relu":
        return spec.ReLU(draw(st.sampled_from([None, 1.0, 6.0])))
    if kind in ("pool", "avgpool"):
        padding = draw(paddings)
        pool, strides = draw(_window(hw, padding, max_side=3))
        cls = spec.MaxPooling2D if kind == "pool" else spec.AveragePooling2D
        return cls(pool, draw(st.one_of(st.none(), st.just(strides))), padding)
    if kind == "bn":
        return spec.BatchNormalization()
    if kind == "dropout":
        return spec.Dropout(draw(rates))
    if kind == "residual":
        # same channels and stride 1 -> identity shortcut; otherwise a projection
        filters = draw(st.one_of(st.just(shape[2]), st.integers(1, MAX_FILTERS)))
        kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        strides = draw(st.sampled_from([(1, 1), (1, 1), (2, 2), (1, 2), (3, 1)]))
        return spec.ResidualBlock(filters, kernel, strides)
    return spec.Dense(draw(st.integers(1, MAX_UNITS)), draw(activations))


def _max_dilation(kernel: int, side: int, padding: str) -> int:
    """The largest dilation (at most 3) whose dilated kernel (k - 1) * d + 1 still fits."""
    if padding == "same" or kernel == 1:
        return 3
    return max(1, min(3, (side - 1) // (kernel - 1)))


def next_shape(layer: spec.Layer, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The output shape of `layer` (kept here independent of cnnlab.design.arithmetic on purpose)."""
    if isinstance(layer, (spec.Conv2D, spec.ResidualBlock, spec.SeparableConv2D,
                          spec.DepthwiseConv2D)):
        padding = "same" if isinstance(layer, spec.ResidualBlock) else layer.padding
        k, s = layer.kernel_size, layer.strides
        d = getattr(layer, "dilation_rate", (1, 1))
        k = ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1)
        channels = (shape[2] * layer.depth_multiplier if isinstance(layer, spec.DepthwiseConv2D)
                    else layer.filters)
        return (window_out(shape[0], k[0], s[0], padding),
                window_out(shape[1], k[1], s[1], padding), channels)
    if isinstance(layer, spec.ZeroPadding2D):
        return (shape[0] + 2 * layer.padding[0], shape[1] + 2 * layer.padding[1], shape[2])
    if isinstance(layer, (spec.MaxPooling2D, spec.AveragePooling2D)):
        k, s = layer.pool_size, layer.strides or layer.pool_size
        return (window_out(shape[0], k[0], s[0], layer.padding),
                window_out(shape[1], k[1], s[1], layer.padding), shape[2])
    if isinstance(layer, spec.Dense):
        return shape[:-1] + (layer.units,)
    return shape


@st.composite
def valid_architectures(draw: st.DrawFn, max_image_layers: int = 5,
                        mnist: bool = False) -> spec.Architecture:
    """A random design analyze() accepts; `mnist=True`: 28x28x1 input and a Dense(10, softmax) head."""
    shape: tuple[int, ...] = (28, 28, 1) if mnist else draw(input_shapes)
    input_shape = shape
    layers: list[spec.Layer] = []
    for _ in range(draw(st.integers(0, max_image_layers))):
        layer = draw(image_layer(shape))
        new = next_shape(layer, shape)
        if min(new[:2]) < 1:  # pragma: no cover - _window only draws windows that fit
            continue
        layers.append(layer)
        shape = new
    layers.append(draw(st.sampled_from([spec.Flatten(), spec.GlobalAveragePooling2D()])))
    for _ in range(draw(st.integers(0, 2))):
        layers.append(draw(st.one_of(
            st.builds(spec.Dense, st.integers(1, MAX_UNITS), activations),
            st.just(spec.BatchNormalization()), st.builds(spec.Dropout, rates),
            st.builds(spec.Activation, activations), st.just(spec.ReLU()))))
    if mnist:
        layers.append(spec.Dense(10, "softmax"))
    return spec.Architecture(tuple(layers), tuple(input_shape))

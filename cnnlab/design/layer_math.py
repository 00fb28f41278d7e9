"""One layer's exact arithmetic: output shape, parameters and multiply-adds, with the formulas.

Shapes are per image (no batch axis). Only `arithmetic.analyze` calls this, after it has
checked that the layer may follow the previous one (an image where an image is needed).
MACs (multiply-adds) count only the weight multiplications of Conv2D and Dense kernels;
pooling, BatchNormalization, activations, bias additions and the residual add count 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnlab.design import spec
from cnnlab.design.windows import Pair, check_fits, dims, spatial_formula

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Step:
    """What one layer does to the tensor; `windows` are its (kernel, stride) pairs for the receptive field."""

    output_shape: Shape
    trainable: int
    non_trainable: int
    param_formula: str
    shape_formula: str
    macs: int
    windows: tuple[tuple[Pair, Pair], ...] = ()
    mixes_all: bool = False  # every output sees the whole input (GAP, Dense on a vector)


def n(value: int) -> str:
    """A count with thousands separators, as on the pages: 1,290."""
    return f"{value:,}"


def layer_step(position: int, layer: spec.Layer, shape: Shape) -> Step:
    """The arithmetic of `layer` at 1-based `position` given its input `shape`."""
    label = spec.describe(layer)
    if isinstance(layer, spec.Conv2D):
        return _conv(position, label, layer, shape)
    if isinstance(layer, (spec.MaxPooling2D, spec.AveragePooling2D)):
        strides = layer.strides or layer.pool_size
        # (H, W, C) -> (H', W', C): each window becomes one number, channels kept
        hw = check_fits(position, label, shape[:2], layer.pool_size, strides, layer.padding, "pool")
        formula = f"{spatial_formula(shape[:2], layer.pool_size, strides, layer.padding)}, " \
                  f"channels kept: {dims(hw + shape[2:])}"
        return Step(hw + shape[2:], 0, 0, "no weights = 0", formula, 0,
                    ((layer.pool_size, strides),))
    if isinstance(layer, spec.Flatten):
        size = _product(shape)  # (H, W, C) -> (H*W*C,)
        return Step((size,), 0, 0, "no weights = 0", f"{dims(shape)} = {n(size)}", 0)
    if isinstance(layer, spec.GlobalAveragePooling2D):
        # (H, W, C) -> (C,)
        return Step((shape[2],), 0, 0, "no weights = 0",
                    f"one average per channel over {shape[0]} x {shape[1]}: {n(shape[2])}", 0,
                    mixes_all=True)
    if isinstance(layer, spec.Dense):
        return _dense(layer, shape)
    if isinstance(layer, spec.BatchNormalization):
        c = shape[-1]
        return Step(shape, 2 * c, 2 * c,
                    f"4 x {n(c)} = {n(4 * c)} ({n(2 * c)} trainable gamma/beta, "
                    f"{n(2 * c)} moving mean/variance)",
                    f"same as its input: {dims(shape)}", 0)
    if isinstance(layer, spec.Dropout):
        return Step(shape, 0, 0, "no weights = 0", f"same as its input: {dims(shape)}", 0)
    if isinstance(layer, spec.ResidualBlock):
        return _residual(position, label, layer, shape)
    raise ValueError(f"unknown layer {layer!r}")


def _conv(position: int, label: str, layer: spec.Conv2D, shape: Shape) -> Step:
    """filters x (k_h x k_w x c_in + 1): one kernel per filter over all input channels, plus a bias."""
    (kh, kw), c = layer.kernel_size, shape[2]
    hw = check_fits(position, label, shape[:2], layer.kernel_size, layer.strides, layer.padding,
                    "kernel")
    out = hw + (layer.filters,)  # (H, W, C) -> (H', W', filters)
    params = layer.filters * (kh * kw * c + 1)
    return Step(out, params, 0,
                f"{n(layer.filters)} x ({kh} x {kw} x {n(c)} + 1) = {n(params)}",
                f"{spatial_formula(shape[:2], layer.kernel_size, layer.strides, layer.padding)}"
                f", channels = filters: {dims(out)}",
                hw[0] * hw[1] * layer.filters * kh * kw * c,
                ((layer.kernel_size, layer.strides),))


def _dense(layer: spec.Dense, shape: Shape) -> Step:
    """units x (inputs + 1); on a (H, W, C) input the same weights act at every position."""
    inputs = shape[-1]
    params = layer.units * (inputs + 1)
    formula = f"{n(layer.units)} x ({n(inputs)} + 1) = {n(params)}"
    if len(shape) == 1:
        return Step((layer.units,), params, 0, formula, f"units = {n(layer.units)}",
                    inputs * layer.units, mixes_all=True)
    out = shape[:-1] + (layer.units,)  # (H, W, C) -> (H, W, units): only the last axis changes
    return Step(out, params, 0, formula + f" (shared by all {shape[0]} x {shape[1]} positions)",
                f"acts on the last axis only: {dims(out)}",
                shape[0] * shape[1] * inputs * layer.units)


def _residual(position: int, label: str, block: spec.ResidualBlock, shape: Shape) -> Step:
    """The sum of the parts defined in spec.ResidualBlock (bias-free convs, BatchNorms, projection)."""
    (kh, kw), f, c = block.kernel_size, block.filters, shape[2]
    hw = check_fits(position, label, shape[:2], block.kernel_size, block.strides, "same", "kernel")
    conv1, conv2 = f * kh * kw * c, f * kh * kw * f
    parts = [f"conv1 {n(f)} x {kh} x {kw} x {n(c)} = {n(conv1)}", f"bn1 4 x {n(f)} = {n(4 * f)}",
             f"conv2 {n(f)} x {kh} x {kw} x {n(f)} = {n(conv2)}", f"bn2 4 x {n(f)} = {n(4 * f)}"]
    trainable, bns = conv1 + conv2, 2
    macs = hw[0] * hw[1] * (conv1 + conv2)
    projection = block.strides != (1, 1) or c != f
    if projection:
        proj = f * c
        parts += [f"proj {n(f)} x 1 x 1 x {n(c)} = {n(proj)}", f"proj_bn 4 x {n(f)} = {n(4 * f)}"]
        trainable, bns, macs = trainable + proj, 3, macs + hw[0] * hw[1] * proj
    trainable += bns * 2 * f  # gamma and beta train; the moving mean and variance do not
    total = trainable + bns * 2 * f
    out = hw + (f,)  # (H, W, C) -> (ceil(H/s), ceil(W/s), filters)
    shortcut = "1x1 projection" if projection else "identity shortcut"
    return Step(out, trainable, bns * 2 * f,
                " + ".join(parts) + f" = {n(total)} (no biases; {shortcut})",
                f"{spatial_formula(shape[:2], block.kernel_size, block.strides, 'same')} "
                f"(same padding), channels = filters: {dims(out)}",
                macs, ((block.kernel_size, block.strides), (block.kernel_size, (1, 1))))


def _product(shape: Shape) -> int:
    total = 1
    for d in shape:
        total *= d
    return total

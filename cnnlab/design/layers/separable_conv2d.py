"""SeparableConv2D: a depthwise kernel per channel, then 1x1 mixing; MobileNet's cheap convolution.

A Conv2D of k x k with C inputs and F filters learns F x (k x k x C + 1) numbers. Splitting it
into a k x k kernel per input channel (depthwise) and a 1x1 convolution that mixes the channels
(pointwise) needs k x k x C + C x F + F: for 3x3, 32 in, 64 out that is 2,400 instead of 18,496.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (ACTIVATION, DEPTH_MULTIPLIER, FILTERS, KERNEL, PADDING,
                                       STRIDES, Field, LayerType, Pair, Shape, Step,
                                       activation_words, depthwise_code, dims, layer_where, n,
                                       pair_code, saving, size, sliding, stride_label, what_then,
                                       window_words, with_params)
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _


@dataclass(frozen=True)
class SeparableConv2D(LayerType):
    """Depthwise k x k per input channel (x depth_multiplier), then `filters` 1x1 kernels, one bias each."""

    filters: int
    kernel_size: Pair
    strides: Pair = (1, 1)
    padding: str = "valid"
    activation: str = "linear"
    depth_multiplier: int = 1

    type: ClassVar[str] = "SeparableConv2D"
    keras_name: ClassVar[str] = "separable_conv2d"
    fields: ClassVar[tuple[Field, ...]] = (FILTERS, KERNEL, STRIDES, PADDING, ACTIVATION,
                                           DEPTH_MULTIPLIER)
    new: ClassVar[dict[str, Any]] = {"filters": 32, "kernel_size": [3, 3], "strides": [1, 1],
                                     "padding": "same", "activation": "relu"}
    explanation: ClassVar[str] = N_("a Conv2D split in two, as in MobileNet: one kernel per input "
                                  "channel, then 1x1 kernels that mix the channels; far fewer "
                                  "weights")
    short: ClassVar[str] = "Sep conv"
    color: ClassVar[str] = "#5a9be6"

    def describe(self) -> str:
        stride = stride_label(self.strides)
        return f"SeparableConv2D {self.filters} {size(self.kernel_size)}{stride} {self.padding}"

    def picture_label(self) -> str:
        return f"{self.short} {self.filters}"

    def check_output_caps(self, row: Any, limits: Any) -> None:
        middle = row.input_shape[-1] * self.depth_multiplier
        if middle > limits.max_filters:
            raise LabError(_("{where}: its depthwise step makes {n} channels ({channels} x "
                             "depth_multiplier {multiplier}), above this server's cap of {cap} "
                             "per layer; use a smaller depth_multiplier.").format(
                                 where=layer_where(row.position, self.type), n=f"{middle:,}",
                                 channels=f"{row.input_shape[-1]:,}",
                                 multiplier=self.depth_multiplier, cap=f"{limits.max_filters:,}"),
                           row.position)

    def step(self, position: int, shape: Shape) -> Step:
        (kh, kw), c, f, m = self.kernel_size, shape[2], self.filters, self.depth_multiplier
        hw, formula = sliding(position, self.describe(), shape, self.kernel_size, self.strides,
                              self.padding)
        depthwise, pointwise = kh * kw * c * m, c * m * f
        params = depthwise + pointwise + f
        times = "" if m == 1 else f" x {m}"
        param_formula = (f"depthwise {kh} x {kw} x {n(c)}{times} = {n(depthwise)} + pointwise "
                         f"{n(c * m)} x {n(f)} = {n(pointwise)} + {n(f)} biases = {n(params)}; "
                         + saving(params, f * (kh * kw * c + 1)))
        out = hw + (f,)
        return Step(out, params, 0, param_formula,
                    f"{formula}, channels = filters: {dims(out)}",
                    hw[0] * hw[1] * (depthwise + pointwise), ((self.kernel_size, self.strides),))

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.SeparableConv2D(self.filters, self.kernel_size, strides=self.strides,
                                  padding=self.padding, depth_multiplier=self.depth_multiplier,
                                  activation=self.activation, name=name)

    def code_args(self) -> list[str]:
        return [str(self.filters), pair_code(self.kernel_size)] + depthwise_code(self)

    def comment(self, row: Any) -> str:
        how = window_words(self.strides, self.padding)
        what = _("{size} per channel, then {n} 1x1 filters").format(size=size(self.kernel_size),
                                                                    n=self.filters)
        return what_then(f"{what}{how}{activation_words(self.activation)}", with_params(row))

"""DepthwiseConv2D: one k x k kernel per input channel, no mixing between channels.

A Conv2D with C inputs and C outputs learns C x (k x k x C + 1) numbers; a depthwise one
learns C x (k x k + 1), C times fewer kernel weights. MobileNet follows it with a 1x1 Conv2D
to mix the channels (SeparableConv2D does both in one layer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (ACTIVATION, DEPTH_MULTIPLIER, KERNEL, PADDING, STRIDES,
                                       Field, LayerType, Pair, Shape, Step, activation_words,
                                       depthwise_code, dims, layer_where, n, pair_code, saving,
                                       size, sliding, stride_label, what_then, window_words,
                                       with_params)
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _, ngettext


@dataclass(frozen=True)
class DepthwiseConv2D(LayerType):
    """depth_multiplier kernels of kernel_size per input channel, each with a bias."""

    kernel_size: Pair
    strides: Pair = (1, 1)
    padding: str = "valid"
    activation: str = "linear"
    depth_multiplier: int = 1

    type: ClassVar[str] = "DepthwiseConv2D"
    keras_name: ClassVar[str] = "depthwise_conv2d"
    fields: ClassVar[tuple[Field, ...]] = (KERNEL, STRIDES, PADDING, ACTIVATION,
                                           DEPTH_MULTIPLIER)
    new: ClassVar[dict[str, Any]] = {"kernel_size": [3, 3], "strides": [1, 1],
                                     "padding": "same", "activation": "relu"}
    explanation: ClassVar[str] = N_("one kernel per input channel, no mixing between channels "
                                  "(MobileNet's spatial filter); follow it with a 1x1 Conv2D")
    short: ClassVar[str] = "Depthwise"
    color: ClassVar[str] = "#7fb2ef"

    def describe(self) -> str:
        stride = stride_label(self.strides)
        times = "" if self.depth_multiplier == 1 else f" x{self.depth_multiplier}"
        return f"DepthwiseConv2D {size(self.kernel_size)}{times}{stride} {self.padding}"

    def picture_label(self) -> str:
        return f"{self.short} {size(self.kernel_size).replace('x', '×')}"

    def check_output_caps(self, row: Any, limits: Any) -> None:
        if row.output_shape[-1] > limits.max_filters:
            raise LabError(_("{where}: it makes {n} channels ({channels} x depth_multiplier "
                             "{multiplier}), above this server's cap of {cap} per layer; use a "
                             "smaller depth_multiplier.").format(
                                 where=layer_where(row.position, self.type),
                                 n=f"{row.output_shape[-1]:,}", channels=f"{row.input_shape[-1]:,}",
                                 multiplier=self.depth_multiplier, cap=f"{limits.max_filters:,}"),
                           row.position)

    def step(self, position: int, shape: Shape) -> Step:
        (kh, kw), c, m = self.kernel_size, shape[2], self.depth_multiplier
        hw, formula = sliding(position, self.describe(), shape, self.kernel_size, self.strides,
                              self.padding)
        out = hw + (c * m,)  # (H, W, C) -> (H', W', C x depth_multiplier)
        params = c * m * (kh * kw + 1)
        times = "" if m == 1 else f" x {m}"
        param_formula = (f"{n(c)}{times} x ({kh} x {kw} + 1) = {n(params)}; "
                         + saving(params, c * m * (kh * kw * c + 1)))
        return Step(out, params, 0, param_formula,
                    f"{formula}, channels = input channels{times}: {dims(out)}",
                    hw[0] * hw[1] * kh * kw * c * m, ((self.kernel_size, self.strides),))

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.DepthwiseConv2D(self.kernel_size, strides=self.strides, padding=self.padding,
                                  depth_multiplier=self.depth_multiplier,
                                  activation=self.activation, name=name)

    def code_args(self) -> list[str]:
        return [pair_code(self.kernel_size)] + depthwise_code(self)

    def comment(self, row: Any) -> str:
        how = window_words(self.strides, self.padding)
        what = ngettext("one {size} kernel per channel", "{n} {size} kernels per channel",
                        self.depth_multiplier).format(n=self.depth_multiplier,
                                                      size=size(self.kernel_size))
        return what_then(f"{what}{how}{activation_words(self.activation)}", with_params(row))

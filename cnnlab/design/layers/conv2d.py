"""Conv2D: `filters` learned kernels slide over the image, each over all input channels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (ACTIVATION, FILTERS, KERNEL, PADDING, STRIDES, Field,
                                       LayerType, Pair, Shape, Step, activation_code,
                                       activation_words, dims, layer_where, n, pair_code, size,
                                       sliding, stride_label, what_then, window_code, window_words,
                                       with_params)
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _

DILATION = Field("dilation_rate", "dilation", N_("dilation"),
                 N_("Gaps between the kernel's taps: 2 makes a 3x3 kernel see a 5x5 window with "
                 "the same 9 weights. Needs stride 1."), written_at_default=False)
USE_BIAS = Field("use_bias", "flag", N_("bias"),
                 N_("One learned number added to each filter's output; leave it off before "
                 "BatchNormalization, whose beta does the same job."), written_at_default=False)


def extent(kernel: Pair, dilation: Pair) -> Pair:
    """How many input pixels a dilated kernel spans per side: (k - 1) x d + 1."""
    return ((kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1)


@dataclass(frozen=True)
class Conv2D(LayerType):
    """A convolution: `filters` kernels of `kernel_size`, each with a bias unless use_bias is off."""

    filters: int  # number of output channels
    kernel_size: Pair  # (height, width) of each kernel
    strides: Pair = (1, 1)  # step of the sliding window
    padding: str = "valid"  # "valid": no border; "same": zero border so out = ceil(in / stride)
    activation: str = "linear"  # Keras' default is no activation
    dilation_rate: Pair = (1, 1)  # gaps between kernel taps
    use_bias: bool = True

    type: ClassVar[str] = "Conv2D"
    keras_name: ClassVar[str] = "conv2d"
    fields: ClassVar[tuple[Field, ...]] = (FILTERS, KERNEL, STRIDES, PADDING, ACTIVATION,
                                           DILATION, USE_BIAS)
    new: ClassVar[dict[str, Any]] = {"filters": 32, "kernel_size": [3, 3], "strides": [1, 1],
                                     "padding": "same", "activation": "relu"}
    explanation: ClassVar[str] = N_("slides small learned kernels over the image; one output "
                                  "channel per filter")
    short: ClassVar[str] = "Conv"
    color: ClassVar[str] = "#0072B2"  # Okabe-Ito blue

    def check(self, where: str, position: int) -> None:
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise LabError(_("{where}: Keras cannot use strides above 1 together with a "
                             "dilation_rate above 1; set strides to 1 or dilation_rate to "
                             "1.").format(where=where), position)

    def describe(self) -> str:
        stride = stride_label(self.strides)
        dilation = "" if self.dilation_rate == (1, 1) else f" dilation {size(self.dilation_rate)}"
        return f"Conv2D {self.filters} {size(self.kernel_size)}{stride}{dilation} {self.padding}"

    def picture_label(self) -> str:
        return f"{self.short} {self.filters}"

    def check_caps(self, position: int, limits: Any) -> None:
        super().check_caps(position, limits)
        span = extent(self.kernel_size, self.dilation_rate)
        if max(span) > limits.max_kernel:
            raise LabError(_("{where}: the dilated kernel spans {size} pixels, above this "
                             "server's cap of {cap} pixels per side; use a smaller kernel or "
                             "dilation_rate.").format(where=layer_where(position, self.type),
                                                      size=size(span), cap=limits.max_kernel),
                           position)

    def step(self, position: int, shape: Shape) -> Step:
        """filters x (k_h x k_w x c_in + 1): one kernel per filter over all input channels, plus a bias."""
        (kh, kw), c, f = self.kernel_size, shape[2], self.filters
        span = extent(self.kernel_size, self.dilation_rate)
        hw, formula = sliding(position, self.describe(), shape, span, self.strides, self.padding)
        out = hw + (f,)  # (H, W, C) -> (H', W', filters)
        bias = 1 if self.use_bias else 0
        params = f * (kh * kw * c + bias)
        if self.use_bias:
            param_formula = f"{n(f)} x ({kh} x {kw} x {n(c)} + 1) = {n(params)}"
        else:
            param_formula = f"{n(f)} x {kh} x {kw} x {n(c)} = {n(params)} (no bias)"
        if self.dilation_rate != (1, 1):
            (dh, dw) = self.dilation_rate
            formula = (f"dilated kernel ({kh} - 1) x {dh} + 1 = {span[0]} by "
                       f"({kw} - 1) x {dw} + 1 = {span[1]}; {formula}")
        return Step(out, params, 0, param_formula,
                    f"{formula}, channels = filters: {dims(out)}",
                    hw[0] * hw[1] * f * kh * kw * c, ((span, self.strides),))

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.Conv2D(self.filters, self.kernel_size, strides=self.strides,
                         padding=self.padding, activation=self.activation,
                         dilation_rate=self.dilation_rate, use_bias=self.use_bias, name=name)

    def code_args(self) -> list[str]:
        args = [str(self.filters), pair_code(self.kernel_size)]
        args += window_code(self.strides, (1, 1), self.padding)
        if self.dilation_rate != (1, 1):
            args.append(f"dilation_rate={pair_code(self.dilation_rate)}")
        args += activation_code(self.activation)
        return args + ([] if self.use_bias else ["use_bias=False"])

    def comment(self, row: Any) -> str:
        how = window_words(self.strides, self.padding)
        if self.dilation_rate != (1, 1):
            how += _(", dilated by {rate} (each kernel spans {span})").format(
                rate=pair_code(self.dilation_rate),
                span=size(extent(self.kernel_size, self.dilation_rate)))
        bias = "" if self.use_bias else _(", no bias")
        what = _("{n} filters of {size}").format(n=self.filters, size=size(self.kernel_size))
        return what_then(f"{what}{how}{bias}{activation_words(self.activation)}", with_params(row))

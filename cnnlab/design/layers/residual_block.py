"""ResidualBlock: a ResNet basic block, two convolutions plus a skip connection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (FILTERS, KERNEL, STRIDES, Field, LayerType, Pair, Shape,
                                       Step, dims, n, pair_code, size, sliding, with_params)
from cnnlab.i18n import N_, _

# Suffixes of the Keras layers one block becomes, in order (its output is "out").
PARTS = ("conv1", "bn1", "relu1", "conv2", "bn2", "proj", "proj_bn", "add", "out")

# The helper a design with skip connections gets in its generated code, defined exactly as
# ResidualBlock says; its docstring and comments are filled in in the student's language.
HELPER = '''\
def residual_block(x, filters, kernel_size=3, strides=1):
    """{doc}"""
    shortcut = x
    # {main}
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)  # {beta}
    x = layers.ReLU()(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    if strides != 1 or shortcut.shape[-1] != filters:
        # {differ}
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(shortcut)
        shortcut = layers.BatchNormalization()(shortcut)
    x = layers.add([x, shortcut])  # {skip}
    return layers.ReLU()(x)
'''


def helper_code() -> str:
    """The residual_block helper, commented in the current language."""
    return HELPER.format(
        doc=_("A ResNet basic block (He et al., 2016): two convolutions, plus the input added "
              "back."),
        main=_('main path: both convolutions use "same" padding, so only the stride shrinks '
               'the map'),
        beta=_("BatchNormalization's beta replaces the conv's bias"),
        differ=_("the shapes differ, so a 1x1 convolution projects the input to the main path's "
                 "shape"),
        skip=_("the skip connection: gradients flow straight through it"))


@dataclass(frozen=True)
class ResidualBlock(LayerType):
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
    keras_name: ClassVar[str] = "residual_block"
    fields: ClassVar[tuple[Field, ...]] = (FILTERS, KERNEL, STRIDES)
    new: ClassVar[dict[str, Any]] = {"filters": 32, "kernel_size": [3, 3], "strides": [1, 1]}
    explanation: ClassVar[str] = N_("two convolutions plus a skip connection that adds the input "
                                  "back")
    editor_note: ClassVar[str] = N_("Both convolutions use same padding; a 1x1 projection "
                                  "shortcut is added when the stride or the channel count "
                                  "changes.")
    short: ClassVar[str] = "Residual"
    color: ClassVar[str] = "#1f9e89"
    sequential: ClassVar[bool] = False

    @property
    def code_helper(self) -> str:  # type: ignore[override]
        """The function the generated code defines before the model (see helper_code)."""
        return helper_code()

    def needs_projection(self, in_channels: int) -> bool:
        """True when the shortcut cannot be the input itself (stride or channel count changes)."""
        return self.strides != (1, 1) or in_channels != self.filters

    def describe(self) -> str:
        return (f"ResidualBlock {self.filters} {size(self.kernel_size)} "
                f"stride {size(self.strides)}")

    def picture_label(self) -> str:
        return f"{self.short} {self.filters}"

    def step(self, position: int, shape: Shape) -> Step:
        """The sum of the parts in the class docstring (bias-free convs, BatchNorms, projection)."""
        (kh, kw), f, c = self.kernel_size, self.filters, shape[2]
        hw, formula = sliding(position, self.describe(), shape, self.kernel_size, self.strides,
                              "same")
        conv1, conv2 = f * kh * kw * c, f * kh * kw * f
        parts = [f"conv1 {n(f)} x {kh} x {kw} x {n(c)} = {n(conv1)}",
                 f"bn1 4 x {n(f)} = {n(4 * f)}",
                 f"conv2 {n(f)} x {kh} x {kw} x {n(f)} = {n(conv2)}",
                 f"bn2 4 x {n(f)} = {n(4 * f)}"]
        trainable, bns = conv1 + conv2, 2
        macs = hw[0] * hw[1] * (conv1 + conv2)
        projection = self.needs_projection(c)
        if projection:
            proj = f * c
            parts += [f"proj {n(f)} x 1 x 1 x {n(c)} = {n(proj)}",
                      f"proj_bn 4 x {n(f)} = {n(4 * f)}"]
            trainable, bns, macs = trainable + proj, 3, macs + hw[0] * hw[1] * proj
        trainable += bns * 2 * f  # gamma and beta train; the moving mean and variance do not
        total = trainable + bns * 2 * f
        out = hw + (f,)  # (H, W, C) -> (ceil(H/s), ceil(W/s), filters)
        shortcut = "1x1 projection" if projection else "identity shortcut"
        return Step(out, trainable, bns * 2 * f,
                    " + ".join(parts) + f" = {n(total)} (no biases; {shortcut})",
                    f"{formula} (same padding), channels = filters: {dims(out)}",
                    macs, ((self.kernel_size, self.strides), (self.kernel_size, (1, 1))))

    def apply(self, x: Any, name: str) -> Any:
        """The block's Keras layers applied to `x`; returns its final ReLU."""
        from keras import layers as kl

        # main path: (N, H, W, C) -> (N, ceil(H/s), ceil(W/s), filters)
        y = kl.Conv2D(self.filters, self.kernel_size, strides=self.strides, padding="same",
                      use_bias=False, name=f"{name}_conv1")(x)
        y = kl.BatchNormalization(name=f"{name}_bn1")(y)
        y = kl.ReLU(name=f"{name}_relu1")(y)
        y = kl.Conv2D(self.filters, self.kernel_size, strides=1, padding="same",
                      use_bias=False, name=f"{name}_conv2")(y)
        y = kl.BatchNormalization(name=f"{name}_bn2")(y)
        shortcut = x
        if self.needs_projection(x.shape[-1]):
            # 1x1 projection so the shortcut has the main path's shape
            shortcut = kl.Conv2D(self.filters, 1, strides=self.strides, padding="same",
                                 use_bias=False, name=f"{name}_proj")(x)
            shortcut = kl.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
        y = kl.Add(name=f"{name}_add")([y, shortcut])
        return kl.ReLU(name=f"{name}_out")(y)

    def keras_parts(self, name: str) -> tuple[str, ...]:
        return tuple(f"{name}_{part}" for part in PARTS)

    def code(self) -> str:
        raise ValueError("a ResidualBlock is a skip connection, not one layer in a list")

    def functional_code(self, source: str) -> str:
        """The call of the script's `residual_block` helper, e.g. `residual_block(x, 64, strides=2)`."""
        args = [source, str(self.filters)]
        if self.kernel_size != (3, 3):
            args.append(f"kernel_size={pair_code(self.kernel_size)}")
        if self.strides != (1, 1):
            args.append(f"strides={pair_code(self.strides)}")
        return f"residual_block({', '.join(args)})"

    def comment(self, row: Any) -> str:
        shortcut = (_("a 1x1 projection shortcut") if self.needs_projection(row.input_shape[-1])
                    else _("the input added back"))
        return _("two {size} convolutions + {shortcut}: {params} ({fixed} non-trainable)").format(
            size=size(self.kernel_size), shortcut=shortcut, params=with_params(row),
            fixed=f"{row.non_trainable_params:,}")

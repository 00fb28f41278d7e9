"""ZeroPadding2D: a border of zeros around the map, so a following valid window can reach the edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (NO_WEIGHTS, Field, LayerType, Pair, Shape, Step, dims,
                                       no_params, pair_code)
from cnnlab.i18n import N_, _

BORDER = Field("padding", "border", N_("border"),
               N_("Rows of zeros added above and below, and columns left and right."),
               cap="max_kernel")


@dataclass(frozen=True)
class ZeroPadding2D(LayerType):
    """Adds `padding` = (rows, columns) of zeros on each side; no parameters."""

    padding: Pair = (1, 1)

    type: ClassVar[str] = "ZeroPadding2D"
    keras_name: ClassVar[str] = "zero_padding2d"
    fields: ClassVar[tuple[Field, ...]] = (BORDER,)
    new: ClassVar[dict[str, Any]] = {"padding": [1, 1]}
    explanation: ClassVar[str] = N_("adds a border of zeros, what padding='same' does inside a "
                                  "convolution, as its own step")
    short: ClassVar[str] = "Zero pad"
    color: ClassVar[str] = "#c8ccd2"

    def describe(self) -> str:
        return f"ZeroPadding2D {pair_code(self.padding)}"

    def picture_label(self) -> str:
        return f"{self.short} {pair_code(self.padding)}"

    def step(self, position: int, shape: Shape) -> Step:
        (ph, pw), (h, w) = self.padding, shape[:2]
        out = (h + 2 * ph, w + 2 * pw) + shape[2:]
        return Step(out, 0, 0, NO_WEIGHTS,
                    f"height {h} + 2 x {ph} = {out[0]}, width {w} + 2 x {pw} = {out[1]}, "
                    f"channels kept: {dims(out)}", 0)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.ZeroPadding2D(self.padding, name=name)

    def code_args(self) -> list[str]:
        return [] if self.padding == (1, 1) else [pair_code(self.padding)]

    def comment(self, row: Any) -> str:
        (ph, pw) = self.padding
        return _("{rows} row(s) of zeros above and below, {columns} column(s) left and right: "
                 "{change}").format(rows=ph, columns=pw, change=no_params(row))

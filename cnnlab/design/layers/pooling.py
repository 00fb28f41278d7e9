"""What max and average pooling share: a window that slides without weights, channels kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (NO_WEIGHTS, PADDING, Field, LayerType, Pair, Shape, Step,
                                       dims, no_params, pair_code, size, sliding, what_then,
                                       window_code, window_words)
from cnnlab.i18n import N_, _

POOL = Field("pool_size", "window", N_("pool"), N_("Height x width of each pooling window."),
             cap="max_kernel")
POOL_STRIDES = Field("strides", "stride", N_("stride"),
                     N_("How many pixels the window moves each step; 2 halves the map."))


@dataclass(frozen=True)
class Pooling2D(LayerType):
    """A pooling window; `strides` None means the pool size, as in Keras."""

    pool_size: Pair = (2, 2)
    strides: Pair | None = None
    padding: str = "valid"

    fields: ClassVar[tuple[Field, ...]] = (POOL, POOL_STRIDES, PADDING)
    new: ClassVar[dict[str, Any]] = {"pool_size": [2, 2], "strides": None, "padding": "valid"}
    what: ClassVar[str]  # "largest value" or "average", for the code comment

    @property
    def steps(self) -> Pair:
        return self.strides or self.pool_size

    def describe(self) -> str:
        return f"{self.type} {size(self.pool_size)}"

    def picture_label(self) -> str:
        return f"{self.short} {size(self.pool_size).replace('x', '×')}"

    def step(self, position: int, shape: Shape) -> Step:
        # (H, W, C) -> (H', W', C): each window becomes one number, channels kept
        hw, formula = sliding(position, self.describe(), shape, self.pool_size, self.steps,
                              self.padding, N_("pool"))
        return Step(hw + shape[2:], 0, 0, NO_WEIGHTS,
                    f"{formula}, channels kept: {dims(hw + shape[2:])}", 0,
                    ((self.pool_size, self.steps),))

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return getattr(kl, self.type)(self.pool_size, strides=self.strides,
                                      padding=self.padding, name=name)

    def code_args(self) -> list[str]:
        return [pair_code(self.pool_size)] + window_code(self.steps, self.pool_size, self.padding)

    def comment(self, row: Any) -> str:
        how = window_words(self.steps, self.padding, self.pool_size)
        what = _("the {what} of each {size} window").format(what=_(self.what),
                                                            size=size(self.pool_size))
        return what_then(f"{what}{how}", no_params(row))

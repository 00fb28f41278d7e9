"""ReLU: max(0, x) as its own layer, optionally capped (MobileNet's ReLU6 uses max_value=6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (Field, LayerType, Shape, Step, no_params, same_shape,
                                       what_then)
from cnnlab.i18n import N_, _

MAX_VALUE = Field("max_value", "limit", N_("max value"),
                  N_("The largest output; empty for none. MobileNet uses 6 (ReLU6), which keeps "
                  "values in a range low-precision phones handle well."))


@dataclass(frozen=True)
class ReLU(LayerType):
    """max(0, x), at most `max_value` when it is set; no parameters."""

    max_value: float | None = None

    type: ClassVar[str] = "ReLU"
    keras_name: ClassVar[str] = "re_lu"  # Keras' own name for it
    fields: ClassVar[tuple[Field, ...]] = (MAX_VALUE,)
    new: ClassVar[dict[str, Any]] = {"max_value": None}
    explanation: ClassVar[str] = N_("keeps positive values and sets negative ones to 0; optionally capped")
    short: ClassVar[str] = "ReLU"
    color: ClassVar[str] = "#d9a0c8"
    needs_image: ClassVar[bool] = False

    def describe(self) -> str:
        return "ReLU" if self.max_value is None else f"ReLU max {self.max_value:g}"

    def picture_label(self) -> str:
        return "ReLU" if self.max_value is None else f"ReLU{self.max_value:g}"

    def step(self, position: int, shape: Shape) -> Step:
        return same_shape(shape)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.ReLU(max_value=self.max_value, name=name)

    def code_args(self) -> list[str]:
        return [] if self.max_value is None else [f"max_value={self.max_value!r}"]

    def comment(self, row: Any) -> str:
        cap = "" if self.max_value is None else _(", at most {n}").format(n=f"{self.max_value:g}")
        return what_then(_("max(0, x) of every value") + cap, no_params(row))

"""Dropout: zeroes a random fraction of the values while training, against overfitting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import Field, LayerType, Shape, Step, same_shape
from cnnlab.i18n import N_, _

RATE = Field("rate", "rate", N_("rate"),
             N_("Fraction of values zeroed at random in each training step (not when predicting)."))


@dataclass(frozen=True)
class Dropout(LayerType):
    """Zeroes a random fraction `rate` of activations while training only."""

    rate: float

    type: ClassVar[str] = "Dropout"
    keras_name: ClassVar[str] = "dropout"
    fields: ClassVar[tuple[Field, ...]] = (RATE,)
    new: ClassVar[dict[str, Any]] = {"rate": 0.25}
    explanation: ClassVar[str] = N_("zeroes a random fraction of values while training, against "
                                  "overfitting")
    short: ClassVar[str] = "Dropout"  # the rate is in the hover
    color: ClassVar[str] = "#b0b0b0"
    needs_image: ClassVar[bool] = False
    keeps_probabilities: ClassVar[bool] = True

    def describe(self) -> str:
        return f"Dropout {self.rate:g}"

    def step(self, position: int, shape: Shape) -> Step:
        return same_shape(shape)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.Dropout(self.rate, name=name)

    def code_args(self) -> list[str]:
        return [repr(float(self.rate))]

    def comment(self, row: Any) -> str:
        return _("zeroes a random {share} of the values, while training only; no "
                 "parameters").format(share=f"{self.rate * 100:g}%")

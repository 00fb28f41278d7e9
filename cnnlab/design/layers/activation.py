"""Activation: a function applied to every value on its own, as a separate layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (ACTIVATION, Field, LayerType, Shape, Step, no_params,
                                       same_shape)
from cnnlab.i18n import N_, _


@dataclass(frozen=True)
class Activation(LayerType):
    """Applies `activation` to each value; no parameters (Conv2D(..., activation=...) in two steps)."""

    activation: str

    type: ClassVar[str] = "Activation"
    keras_name: ClassVar[str] = "activation"
    fields: ClassVar[tuple[Field, ...]] = (ACTIVATION,)
    new: ClassVar[dict[str, Any]] = {"activation": "relu"}
    explanation: ClassVar[str] = N_("applies a function (relu, softmax, ...) to every value; "
                                  "lets BatchNormalization sit between a layer and its activation")
    short: ClassVar[str] = "Activation"
    color: ClassVar[str] = "#d9a0c8"
    needs_image: ClassVar[bool] = False

    def describe(self) -> str:
        return f"Activation {self.activation}"

    def picture_label(self) -> str:
        return self.activation

    def step(self, position: int, shape: Shape) -> Step:
        return same_shape(shape)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.Activation(self.activation, name=name)

    def code_args(self) -> list[str]:
        return [f'"{self.activation}"']

    def comment(self, row: Any) -> str:
        return _("{name} of every value: {change}").format(name=self.activation,
                                                            change=no_params(row))

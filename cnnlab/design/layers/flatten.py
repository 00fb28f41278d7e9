"""Flatten: unrolls a height x width x channels volume into one vector for the Dense head."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (NO_WEIGHTS, LayerType, Shape, Step, change, dims, n,
                                       numbers)
from cnnlab.errors import LabError
from cnnlab.i18n import N_, _


@dataclass(frozen=True)
class Flatten(LayerType):
    """Unrolls a (H, W, C) volume into a vector of H*W*C numbers."""

    type: ClassVar[str] = "Flatten"
    keras_name: ClassVar[str] = "flatten"
    explanation: ClassVar[str] = N_("unrolls the height x width x channels volume into one vector")
    short: ClassVar[str] = "Flatten"
    color: ClassVar[str] = "#E69F00"  # Okabe-Ito orange
    keeps_probabilities: ClassVar[bool] = True

    def check_input(self, position: int, shape: Shape, made_vector: str) -> None:
        if len(shape) == 1:
            raise LabError(
                _("Layer {position} (Flatten): its input is already a vector of {numbers} ({why}), "
                  "so there is nothing to flatten. Remove this Flatten.").format(
                      position=position, numbers=numbers(shape[0]), why=made_vector),
                layer=position)

    def step(self, position: int, shape: Shape) -> Step:
        size = math.prod(shape)  # (H, W, C) -> (H*W*C,)
        return Step((size,), 0, 0, NO_WEIGHTS, f"{dims(shape)} = {n(size)}", 0)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.Flatten(name=name)

    def comment(self, row: Any) -> str:
        return _("unrolls the volume into one vector: {change}").format(change=change(row))

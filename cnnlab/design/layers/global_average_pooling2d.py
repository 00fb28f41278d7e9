"""GlobalAveragePooling2D: one average per channel, a light replacement for Flatten."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from cnnlab.design.layers.base import (NO_WEIGHTS, LayerType, Shape, Step, n, no_params)
from cnnlab.i18n import N_, _


@dataclass(frozen=True)
class GlobalAveragePooling2D(LayerType):
    """Averages each channel over the whole map: (H, W, C) -> (C,)."""

    type: ClassVar[str] = "GlobalAveragePooling2D"
    keras_name: ClassVar[str] = "global_average_pooling2d"
    explanation: ClassVar[str] = N_("averages each channel over the whole map: one number per "
                                  "channel")
    short: ClassVar[str] = "Global avg"
    color: ClassVar[str] = "#E69F00"  # Okabe-Ito orange
    keeps_probabilities: ClassVar[bool] = True

    def step(self, position: int, shape: Shape) -> Step:
        # (H, W, C) -> (C,)
        return Step((shape[2],), 0, 0, NO_WEIGHTS,
                    f"one average per channel over {shape[0]} x {shape[1]}: {n(shape[2])}", 0,
                    mixes_all=True)

    def keras_layer(self, name: str) -> Any:
        from keras import layers as kl

        return kl.GlobalAveragePooling2D(name=name)

    def comment(self, row: Any) -> str:
        return _("the average of each channel over the whole map: {change}").format(
            change=no_params(row))
